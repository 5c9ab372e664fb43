// The virtual faults that are not an input's cable: an external clock that vanishes or drifts
// (clock=vanish, clock=drift:PPM), and a host program that plays the loopback back into a
// playback pair one block later (pb1=echo-loopback), which closes a real feedback loop.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"
#include "rig.hpp"

namespace phantom::engine {
namespace {

void expect_refused(Interface& iface, const std::string& fault, const std::string& part) {
    const auto before = iface.fault_texts();
    try {
        iface.add_fault(fault);
        ADD_FAILURE() << fault << " was taken";
    } catch (const SourceError& e) {
        EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
    EXPECT_EQ(iface.fault_texts(), before) << fault << " half-applied";
}

// adat1 and in1 at -20 dBFS (peak 0.1), main's left = in1 + adat1 unless adat1 is muted.
struct ClockRig {
    test::Rig rig{"studio-8x8"};
    ClockRig() {
        rig.source("in1", "sine:1k:-20dBFS");
        rig.source("adat1", "sine:1k:-20dBFS");
        rig.iface().set_clock_input("wordclock", 48000);  // a master clock at the right rate
        rig.set("/clock/source", "wordclock");
        rig.start();
    }
    float adat1_peak() {
        rig.clear_recordings();
        rig.run(4096, 256);
        return test::peak(rig.cap("adat1"), 512);
    }
};

TEST(ClockFault, AVanishedClockUnlocksMutesTheDigitalInputsAndRelocksWhenCleared) {
    ClockRig r;
    Interface& iface = r.rig.iface();
    EXPECT_EQ(iface.clock().state, ClockState::Locked);
    EXPECT_NEAR(r.adat1_peak(), 0.1f, 1e-4);
    iface.add_fault("clock=vanish");
    EXPECT_EQ(iface.clock().state, ClockState::NoSignal);
    EXPECT_FALSE(iface.clock().locked());
    EXPECT_EQ(r.adat1_peak(), 0.0f);
    EXPECT_NEAR(test::peak(r.rig.cap("in1"), 512), 0.1f, 1e-4);  // analog plays on
    EXPECT_EQ(iface.fault_texts(), std::vector<std::string>{"clock=vanish"});
    iface.clear_faults("clock");
    EXPECT_EQ(iface.clock().state, ClockState::Locked);
    EXPECT_NEAR(r.adat1_peak(), 0.1f, 1e-4);
    EXPECT_TRUE(iface.fault_texts().empty());
}

TEST(ClockFault, ADriftWithinTheLockRangeIsFollowedAndBeyondItUnlocks) {
    ClockRig r;
    Interface& iface = r.rig.iface();
    iface.add_fault("clock=drift:+200ppm");
    EXPECT_EQ(iface.clock().state, ClockState::Locked);
    EXPECT_DOUBLE_EQ(iface.clock().drift_ppm, 200.0);
    EXPECT_NE(iface.clock().message().find("+200 ppm"), std::string::npos)
        << iface.clock().message();
    EXPECT_NEAR(r.adat1_peak(), 0.1f, 1e-4);
    // ±1000 ppm is the edge (IEC 60958 Level II): 1000 holds, 1001 slips.
    iface.add_fault("clock=drift:-1000ppm");
    EXPECT_EQ(iface.clock().state, ClockState::Locked);
    iface.add_fault("clock=drift:-1001ppm");  // replaces the one before
    EXPECT_EQ(iface.fault_texts(), std::vector<std::string>{"clock=drift:-1001ppm"});
    EXPECT_EQ(iface.clock().state, ClockState::OutOfRange);
    EXPECT_EQ(r.adat1_peak(), 0.0f);
    iface.add_fault("clock=drift:+1500ppm");
    EXPECT_EQ(iface.clock().message(),
              "not locked: wordclock runs +1500 ppm off 48000 Hz, beyond the ±1000 ppm the "
              "interface locks to; ADAT and S/PDIF inputs muted (check the clock master, or set "
              "/clock/source to internal)");
    ASSERT_FALSE(iface.warnings().empty());
    iface.clear_faults("");
    EXPECT_EQ(iface.clock().state, ClockState::Locked);
    EXPECT_EQ(iface.warnings().back(), "clock: locked to wordclock at 48000 Hz");
}

TEST(ClockFault, AFaultOnOneClockInputLeavesTheOthersAndTheInternalClock) {
    ClockRig r;
    Interface& iface = r.rig.iface();
    iface.add_fault("wordclock=vanish");
    EXPECT_EQ(iface.clock().state, ClockState::NoSignal);
    r.rig.set("/clock/source", "adat");  // the lightpipe carries its clock
    EXPECT_EQ(iface.clock().state, ClockState::Locked);
    iface.add_fault("clock=vanish");  // whichever clock is followed
    EXPECT_EQ(iface.clock().state, ClockState::NoSignal);
    r.rig.set("/clock/source", "internal");  // the interface's own oscillator has no cable
    EXPECT_EQ(iface.clock().state, ClockState::Internal);
    EXPECT_NEAR(r.adat1_peak(), 0.1f, 1e-4);
}

TEST(ClockFault, BadClockFaultsAreRefusedAndChangeNothing) {
    ClockRig r;
    Interface& iface = r.rig.iface();
    expect_refused(iface, "in1=vanish", "not a clock of studio-8x8");
    expect_refused(iface, "clock=hum:50:-40dBu", "its faults are clock=vanish");
    expect_refused(iface, "midi=vanish", "not a clock");
    EXPECT_THROW(iface.clear_faults("tachyon"), SourceError);
    EXPECT_EQ(iface.clock().state, ClockState::Locked);
}

// The host echo: pb1 plays loopback.L one block later on top of its own source (an impulse),
// pb1 is in main's left at -6 dB, and loopback returns main: the impulse comes round every
// block at the loop's gain g, so main.L holds g at 0, g^2 at D, g^3 at 2D … and nothing between.
TEST(HostEcho, TheLoopbackComesBackIntoThePlaybackPairOneBlockLaterAndFeedsBack) {
    const double g = std::pow(10.0, -6.0 / 20.0);
    for (int block : {64, 256}) {
        test::Rig rig{"studio-8x8"};
        rig.source("pb1", "impulse:0dBFS");
        rig.set("/mix/main/pb1/gain", "-6");
        rig.set("/loopback/source", "main");
        rig.iface().add_fault("pb1=echo-loopback");
        EXPECT_EQ(rig.iface().fault_texts(), std::vector<std::string>{"pb1=echo-loopback"});
        ASSERT_EQ(rig.iface().loopback_echoes().size(), 2u);
        EXPECT_EQ(rig.iface().loopback_echoes()[1].loopback, 1);
        EXPECT_EQ(rig.iface().loopback_echoes()[1].playback, 1);  // loopback.R → pb2
        rig.start();
        rig.run(8 * block, block);
        const auto& left = rig.out("main.L");
        for (int k = 0; k < 6; ++k) {
            const auto at = static_cast<size_t>(k * block);
            EXPECT_NEAR(left[at], std::pow(g, k + 1), 1e-5) << "block " << block << ", " << k;
            EXPECT_NEAR(left[at + 1], 0.0f, 1e-6);
        }
        EXPECT_NEAR(rig.cap("loopback.L")[static_cast<size_t>(block)], g * g, 1e-5);
        // Cleared (by either channel of the pair), the host stops: nothing comes back after
        // the source's restarted impulse.
        rig.iface().clear_faults("pb2");
        EXPECT_TRUE(rig.iface().fault_texts().empty());
        EXPECT_TRUE(rig.iface().loopback_echoes().empty());
        rig.clear_recordings();
        rig.run(6 * block, block);
        EXPECT_EQ(test::peak(rig.out("main.L"), static_cast<size_t>(block)), 0.0f);
    }
}

// Without capture channels (the virtual driver computes them only for a recording), the
// engine writes the loopback straight into the echo's buffers: the same returns.
TEST(HostEcho, WithoutCaptureChannelsTheLoopbackStillComesBack) {
    const double g = std::pow(10.0, -6.0 / 20.0);
    Interface iface(device::load_device("studio-8x8"), 48000, 256);
    iface.set_source("pb1", "impulse:0dBFS");
    iface.set_text("/mix/main/pb1/gain", "-6");
    iface.set_text("/loopback/source", "main");
    iface.add_fault("pb1=echo-loopback");
    iface.start();
    const auto names = iface.output_channel_names();
    const auto left =
        static_cast<size_t>(std::find(names.begin(), names.end(), "main.L") - names.begin());
    std::vector<std::vector<float>> out(names.size(), std::vector<float>(256));
    std::vector<float*> ptr;
    for (auto& b : out)
        ptr.push_back(b.data());
    BlockIo io;
    io.frames = 256;
    io.outputs = ptr.data();
    for (int k = 0; k < 5; ++k) {
        iface.process(io);
        EXPECT_NEAR(out[left][0], std::pow(g, k + 1), 1e-5) << k;
        EXPECT_NEAR(out[left][1], 0.0f, 1e-6);
    }
}

// At 0 dB round the loop, a steady signal grows at every frequency the loop's delay is a whole
// number of periods of, until main's converter clips it: the loop is real, not a flag.
TEST(HostEcho, AtUnityLoopGainTheLevelGrowsUntilTheOutputClips) {
    test::Rig rig{"studio-8x8"};
    rig.source("pb3", "sine:187.5:-40dBFS");  // 256 frames at 48 kHz is one period: in phase
    rig.set("/mix/main/pb3/gain", "0");
    rig.set("/loopback/source", "main");
    rig.iface().add_fault("pb1=echo-loopback");
    rig.start();
    rig.run(256 * 10, 256);
    const float early = test::peak(rig.out("main.L"));
    rig.clear_recordings();
    rig.run(256 * 200, 256);
    EXPECT_LT(early, 0.2f);
    EXPECT_GE(test::peak(rig.out("main.L")), 1.0f - 1e-6f);  // clipped at full scale
}

TEST(HostEcho, BadEchoFaultsAreRefusedAndChangeNothing) {
    test::Rig rig{"studio-8x8"};
    expect_refused(rig.iface(), "in1=echo-loopback", "not a playback channel");
    expect_refused(rig.iface(), "pb20=echo-loopback", "too near the last playback channel");
    rig.iface().add_fault("pb1=echo-loopback");
    expect_refused(rig.iface(), "pb2=echo-loopback", "pb2 already plays");
    expect_refused(rig.iface(), "pb1=dead", "not an analog input");
}

}  // namespace
}  // namespace phantom::engine
