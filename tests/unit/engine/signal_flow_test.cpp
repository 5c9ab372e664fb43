// The signal flow of DESIGN.md, checked with figures computed here: -6.0206 dB is 0.5, centre
// pan is 0.70711 a side, dim -20 dB is 0.1, mono of L=1, R=0 is 0.5 on both. Every test runs
// over several sample rates and block sizes, including 1 frame, 253 frames and random sizes.
#include <gtest/gtest.h>

#include <cmath>

#include "rig.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

class SignalFlow : public testing::TestWithParam<Setup> {
  protected:
    static constexpr int kFrames = 2400;
    std::uint32_t rate() const { return GetParam().rate; }
    int block() const { return GetParam().block; }
    std::unique_ptr<Rig> rig(const std::string& device = "studio-8x8") {
        return std::make_unique<Rig>(device, rate(), 256);
    }
    std::string file(const std::string& name, const std::vector<float>& x) {
        return wav_file(temp_dir("signal-flow"), name + std::to_string(rate()), x,
                        static_cast<int>(rate()));
    }
    std::vector<float> x_ = noise(kFrames, 11);
    std::vector<float> y_ = noise(kFrames, 22);
};

void expect_scaled(const std::vector<float>& got, const std::vector<float>& ref, double gain,
                   const char* what, double tolerance = 1e-6) {
    ASSERT_EQ(got.size(), ref.size()) << what;
    for (size_t i = 0; i < ref.size(); ++i)
        ASSERT_NEAR(got[i], gain * ref[i], tolerance) << what << " at frame " << i;
}

TEST_P(SignalFlow, FileOnLineInputArrivesSampleForSampleUnchanged) {
    auto r = rig();
    r->source("in5", file("x", x_));
    r->source("in1", file("x", x_));  // a combo input at its defaults too
    r->start();
    r->run(kFrames, block());
    EXPECT_EQ(r->cap("in5"), x_);
    EXPECT_EQ(r->cap("in1"), x_);
}

TEST_P(SignalFlow, PlaybackPairsFeedOutputPairsHardLeftAndRightAtUnity) {
    auto r = rig();
    r->source("pb1", file("x", x_));
    r->source("pb2", file("y", y_));
    r->source("pb7", file("x", x_));
    r->source("pb3", file("y", y_));
    r->start();
    r->run(kFrames, block());
    EXPECT_EQ(r->out("main.L"), x_);
    EXPECT_EQ(r->out("main.R"), y_);
    EXPECT_EQ(r->out("hp1.L"), x_);
    EXPECT_EQ(r->out("line3"), y_);
    EXPECT_EQ(peak(r->out("hp1.R")), 0.0f);
    EXPECT_EQ(peak(r->out("alt.L")), 0.0f);  // speaker set B is off
}

TEST_P(SignalFlow, CrosspointGainOfMinus6DbHalvesTheSignal) {
    auto r = rig();
    r->source("pb1", file("x", x_));
    r->set("/mix/main/pb1/gain", "-6.0206");
    r->start();
    r->run(kFrames, block());
    expect_scaled(r->out("main.L"), x_, 0.5, "main.L");  // in force from the first sample
}

TEST_P(SignalFlow, CentrePanPutsMinus3DbInEachSide) {
    auto r = rig();
    r->source("in5", file("x", x_));
    r->set("/mix/main/in5/gain", "0");
    r->start();
    r->run(kFrames, block());
    expect_scaled(r->out("main.L"), x_, 0.70711, "main.L", 1e-5);
    expect_scaled(r->out("main.R"), x_, 0.70711, "main.R", 1e-5);
}

TEST_P(SignalFlow, DimIsMinus20DbAndMuteIsSilence) {
    auto r = rig();
    r->source("pb1", file("x", x_));
    r->set("/monitor/dim", "on");
    r->start();
    r->run(kFrames, block());
    expect_scaled(r->out("main.L"), x_, 0.1, "dimmed");
    auto m = rig();
    m->source("pb1", file("x", x_));
    m->set("/monitor/mute", "on");
    m->start();
    m->run(kFrames, block());
    EXPECT_EQ(peak(m->out("main.L")), 0.0f);
}

