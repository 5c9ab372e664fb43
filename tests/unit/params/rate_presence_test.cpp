// S/MUX: which channels a device has at each rate. The expected counts are the standard's
// (ADAT: 8 channels at 44.1/48 kHz, 4 at 88.2/96, 2 at 176.4/192) added up by hand for
// studio-8x8: 8 analog inputs, ADAT, 2 S/PDIF; 12 analog output channels, ADAT pairs, S/PDIF.
#include "phantom/params/rate_presence.hpp"

#include <gtest/gtest.h>

#include "phantom/device/channel_counts.hpp"
#include "phantom/device/device_catalog.hpp"

namespace phantom::params {
namespace {

struct Expected {
    std::uint32_t rate;
    int adat, inputs, outputs, capture, playback;
};

// capture: host.capture = 18 (in1-8, adat1-8, spdif1-2); playback: host.playback = 20, one per
// output channel (main 2, line3-6 4, hp1 2, hp2 2, adat 8, spdif 2).
constexpr Expected kStudio[] = {
    {44100, 8, 8 + 8 + 2, 12 + 8 + 2, 8 + 8 + 2, 10 + 8 + 2},
    {48000, 8, 8 + 8 + 2, 12 + 8 + 2, 8 + 8 + 2, 10 + 8 + 2},
    {88200, 4, 8 + 4 + 2, 12 + 4 + 2, 8 + 4 + 2, 10 + 4 + 2},
    {96000, 4, 8 + 4 + 2, 12 + 4 + 2, 8 + 4 + 2, 10 + 4 + 2},
    {176400, 2, 8 + 2 + 2, 12 + 2 + 2, 8 + 2 + 2, 10 + 2 + 2},
    {192000, 2, 8 + 2 + 2, 12 + 2 + 2, 8 + 2 + 2, 10 + 2 + 2},
};

TEST(RatePresence, StudioChannelCountsFollowSmuxAtEveryRate) {
    const auto spec = device::load_device("studio-8x8");
    const auto layout = build_interface_params(spec);
    for (const auto& e : kStudio) {
        SCOPED_TRACE(e.rate);
        const auto c = device::channel_counts(spec, e.rate);
        EXPECT_EQ(c.inputs, e.inputs);
        EXPECT_EQ(c.outputs, e.outputs);
        EXPECT_EQ(c.capture, e.capture);
        EXPECT_EQ(c.playback, e.playback);

        const auto p = rate_presence(spec, layout, e.rate);
        for (int ch = 1; ch <= 8; ++ch) {
            const int s = layout.source_index("adat" + std::to_string(ch));
            EXPECT_EQ(p.source_present(static_cast<size_t>(s)), ch <= e.adat) << "adat" << ch;
        }
        for (int pair = 1; pair <= 7; pair += 2) {
            const std::string id = "adat" + std::to_string(pair) + "-" + std::to_string(pair + 1);
            EXPECT_EQ(p.output_present(static_cast<size_t>(spec.output_index(id))), pair < e.adat)
                << id;
        }
        // The presence and the spec sheet's counts agree channel for channel.
        int playback = 0;
        for (size_t s = 0; s < layout.sources.size(); ++s)
            if (layout.sources[s].kind == SourceKind::Playback && p.source_present(s)) ++playback;
        EXPECT_EQ(playback, e.playback);
        EXPECT_TRUE(p.source_present(static_cast<size_t>(layout.source_index("spdif2"))));
        EXPECT_TRUE(p.source_present(static_cast<size_t>(layout.source_index("pb20"))));
    }
}

TEST(RatePresence, TheDroppedPlaybackChannelsAreTheAdatOutputsOwn) {
    // pb11…pb18 feed adat1-2 … adat7-8 by default (decisions.md): at 96 kHz pb15…pb18 go.
    const auto spec = device::load_device("studio-8x8");
    const auto layout = build_interface_params(spec);
    const auto p = rate_presence(spec, layout, 96000);
    for (int n = 1; n <= 20; ++n) {
        const int s = layout.source_index("pb" + std::to_string(n));
        EXPECT_EQ(p.source_present(static_cast<size_t>(s)), n < 15 || n > 18) << "pb" << n;
    }
}

TEST(RatePresence, EveryParameterOfAnAbsentChannelIsAbsentAndNoOther) {
    const auto spec = device::load_device("studio-8x8");
    const auto layout = build_interface_params(spec);
    const auto p = rate_presence(spec, layout, 96000);
    const std::vector<std::string> gone = {"adat5",   "adat6", "adat7", "adat8", "adat5-6",
                                           "adat7-8", "pb15",  "pb16",  "pb17",  "pb18"};
    size_t absent = 0;
    for (size_t i = 0; i < layout.tree.size(); ++i) {
        const std::string& path = layout.tree.schema(static_cast<ParamIndex>(i)).path;
        bool names_gone = false;
        for (const auto& id : gone)
            names_gone = names_gone || path.find("/" + id + "/") != std::string::npos ||
                         path.ends_with("/" + id);
        EXPECT_EQ(p.param_present(static_cast<ParamIndex>(i)), !names_gone) << path;
        absent += names_gone ? 1 : 0;
    }
    EXPECT_GT(absent, 0u);
    EXPECT_FALSE(p.param_present(*layout.tree.find("/input/adat7/trim")));
    EXPECT_FALSE(p.param_present(*layout.tree.find("/mix/main/adat7/gain")));
    EXPECT_FALSE(p.param_present(*layout.tree.find("/mix/adat7-8/in1/gain")));
    EXPECT_FALSE(p.param_present(*layout.tree.find("/output/adat5-6/volume")));
    EXPECT_FALSE(p.param_present(*layout.tree.find("/link/adat7")));
    EXPECT_TRUE(p.param_present(*layout.tree.find("/input/adat4/trim")));
    EXPECT_TRUE(p.param_present(*layout.tree.find("/link/adat3")));
}

TEST(RatePresence, TheReasonNamesThePortItsCountAndTheRateFamily) {
    const auto spec = device::load_device("studio-8x8");
    const auto layout = build_interface_params(spec);
    EXPECT_EQ(rate_presence(spec, layout, 96000).why_absent("adat7"),
              "adat7 does not exist at 96000 Hz: ADAT carries 4 channels at 88.2/96 kHz (S/MUX)");
    EXPECT_EQ(rate_presence(spec, layout, 192000).why_absent("adat3"),
              "adat3 does not exist at 192000 Hz: ADAT carries 2 channels at 176.4/192 kHz "
              "(S/MUX4)");
    EXPECT_EQ(rate_presence(spec, layout, 48000).why_absent("adat7"), "");
}

TEST(RatePresence, DevicesWithoutDigitalPortsLoseNothing) {
    for (const char* id : {"desktop-2x2", "stress-64"}) {
        const auto spec = device::load_device(id);
        const auto layout = build_interface_params(spec);
        for (auto rate : spec.sample_rates) {
            const auto p = rate_presence(spec, layout, rate);
            EXPECT_TRUE(p.absent_ids.empty()) << id << " " << rate;
            const auto c = device::channel_counts(spec, rate);
            EXPECT_EQ(c.capture, spec.host.capture);
            EXPECT_EQ(c.playback, spec.host.playback);
        }
    }
}

}  // namespace
}  // namespace phantom::params
