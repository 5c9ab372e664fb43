// LV2 plugins on the submixes' FX buses (/output/<bus>/reverb|echo/insert/<n>/…), with real
// plugins from Debian (lv2-examples' eg-amp, x42's nodelay): a plugin runs after the built-in
// FX, on the wet signal, before the return; with the built-in switched off
// (/output/<bus>/<kind>_builtin) the sends reach it dry, so it is the submix's FX; its latency
// delays the return only; the switch glides; a session keeps the plugin and its controls.
// Every expected sample is the click times gains computed here from their dB.
#include <gtest/gtest.h>

#include <cmath>

#include "phantom/control/controller.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/params/plugin_params.hpp"
#include "rig.hpp"

namespace phantom::test {
namespace {

constexpr const char* kAmp = "http://lv2plug.in/plugins/eg-amp";
constexpr const char* kNoDelay = "http://gareus.org/oss/lv2/nodelay";
constexpr float kClick = 0.5f;

double db(double x) {
    return std::pow(10.0, x / 20.0);
}

// studio-8x8 with its inputs as on JACK; in1 hard left into hp1's echo through a pre-fader
// send at 0 dB, the dry fader at -inf: hp1 plays the echo bus alone.
struct EchoBusRig {
    Rig rig{"studio-8x8", 48000, 256};
    EchoBusRig() {
        rig.host_ports();
        rig.set("/mix/hp1/in1/pan", "-1");
        rig.set("/mix/hp1/in1/echo", "0");
        rig.set("/output/hp1/echo_pre", "on");
        rig.set("/output/hp1/echo_return", "0");
        rig.set("/fx/echo/time", "10");  // 480 frames
        rig.set("/fx/echo/feedback", "0");
        rig.set("/fx/echo/highcut_on", "off");
    }
    void play(const std::vector<float>& x, int block = 64) {
        for (size_t at = 0; at < x.size();) {
            const size_t n = std::min(static_cast<size_t>(block), x.size() - at);
            std::copy(x.begin() + static_cast<long>(at), x.begin() + static_cast<long>(at + n),
                      rig.hw_in(0).begin());
            rig.block(static_cast<int>(n));
            at += n;
        }
    }
    // hp1.L after a click at frame 100, which must hold `want` at the frames given and
    // nothing anywhere else, on either side.
    void expect_only(const std::map<size_t, float>& want) {
        std::vector<float> x(2048, 0.0f);
        x[100] = kClick;
        play(x);
        const auto& left = rig.out("hp1.L");
        const auto& right = rig.out("hp1.R");
        for (size_t i = 0; i < left.size(); ++i) {
            const auto it = want.find(i);
            ASSERT_NEAR(left[i], it == want.end() ? 0.0f : it->second, 1e-7f) << "frame " << i;
            ASSERT_NEAR(right[i], 0.0f, 1e-7f) << "frame " << i;
        }
    }
};

TEST(FxBusPlugins, APluginRunsOnTheBuiltinFxsOutputBeforeTheReturn) {
    EchoBusRig r;
    r.rig.set("/output/hp1/echo/insert/1/plugin", kAmp);
    r.rig.set("/output/hp1/echo/insert/1/gain", "-6");
    r.rig.start();
    // The echo's one repeat, 480 frames on, through eg-amp's -6 dB; no dry click (the fader
    // is at -inf and the echo is wet only).
    r.expect_only({{100 + 480, static_cast<float>(kClick * db(-6.0))}});
}

TEST(FxBusPlugins, WithTheBuiltinOffTheSendsReachThePluginDry) {
    EchoBusRig r;
    r.rig.set("/output/hp1/echo_builtin", "off");
    r.rig.set("/output/hp1/echo/insert/2/plugin", kAmp);
    r.rig.set("/output/hp1/echo/insert/2/gain", "-9.5");
    r.rig.start();
    r.expect_only({{100, static_cast<float>(kClick * db(-9.5))}});
    const size_t hp1 = static_cast<size_t>(r.rig.iface().layout().bus_index("hp1"));
    EXPECT_EQ(r.rig.iface().fx().echo[hp1], nullptr);  // the built-in is not even made
}

TEST(FxBusPlugins, WithTheBuiltinOffAndNoPluginTheBusIsAPlainAux) {
    EchoBusRig r;
    r.rig.set("/output/hp1/echo_builtin", "off");
    r.rig.set("/output/hp1/echo_return", "-4");
    r.rig.start();
    r.expect_only({{100, static_cast<float>(kClick * db(-4.0))}});
}

TEST(FxBusPlugins, APluginsLatencyDelaysTheReturnOnlyAndNoOutputsLatency) {
    EchoBusRig r;
    r.rig.set("/mix/hp1/in1/gain", "0");  // the dry click too, on time
    r.rig.start();
    size_t hp1 = 0;
    while (r.rig.iface().spec().outputs[hp1].id != "hp1")
        ++hp1;
    const int before = r.rig.iface().output_latency_frames(hp1);
    r.rig.set("/output/hp1/echo_builtin", "off");
    r.rig.set("/output/hp1/echo/insert/1/plugin", kNoDelay);
    r.rig.set("/output/hp1/echo/insert/1/delay", "37");
    r.play(std::vector<float>(4800, 0.0f));  // the load's crossfade, and nodelay's own ramp
    r.rig.clear_recordings();
    r.expect_only({{100, kClick}, {100 + 37, kClick}});
    EXPECT_EQ(r.rig.iface().output_latency_frames(hp1), before);
    EXPECT_EQ(r.rig.iface().input_latency_frames(0), 0);
}

// The built-in switched off and on while a sine plays through the echo: the return moves
// between the dry sine and its echo 1 ms later with no step larger than the sine's own
// steepest plus what a 5 ms glide between two signals of 0.5 adds per frame; and an FX
// switched off for good is dropped.
TEST(FxBusPlugins, TheBuiltinSwitchGlidesAndAnFxSwitchedOffIsDropped) {
    EchoBusRig r;
    r.rig.set("/fx/echo/time", "1");
    r.rig.start();
    std::vector<float> x(4800);
    for (size_t n = 0; n < x.size(); ++n)
        x[n] = static_cast<float>(0.5 * std::sin(2 * M_PI * 100.0 * n / 48000.0));
    r.play(x);
    r.rig.set("/output/hp1/echo_builtin", "off");
    r.play(x);
    r.rig.iface().maintain();
    const size_t hp1 = static_cast<size_t>(r.rig.iface().layout().bus_index("hp1"));
    EXPECT_EQ(r.rig.iface().fx().echo[hp1], nullptr);
    r.rig.set("/output/hp1/echo_builtin", "on");
    EXPECT_NE(r.rig.iface().fx().echo[hp1], nullptr);
    r.play(x);
    const auto& y = r.rig.out("hp1.L");
    const double steepest = 0.5 * 2 * M_PI * 100.0 / 48000.0 + 2 * 0.5 / 240.0;
    for (size_t i = 1; i < y.size(); ++i)
        ASSERT_LE(std::abs(y[i] - y[i - 1]), 1.05 * steepest) << "frame " << i;
    // Off: the dry sine itself, at the return's 0 dB.
    for (size_t n = 4800 + 960; n < 9600; ++n)
        ASSERT_NEAR(y[n], x[n - 4800], 1e-6f) << "frame " << n;
    // On again: the sine 48 frames late (a new echo starts from silence, so after its time).
    for (size_t n = 9600 + 960; n < 14400; ++n)
        ASSERT_NEAR(y[n], x[n - 9600 - 48], 1e-6f) << "frame " << n;
}

TEST(FxBusPlugins, TheSlotsAreNamedAfterTheirBusAndKindAndTakeTheBussLayout) {
    const device::DeviceSpec spec = device::load_device("studio-8x8");
    engine::Interface iface{spec, 48000, 64};
    control::Controller controller{iface, true};
    EXPECT_TRUE(params::is_plugin_control_path("/output/hp1/reverb/insert/1/gain"));
    EXPECT_TRUE(params::is_plugin_choice_path("/output/hp1/echo/insert/2/plugin"));
    EXPECT_FALSE(params::is_plugin_control_path("/output/hp1/chorus/insert/1/gain"));
    EXPECT_EQ(params::plugin_slot_of_path("/output/main/reverb/insert/2/gain"),
              "/output/main/reverb/insert/2");
    // The bus's controls are the plugin's, and a session keeps them.
    controller.apply({{"/output/hp2/echo/insert/1/plugin", std::string(kAmp)},
                      {"/output/hp2/echo/insert/1/gain", -12.0}});
    const session::Session s = controller.capture();
    EXPECT_EQ(s.params.at("/output/hp2/echo/insert/1/plugin"), kAmp);
    engine::Interface again{spec, 48000, 64};
    control::Controller restored{again, true};
    restored.load(s, "fx-plugins.json");
    const auto gain = again.params().find("/output/hp2/echo/insert/1/gain");
    ASSERT_TRUE(gain.has_value());
    EXPECT_EQ(again.params().value(*gain), -12.0);
}

// x42's dpl#stereo (2 in, 2 out) on a stereo mix's FX bus. (Apart from the rest: dpl leaks
// in its own code, so AddressSanitizer's run leaves this one out.)
TEST(FxBusPlugins, AStereoPluginFitsAStereoMixsBus) {
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 64};
    control::Controller controller{iface, true};
    EXPECT_NO_THROW(controller.set("/output/main/reverb/insert/1/plugin",
                                   std::string("http://gareus.org/oss/lv2/dpl#stereo")));
}

}  // namespace
}  // namespace phantom::test