TEST_P(SignalFlow, MonoOfLeftOneRightZeroIsHalfOnBoth) {
    auto r = rig();
    r->source("pb1", file("one", constant(kFrames, 1.0f)));
    r->set("/monitor/mono", "on");
    r->start();
    r->run(kFrames, block());
    expect_scaled(r->out("main.L"), constant(kFrames, 1.0f), 0.5, "main.L");
    expect_scaled(r->out("main.R"), constant(kFrames, 1.0f), 0.5, "main.R");
}

TEST_P(SignalFlow, SpeakerSetsSwitchBetweenMainAndAlt) {
    for (const char* set : {"A", "B", "AB"}) {
        auto r = rig();
        r->source("pb1", file("x", x_));
        r->set("/monitor/speakers", set);
        r->set("/output/alt/trim", "-6.0206");
        r->start();
        r->run(kFrames, block());
        const bool a = std::string(set) != "B", b = std::string(set) != "A";
        expect_scaled(r->out("main.L"), x_, a ? 1.0 : 0.0, set);
        expect_scaled(r->out("alt.L"), x_, b ? 0.5 : 0.0, set);
    }
}

TEST_P(SignalFlow, HeadphonesMirrorTheMonitorMixWithTheirOwnVolume) {
    auto r = rig();
    r->source("pb1", file("x", x_));
    r->set("/output/hp1/mirror", "main");
    r->set("/output/hp1/volume", "-6.0206");
    r->set("/monitor/dim", "on");  // the monitor controller does not act on a mirror
    r->start();
    r->run(kFrames, block());
    expect_scaled(r->out("hp1.L"), x_, 0.5, "hp1.L");
    // A mono line output mirroring a stereo mix gets (L + R) / 2.
    auto m = rig();
    m->source("pb1", file("x", x_));
    m->set("/output/line4/mirror", "main");
    m->start();
    m->run(kFrames, block());
    expect_scaled(m->out("line4"), x_, 0.5, "line4");
}

TEST_P(SignalFlow, TalkbackGoesToHeadphonesAndDimsMain) {
    auto r = rig();
    r->source("in4", file("y", y_));
    r->source("pb1", file("x", x_));
    r->set("/monitor/talkback", "on");
    r->start();
    r->run(kFrames, block());
    expect_scaled(r->out("hp1.L"), y_, 1.0, "hp1.L");  // hp1's own mix is empty: only talkback
    expect_scaled(r->out("hp2.R"), y_, 1.0, "hp2.R");
    expect_scaled(r->out("main.L"), x_, 0.1, "main.L");
    EXPECT_EQ(peak(r->out("line3")), 0.0f);
}

// Solo is the control room's: the monitors play the soloed source (PFL: as it arrives, at unity
// on both sides) and every other mix stays as it was (control_room_test.cpp has the rest).
TEST_P(SignalFlow, SoloPlaysOnTheMonitorsAndLeavesEveryOtherMixAlone) {
    auto r = rig();
    r->source("pb1", file("x", x_));
    r->source("pb2", file("y", y_));
    r->set("/solo/pb1", "on");
    r->set("/mix/hp1/pb2/gain", "0");
    r->start();
    r->run(kFrames, block());
    expect_scaled(r->out("main.L"), x_, 1.0, "main.L");
    expect_scaled(r->out("main.R"), x_, 1.0, "main.R: pb2 is not soloed");
    expect_scaled(r->out("hp1.R"), y_, 0.70711, "hp1 unaffected", 1e-5);
}

TEST_P(SignalFlow, MuteTrimAndPolarity) {
    auto r = rig();
    r->source("in6", file("x", x_));
    r->set("/mix/line3/in6/gain", "0");
    r->set("/input/in6/trim", "-6.0206");
    r->set("/input/in6/polarity", "on");
    r->set("/mix/main/pb1/mute", "on");
    r->source("pb1", file("y", y_));
    r->start();
    r->run(kFrames, block());
    expect_scaled(r->out("line3"), x_, -0.5, "line3");
    expect_scaled(r->cap("in6"), x_, -0.5, "capture in6");
    EXPECT_EQ(peak(r->out("main.L")), 0.0f);
}

