#include <gtest/gtest.h>

#include <cmath>

#include "phantom/analog/headphone_amp.hpp"
#include "phantom/analog/input_front_end.hpp"
#include "phantom/analog/pickup_filter.hpp"
#include "phantom/device/device_catalog.hpp"

namespace phantom::analog {
namespace {

using device::InputMode;

const device::InputSpec& studio_input(int n) {
    static const device::DeviceSpec spec = device::load_device("studio-8x8");
    return spec.analog_inputs[static_cast<size_t>(n - 1)];
}

double db(double x) {
    return 20 * std::log10(x);
}

TEST(FrontEnd, LineSineInDbuLandsAtItsDbfs) {
    // -20 dBu sine into a line input whose 0 dBFS is +18 dBu: peak at -38 dBFS.
    FrontEndSettings st;
    FrontEnd fe =
        analog_front_end(studio_input(5), st, parse_source_spec("sine:440:-20dBu"), 48000);
    EXPECT_NEAR(db(fe.gain), -38.0, 1e-9);
    // The -10 dBV reference makes the same input 11.78 dB more sensitive.
    st.consumer_level = true;
    fe = analog_front_end(studio_input(5), st, parse_source_spec("sine:440:-20dBu"), 48000);
    EXPECT_NEAR(db(fe.gain), -38.0 + (4.0 - (-10.0 + 2.2185)), 1e-3);
}

TEST(FrontEnd, FileOnLineInputIsUnityExactly) {
    FrontEndSettings st;
    FrontEnd fe = analog_front_end(studio_input(5), st, parse_source_spec("a.wav"), 48000);
    EXPECT_EQ(fe.gain, 1.0);
    fe = analog_front_end(studio_input(1), st, parse_source_spec("a.wav"),
                          48000);  // mic input, 0 dB gain
    EXPECT_EQ(fe.gain, 1.0);
}

TEST(FrontEnd, DynamicMicAt94DbSplThroughPreampAndPad) {
    // SM58: 1.85 mV/Pa at 94 dB SPL (1 Pa), 300 Ω into 3 kΩ; +50 dB; 0 dBFS = +18 dBu.
    const double volts_rms = 1.85e-3 * (20e-6 * std::pow(10, 94 / 20.0)) * 3000 / 3300;
    const double expected_peak = volts_rms * std::sqrt(2) * std::pow(10, 50 / 20.0) /
                                 (std::sqrt(2) * 0.7745967 * std::pow(10, 18 / 20.0));
    FrontEndSettings st;
    st.mode = InputMode::Mic;
    st.gain_db = 50;
    FrontEnd fe =
        analog_front_end(studio_input(1), st, parse_source_spec("dynamic:sine:1k:94dBSPL"), 48000);
    EXPECT_NEAR(fe.gain, expected_peak, expected_peak * 1e-6);
    st.pad = true;  // -20 dB
    FrontEnd padded =
        analog_front_end(studio_input(1), st, parse_source_spec("dynamic:sine:1k:94dBSPL"), 48000);
    EXPECT_NEAR(padded.gain / fe.gain, 0.1, 1e-12);
}

TEST(FrontEnd, CondenserIsSilentWithoutPhantomAndRibbonWarnsWithIt) {
    FrontEndSettings st;
    st.mode = InputMode::Mic;
    FrontEnd off = analog_front_end(studio_input(1), st,
                                    parse_source_spec("condenser:sine:1k:94dBSPL"), 48000);
    EXPECT_EQ(off.gain, 0.0);
    EXPECT_TRUE(off.condenser_without_phantom);
    st.phantom = true;
    FrontEnd on = analog_front_end(studio_input(1), st,
                                   parse_source_spec("condenser:sine:1k:94dBSPL"), 48000);
    // 14.1 mV/Pa is 17.6 dB hotter than the SM58's 1.85 mV/Pa (before loading).
    FrontEnd dyn =
        analog_front_end(studio_input(1), st, parse_source_spec("dynamic:sine:1k:94dBSPL"), 48000);
    EXPECT_NEAR(db(on.gain / dyn.gain), db(14.1 / 1.85) + db((3000.0 / 3100) / (3000.0 / 3300)),
                1e-9);
    FrontEnd ribbon =
        analog_front_end(studio_input(1), st, parse_source_spec("ribbon:sine:1k:94dBSPL"), 48000);
    EXPECT_TRUE(ribbon.phantom_on_ribbon);
    EXPECT_GT(ribbon.gain, 0.0);
}

TEST(PickupFilter, MatchesThePhysicsReferenceTable) {
    // physics.md §4 (peak and 5 kHz figures relative to the LF level): single coil into 1 MΩ
    // peaks near 4.3 kHz at +3.0 dB, +2.6 dB at 5 kHz, LF -0.5 dB; into a 10 kΩ line input:
    // -3 dB near 0.98 kHz, -14.3 dB at 5 kHz, LF -4.3 dB.
    auto mag_db = [](double z, double f) { return db(pickup_magnitude(kSingleCoil, z, f)); };
    double best_f = 0, best = -100;
    for (double f = 1000; f < 10000; f += 10)
        if (mag_db(1e6, f) > best) best = mag_db(1e6, f), best_f = f;
    EXPECT_NEAR(best_f, 4300, 150);
    EXPECT_NEAR(best - mag_db(1e6, 20), 3.0, 0.3);
    EXPECT_NEAR(mag_db(1e6, 5000) - mag_db(1e6, 20), 2.6, 0.3);
    EXPECT_NEAR(mag_db(1e6, 20), -0.5, 0.1);
    EXPECT_NEAR(mag_db(10e3, 20), -4.3, 0.1);
    EXPECT_NEAR(mag_db(10e3, 5000) - mag_db(10e3, 20), -14.3, 0.3);
    EXPECT_NEAR(mag_db(10e3, 980) - mag_db(10e3, 20), -3.0, 0.3);
    // Humbucker into 1 MΩ: 3.2 kHz, +5.1 dB.
    best = -100;
    for (double f = 1000; f < 10000; f += 10) {
        double m = db(pickup_magnitude(kHumbucker, 1e6, f));
        if (m > best) best = m, best_f = f;
    }
    EXPECT_NEAR(best_f, 3200, 150);
    EXPECT_NEAR(best - db(pickup_magnitude(kHumbucker, 1e6, 20)), 5.1, 0.4);
}

TEST(PickupFilter, DigitalFilterFollowsTheAnalogResponse) {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        auto c = pickup_filter(kSingleCoil, 1e6, rate);
        for (double f : {100.0, 1000.0, 4300.0})
            EXPECT_NEAR(db(dsp::biquad_magnitude(c, f, rate)),
                        db(pickup_magnitude(kSingleCoil, 1e6, f)), 0.5)
                << rate << " Hz, " << f;
    }
}

TEST(HeadphoneAmp, VoltageDividerAndPower) {
    // 1 V RMS open circuit, 0 Ω into 300 Ω: 3.3 mW (physics.md §7); 50 Ω out into 32 Ω loses 8.2
    // dB.
    auto d = drive_headphone(units::volts_to_dbu(1.0), 0.0, {300, 97});
    EXPECT_NEAR(d.power_mw, 3.33, 0.01);
    auto lossy = drive_headphone(units::volts_to_dbu(1.0), 50.0, {32, 100});
    EXPECT_NEAR(db(lossy.volts_rms), db(32.0 / 82.0), 1e-9);
}

}  // namespace
}  // namespace phantom::analog
