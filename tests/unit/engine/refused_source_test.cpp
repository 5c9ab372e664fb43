// docs/decisions.md "Faults": a bad source never touches the other channels. A NaN level used
// to become a NaN gain after the input's fault guard and silence every channel of the outputs
// it was mixed into; it is refused now, and the output carries exactly the healthy sources.
#include <gtest/gtest.h>

#include <cmath>

#include "phantom/engine/interface.hpp"
#include "rig.hpp"

namespace phantom::test {
namespace {

// in1 (a healthy sine), in2, adat1 and pb1 all routed into main at 0 dB; `bad` is offered to
// in2, adat1 and pb1 as their source (each refused).
std::vector<float> render_main(const std::vector<std::string>& bad, size_t& refused) {
    Rig rig("studio-8x8", 48000, 64);
    for (const char* ch : {"in1", "in2", "adat1", "pb1"})
        rig.set(std::string("/mix/main/") + ch + "/gain", "0");
    rig.source("in1", "sine:1k:-20dBu");
    refused = 0;
    for (const auto& text : bad)
        for (const char* ch : {"in2", "adat1", "pb1"}) {
            try {
                rig.source(ch, text);
            } catch (const engine::SourceError&) {
                ++refused;
            }
        }
    rig.start();
    rig.run(48000 / 4, 64);
    return rig.out("main.L");
}

TEST(RefusedSource, ANanOrInfLevelBesideAHealthySourceLeavesTheOutputUntouched) {
    size_t refused = 0;
    const auto clean = render_main({}, refused);
    const std::vector<std::string> bad = {"sine:1k:nandBFS", "sine:1k:infdBFS", "sine:1k:-infdBFS",
                                          "pink:nandBFS", "impulse:1e400dBFS"};
    const auto hit = render_main(bad, refused);
    EXPECT_EQ(refused, bad.size() * 3);
    ASSERT_EQ(hit.size(), clean.size());
    // The healthy sine is there (its level is the front end's business, tested elsewhere)...
    float peak_hit = 0;
    for (float x : hit) {
        ASSERT_TRUE(std::isfinite(x));
        peak_hit = std::max(peak_hit, std::fabs(x));
    }
    EXPECT_GT(peak_hit, 1e-3f);
    // ...and sample for sample what the healthy source alone gives.
    for (size_t k = 0; k < clean.size(); ++k)
        ASSERT_EQ(hit[k], clean[k]) << "sample " << k;
}

// A list of sources (`--source` given several times, a session's "sources") is all or nothing:
// a refused entry leaves the channels before it as they were.
TEST(RefusedSource, AListWithOneRefusedEntrySetsNoneOfIt) {
    Rig rig("studio-8x8", 48000, 64);
    rig.set("/mix/main/in1/gain", "0");
    const std::vector<std::pair<std::string, std::string>> list = {
        {"in1", "sine:1k:-20dBu"}, {"in2", "/nonexistent/take.wav"}};
    try {
        rig.iface().set_sources(list);
        FAIL() << "a missing file was accepted";
    } catch (const engine::SourceError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("in2"), std::string::npos) << what;
        EXPECT_NE(what.find("/nonexistent/take.wav"), std::string::npos) << what;
    }
    EXPECT_FALSE(rig.iface().source(0).has_value());  // in1 kept no source
    rig.start();
    rig.run(4800, 64);
    for (float x : rig.out("main.L"))
        ASSERT_EQ(x, 0.0f);
    // The same list without the bad entry sets in1.
    rig.iface().set_sources({list.front()});
    ASSERT_TRUE(rig.iface().source(0).has_value());
}

}  // namespace
}  // namespace phantom::test