TEST_P(SignalFlow, LoopbackReturnsTheChosenOutputToTheHost) {
    auto r = rig();
    r->source("pb1", file("x", x_));
    r->source("pb2", file("y", y_));
    r->set("/loopback/source", "main");
    r->start();
    r->run(kFrames, block());
    EXPECT_EQ(r->cap("loopback.L"), x_);
    EXPECT_EQ(r->cap("loopback.R"), y_);
}

TEST_P(SignalFlow, DesktopDirectMonitoringAndMirroredHeadphones) {
    auto r = rig("desktop-2x2");
    r->source("in1", file("x", x_));
    r->source("in2", file("y", y_));
    r->set("/monitor/direct", "stereo");
    r->set("/output/hp1/volume", "-6.0206");
    r->start();
    r->run(kFrames, block());
    EXPECT_EQ(r->out("main.L"), x_);
    EXPECT_EQ(r->out("main.R"), y_);
    expect_scaled(r->out("hp1.L"), x_, 0.5, "hp1 mirrors main");
    auto m = rig("desktop-2x2");
    m->source("in1", file("x", x_));
    m->set("/monitor/direct", "mono");
    m->start();
    m->run(kFrames, block());
    expect_scaled(m->out("main.L"), x_, 0.70711, "mono direct", 1e-5);
    expect_scaled(m->out("main.R"), x_, 0.70711, "mono direct", 1e-5);
    auto off = rig("desktop-2x2");
    off->source("in1", file("x", x_));
    off->start();
    off->run(kFrames, block());
    EXPECT_EQ(peak(off->out("main.L")),
              0.0f);  // inputs are in no mix unless direct monitoring is on
}

TEST_P(SignalFlow, AdatCarriesFewerChannelsAtHigherRates) {
    auto r = rig();
    const bool single_speed = rate() <= 48000;
    // Beyond single speed adat5 does not exist (S/MUX): a source on it is refused.
    if (single_speed)
        r->source("adat5", file("x", x_));
    else
        EXPECT_THROW(r->source("adat5", file("x", x_)), engine::SourceError);
    r->source("adat2", file("x", x_));
    r->start();
    r->run(kFrames, block());
    EXPECT_EQ(peak(r->cap("adat5")) > 0, single_speed);
    EXPECT_EQ(r->cap("adat2"), x_);  // two channels survive even at 192 kHz
}

TEST_P(SignalFlow, ConverterClipsAtZeroDbfs) {
    auto r = rig();
    r->source("in5", "sine:1k:+24dBu");  // 6 dB over the +18 dBu full scale
    r->start();
    r->run(kFrames, block());
    EXPECT_EQ(peak(r->cap("in5")), 1.0f);
    std::vector<dsp::MeterReading> meters;
    r->iface().engine().read_meters(meters);
    EXPECT_GT(meters[static_cast<size_t>(r->iface().layout().source_index("in5"))].clips, 0u);
    bool warned = false;
    for (const auto& w : r->iface().warnings())
        warned = warned || w.find("in5: input clipped") != std::string::npos;
    EXPECT_TRUE(warned);
}

TEST_P(SignalFlow, MicrophoneLevelsThroughThePreamp) {
    // SM58 at 94 dB SPL (1.85 mV RMS, loaded 3000/3300) with +40 dB, 0 dBFS = +18 dBu.
    const double volts =
        1.85e-3 * 1.0023724 * 3000.0 / 3300.0;  // 94 dB SPL = 20 µPa · 10^4.7 = 1.0024 Pa
    const double expected_peak = volts * 100.0 / (0.7745967 * std::pow(10, 18 / 20.0));
    auto r = rig();
    r->source("in3", "dynamic:sine:1k:94dBSPL");
    r->set("/input/in3/gain", "40");
    r->source("in2", "condenser:sine:1k:94dBSPL");  // no 48 V: silent
    r->start();
    r->run(kFrames, block());
    EXPECT_NEAR(peak(r->cap("in3")), expected_peak, expected_peak * 2e-3);
    EXPECT_EQ(peak(r->cap("in2")), 0.0f);
}

INSTANTIATE_TEST_SUITE_P(Setups, SignalFlow, testing::ValuesIn(engine_setups()), setup_name);

}  // namespace
}  // namespace phantom::test
