// A combo input's line (TRS) path has the +4 dBu / -10 dBV switch a line input has. A −10 dBV
// sine read at the converter, by hand: −10 dBV = −7.78 dBu (0 dBV = +2.218 dBu); full scale is
// +18 dBu at +4 dBu reference and 11.78 dB lower at −10 dBV (the distance between the two
// standards), +6.22 dBu. So the sine sits 14.00 dB below full scale: a peak of 10^(−14/20). At
// +4 dBu reference it sits 25.78 dB below. Full scale is the RMS of a full-scale sine (AES17),
// so the sine's peak is the sample value.
#include <gtest/gtest.h>

#include <cmath>

#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"

namespace phantom::engine {
namespace {

constexpr double kDbvInDbu = 2.2184874961635637;  // 20·log10(1 V / √0.6 V)
const double kMinus10DbvDbu = -10.0 + kDbvInDbu;

float captured_peak(const std::string& input, const std::vector<std::string>& sets) {
    Interface iface(device::load_device("studio-8x8"), 48000, 256);
    iface.set_source(input, "sine:1k:-10dBV");
    for (const auto& s : sets) {
        const auto eq = s.find('=');
        iface.set_text(s.substr(0, eq), s.substr(eq + 1));
    }
    iface.start();
    const size_t c = static_cast<size_t>(iface.layout().source_index(input));
    std::vector<float> buf(256);
    std::vector<float*> capture(iface.capture_channel_count(), nullptr);
    capture[c] = buf.data();
    BlockIo io;
    io.frames = 256;
    io.capture = capture.data();
    float peak = 0;
    for (int block = 0; block < 40; ++block) {  // the pickup/ramps have settled long before
        iface.process(io);
        if (block >= 20)
            for (float x : buf)
                peak = std::max(peak, std::fabs(x));
    }
    return peak;
}

double expected_peak(double full_scale_dbu) {
    return std::pow(10.0, (kMinus10DbvDbu - full_scale_dbu) / 20.0);
}

TEST(ComboLevel, AComboInLineModeHasTheLevelSwitch) {
    Interface iface(device::load_device("studio-8x8"), 48000, 256);
    for (const char* in : {"in1", "in2", "in3", "in4", "in5", "in8"})
        EXPECT_TRUE(iface.params().find(std::string("/input/") + in + "/level")) << in;
    Interface desktop(device::load_device("desktop-2x2"), 48000, 256);
    EXPECT_TRUE(desktop.params().find("/input/in1/level"));
}

TEST(ComboLevel, AMinus10DbvSourceOnAComboInLineModeAtMinus10DbvReadsAsMath) {
    const double fs_consumer = 18.0 - (4.0 - kMinus10DbvDbu);  // +6.22 dBu
    EXPECT_NEAR(captured_peak("in1", {"/input/in1/mode=line", "/input/in1/level=-10dBV"}),
                expected_peak(fs_consumer), 1e-4);
    EXPECT_NEAR(20 * std::log10(expected_peak(fs_consumer)), -14.0, 1e-9);
    // In3 has no Hi-Z: line is its second mode.
    EXPECT_NEAR(captured_peak("in3", {"/input/in3/mode=line", "/input/in3/level=-10dBV"}),
                expected_peak(fs_consumer), 1e-4);
    // The same as a line input with the switch.
    EXPECT_NEAR(captured_peak("in5", {"/input/in5/level=-10dBV"}), expected_peak(fs_consumer),
                1e-4);
}

TEST(ComboLevel, AtPlus4DbuOrInMicModeTheSwitchLeavesTheLevelAlone) {
    EXPECT_NEAR(captured_peak("in1", {"/input/in1/mode=line"}), expected_peak(18.0), 1e-5);
    // The switch belongs to the TRS line path: in mic or instrument mode it changes nothing.
    EXPECT_NEAR(captured_peak("in1", {"/input/in1/mode=inst", "/input/in1/level=-10dBV"}),
                captured_peak("in1", {"/input/in1/mode=inst"}), 1e-7);
}

}  // namespace
}  // namespace phantom::engine
