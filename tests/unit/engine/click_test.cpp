// reliability.md §8 test 11: steps on gain (-inf ↔ 0 dB), mute, dim, mono, speaker A/B, a
// mirror switch and the channel strips' sections and settings with a 1 kHz sine playing: the
// largest sample-to-sample step of any output stays within 1.01× the sine's own largest step.
// Changes ramp over about 5 ms.
#include <gtest/gtest.h>

#include <cmath>

#include "phantom/control/controller.hpp"
#include "rig.hpp"

namespace phantom::test {
namespace {

float max_step(const std::vector<float>& x) {
    float m = 0;
    for (size_t i = 1; i < x.size(); ++i)
        m = std::max(m, std::fabs(x[i] - x[i - 1]));
    return m;
}

class Clicks : public testing::TestWithParam<Setup> {};

TEST_P(Clicks, NoSwitchStepsFasterThanTheSineItself) {
    const auto rate = GetParam().rate;
    Rig r("studio-8x8", rate, 256);
    r.source("in5", "sine:1k:+12dBu");  // -6 dBFS peak
    r.source("in6", "sine:1k:+12dBu");
    r.set("/input/in6/polarity", "on");
    r.set("/mix/main/in5/gain", "0");
    r.set("/mix/main/in5/pan", "-1");
    r.set("/mix/hp1/in6/gain", "0");  // hp1's own mix: the inverted sine
    r.set("/mix/hp1/in6/pan", "-1");
    r.start();
    // 100 ms plus a quarter period between switches: every switch lands near the sine's peak,
    // where a missing ramp would jump by the full amplitude.
    const int step = static_cast<int>(rate / 10 + rate / 4000);
    r.run(step, GetParam().block);
    const float sine_step = max_step(r.out("main.L"));  // the sine's own, before any switch
    ASSERT_GT(sine_step, 0.0f);
    const char* switches[][2] = {
        {"/mix/main/in5/gain", "-inf"},
        {"/mix/main/in5/gain", "0"},
        {"/mix/main/in5/mute", "on"},
        {"/mix/main/in5/mute", "off"},
        {"/monitor/dim", "on"},
        {"/monitor/dim", "off"},
        {"/monitor/mono", "on"},
        {"/monitor/mono", "off"},
        {"/monitor/speakers", "B"},
        {"/monitor/speakers", "AB"},
        {"/monitor/speakers", "A"},
        {"/output/hp1/mirror", "main"},
        {"/output/hp1/mirror", "none"},
        {"/monitor/mute", "on"},
        {"/monitor/mute", "off"},
        // The channel strips: sections switched on and off (crossfaded), settings moved while
        // the sine plays (coefficients handed over, state kept), an output's delay and limiter.
        {"/input/in5/lowcut/on", "on"},
        {"/input/in5/lowcut/freq", "200"},
        {"/input/in5/eq/on", "on"},
        {"/input/in5/eq/mid2/gain", "-6"},
        {"/input/in5/comp/on", "on"},
        {"/input/in5/gate/on", "on"},
        {"/input/in5/comp/threshold", "-30"},
        {"/output/main/eq/on", "on"},
        {"/output/main/eq/5/on", "on"},
        {"/output/main/eq/5/gain", "-6"},
        {"/output/main/delay", "5"},
        {"/output/hp1/limiter/on", "on"},
        {"/input/in6/eq/on", "on"},
        {"/output/hp1/limiter/on", "off"},
        {"/output/main/delay", "0"},
        {"/output/main/eq/on", "off"},
        {"/input/in5/comp/on", "off"},
        {"/input/in5/gate/on", "off"},
        {"/input/in5/eq/on", "off"},
        {"/input/in5/lowcut/on", "off"},
        // A linked pair's width, switched on and moved (only narrower: in6 is silent, so a
        // wider pair would raise in5's level, and its sine's steps with it, which this test's
        // measure cannot tell from a click), then switched off with the link.
        {"/link/in5", "on"},
        {"/input/in5/width", "0.3"},
        {"/input/in5/width", "0"},
        {"/link/in5", "off"},
    };
    for (const auto& s : switches) {
        r.set(s[0], s[1]);
        r.run(step, GetParam().block, static_cast<std::uint32_t>(step));
    }
    for (const char* ch : {"main.L", "main.R", "alt.L", "alt.R", "hp1.L"}) {
        const auto& x = r.out(ch);
        for (size_t i = 1; i < x.size(); ++i)
            if (std::fabs(x[i] - x[i - 1]) > 1.01f * sine_step) {
                ADD_FAILURE() << ch << ": step of " << std::fabs(x[i] - x[i - 1]) << " at frame "
                              << i << " (switch " << i / static_cast<size_t>(step) << ", +"
                              << i % static_cast<size_t>(step) << " frames), the sine's own is "
                              << sine_step << ": " << x[i - 1] << " -> " << x[i];
                break;
            }
    }
    // The gain step really happened and finished within a ramp (5 ms) plus a block.
    const auto& main = r.out("main.L");
    const size_t off_from = static_cast<size_t>(step + static_cast<int>(rate * 0.005) + 256);
    EXPECT_EQ(peak(std::vector<float>(main.begin() + static_cast<long>(off_from),
                                      main.begin() + 2 * step)),
              0.0f);
}

// LV2 plugins in in5's first slot while the sine plays: loaded with its gain in the same batch,
// bypassed and back, replaced by another plugin, unloaded. Each crossfades over 10 ms.
TEST_P(Clicks, PluginsLoadedBypassedReplacedAndUnloadedDoNotStep) {
    const auto rate = GetParam().rate;
    Rig r("studio-8x8", rate, 256);
    control::Controller controller(r.iface(), true);
    r.source("in5", "sine:1k:+12dBu");  // -6 dBFS peak
    r.set("/mix/main/in5/gain", "0");
    r.set("/mix/main/in5/pan", "-1");
    r.start();
    const int step = static_cast<int>(rate / 10 + rate / 4000);
    r.run(step, GetParam().block);
    const float sine_step = max_step(r.out("main.L"));
    ASSERT_GT(sine_step, 0.0f);
    const std::string slot = "/input/in5/insert/1/";
    const std::vector<std::vector<control::SetParam>> batches = {
        {{slot + "plugin", std::string("http://lv2plug.in/plugins/eg-amp")}, {slot + "gain", -6.0}},
        {{slot + "bypass", true}},
        {{slot + "bypass", false}},
        {{slot + "plugin", std::string("http://gareus.org/oss/lv2/nodelay")}},
        {{slot + "plugin", std::string("")}},
    };
    for (const auto& batch : batches) {
        controller.apply(batch);
        r.run(step, GetParam().block, static_cast<std::uint32_t>(step));
    }
    const auto& x = r.out("main.L");
    for (size_t i = 1; i < x.size(); ++i)
        if (std::fabs(x[i] - x[i - 1]) > 1.01f * sine_step) {
            ADD_FAILURE() << "step of " << std::fabs(x[i] - x[i - 1]) << " at frame " << i
                          << " (batch " << i / static_cast<size_t>(step) << "), the sine's own is "
                          << sine_step;
            break;
        }
    // eg-amp really took 6 dB off once faded in: the second stretch peaks at half the first's.
    const auto stretch = [&](size_t k) {
        const auto from = static_cast<long>(k * static_cast<size_t>(step) + step / 2);
        return peak(std::vector<float>(x.begin() + from, x.begin() + from + step / 2));
    };
    EXPECT_NEAR(stretch(1), stretch(0) * std::pow(10.0, -6.0 / 20.0), 1e-3);
    EXPECT_NEAR(stretch(2), stretch(0), 1e-3);  // bypassed: dry
    EXPECT_NEAR(stretch(5), stretch(0), 1e-6);  // unloaded: dry
}

INSTANTIATE_TEST_SUITE_P(Setups, Clicks,
                         testing::Values(Setup{48000, 256}, Setup{48000, 0}, Setup{44100, 32},
                                         Setup{96000, 0}),
                         setup_name);

}  // namespace
}  // namespace phantom::test
