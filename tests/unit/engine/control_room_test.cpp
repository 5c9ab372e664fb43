// The control room, checked against figures computed here: a sine of amplitude 0.5 (−6.02 dBFS)
// on a line input at its defaults arrives unchanged (FileOnLineInputArrivesSampleForSample…),
// so its PFL is that sine at unity; a crosspoint at g dB and pan p carries it at
// 10^(g/20)·cos((p+1)π/4) left and 10^(g/20)·sin((p+1)π/4) right.
//
// The rule under test: a solo changes no performer's mix by a sample. Every cue output is
// compared sample for sample with a render without the solo, AND with the gain × pan law math.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "rig.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

constexpr double kPi = std::numbers::pi;

std::vector<float> sine(size_t frames, double hz, double amplitude, std::uint32_t rate) {
    std::vector<float> x(frames);
    for (size_t i = 0; i < frames; ++i)
        x[i] = static_cast<float>(amplitude *
                                  std::sin(2.0 * kPi * hz * static_cast<double>(i) / rate));
    return x;
}

double db(double d) {
    return std::pow(10.0, d / 20.0);
}
double pan_left(double p) {
    return p <= -1.0 ? 1.0 : p >= 1.0 ? 0.0 : std::cos((p + 1.0) * kPi / 4.0);
}
double pan_right(double p) {
    return p <= -1.0 ? 0.0 : p >= 1.0 ? 1.0 : std::sin((p + 1.0) * kPi / 4.0);
}

void expect_scaled(const std::vector<float>& got, const std::vector<float>& ref, double gain,
                   const std::string& what, double tolerance = 1e-6) {
    ASSERT_EQ(got.size(), ref.size()) << what;
    for (size_t i = 0; i < ref.size(); ++i)
        ASSERT_NEAR(got[i], gain * ref[i], tolerance) << what << " at frame " << i;
}

class ControlRoom : public testing::TestWithParam<Setup> {
  protected:
    static constexpr int kFrames = 2400;
    std::uint32_t rate() const { return GetParam().rate; }
    int block() const { return GetParam().block; }
    std::string file(const std::string& name, const std::vector<float>& x) {
        return wav_file(temp_dir("control-room"), name + std::to_string(rate()), x,
                        static_cast<int>(rate()));
    }
    using Sets = std::vector<std::pair<std::string, std::string>>;
    // studio-8x8 with these sources (channel, signal) and parameters, rendered from the start.
    std::unique_ptr<Rig> render(const std::vector<std::pair<std::string, std::vector<float>>>& in,
                                const Sets& sets) {
        auto r = std::make_unique<Rig>("studio-8x8", rate(), 256);
        for (const auto& [channel, signal] : in)
            r->source(channel, file(channel, signal));
        for (const auto& [path, value] : sets)
            r->set(path, value);
        r->start();
        r->run(kFrames, block());
        return r;
    }
    // The tracking session of the issue: the singer's cue hp1 and the band's cue hp2 each have
    // in5 and in6 at their own levels and pans, line3 sends in5 to outboard, pb1/pb2 play into
    // main (the default routing).
    std::unique_ptr<Rig> session(const Sets& extra) {
        Sets sets = {{"/mix/hp1/in5/gain", "-6"},  {"/mix/hp1/in5/pan", "0.3"},
                     {"/mix/hp1/in6/gain", "-10"}, {"/mix/hp1/in6/pan", "-0.5"},
                     {"/mix/hp2/in5/gain", "-12"}, {"/mix/hp2/in5/pan", "-1"},
                     {"/mix/line3/in5/gain", "-3"}};
        sets.insert(sets.end(), extra.begin(), extra.end());
        return render({{"in5", x_}, {"in6", y_}, {"pb1", p_}}, sets);
    }
    std::vector<float> x_ = sine(kFrames, 1000.0, 0.5, 48000);
    std::vector<float> y_ = sine(kFrames, 440.0, 0.25, 48000);
    std::vector<float> p_ = noise(kFrames, 7, 0.1f);
};

const std::vector<std::string> kCueChannels = {"hp1.L", "hp1.R", "hp2.L", "hp2.R",
                                               "line3", "line4", "line5", "line6"};

TEST_P(ControlRoom, PflOfAnInputChangesNoCueOutputBySampleAndPlaysItAtUnityOnTheMonitors) {
    auto plain = session({});
    auto soloed = session({{"/solo/in5", "on"}});
    for (const auto& ch : kCueChannels)
        EXPECT_EQ(soloed->out(ch), plain->out(ch)) << ch << " changed with in5 soloed";
    // The cues are what the gain × pan law says, with or without the solo.
    std::vector<float> hp1_l(kFrames);
    for (size_t i = 0; i < hp1_l.size(); ++i)
        hp1_l[i] =
            static_cast<float>(x_[i] * db(-6) * pan_left(0.3) + y_[i] * db(-10) * pan_left(-0.5));
    expect_scaled(soloed->out("hp1.L"), hp1_l, 1.0, "hp1.L", 1e-6);
    expect_scaled(soloed->out("hp2.L"), x_, db(-12), "hp2.L (in5 hard left)");
    expect_scaled(soloed->out("line3"), x_, db(-3), "line3");
    // PFL: the input as it arrives (0.5 peak: −6.02 dBFS) at unity on both monitor sides, and
    // nothing else (pb1 is in main's mix, not soloed).
    EXPECT_EQ(soloed->out("main.L"), x_);
    EXPECT_EQ(soloed->out("main.R"), x_);
    EXPECT_NEAR(peak(soloed->out("main.L")), 0.5, 1e-3);
    EXPECT_EQ(plain->out("main.L"), p_);  // without the solo: the main mix
}

TEST_P(ControlRoom, AflPlaysTheSourceAtItsLevelAndPanInTheMixTheMonitorsPlay) {
    auto r = session({{"/mix/main/in5/gain", "-6"},
                      {"/mix/main/in5/pan", "-0.5"},
                      {"/monitor/solo_mode", "AFL"},
                      {"/solo/in5", "on"}});
    expect_scaled(r->out("main.L"), x_, db(-6) * pan_left(-0.5), "main.L");
    expect_scaled(r->out("main.R"), x_, db(-6) * pan_right(-0.5), "main.R");
    // Listening to the singer's cue, AFL is the source as that cue has it.
    auto cue =
        session({{"/monitor/source", "hp1"}, {"/monitor/solo_mode", "AFL"}, {"/solo/in6", "on"}});
    expect_scaled(cue->out("main.L"), y_, db(-10) * pan_left(-0.5), "main.L (hp1's in6)");
    expect_scaled(cue->out("main.R"), y_, db(-10) * pan_right(-0.5), "main.R (hp1's in6)");
}

TEST_P(ControlRoom, ALinkedPairSolosAsOneAndKeepsItsSides) {
    auto r = session({{"/link/in5", "on"}, {"/solo/in5", "on"}});
    EXPECT_EQ(r->iface().params().value(r->iface().params().require("/solo/in6")), 1.0);
    EXPECT_EQ(r->out("main.L"), x_);
    EXPECT_EQ(r->out("main.R"), y_);
}

TEST_P(ControlRoom, AnOutputSolosItsMixBeforeOrAfterItsVolume) {
    std::vector<float> mix_l(kFrames), mix_r(kFrames);
    for (size_t i = 0; i < mix_l.size(); ++i) {
        mix_l[i] =
            static_cast<float>(x_[i] * db(-6) * pan_left(0.3) + y_[i] * db(-10) * pan_left(-0.5));
        mix_r[i] =
            static_cast<float>(x_[i] * db(-6) * pan_right(0.3) + y_[i] * db(-10) * pan_right(-0.5));
    }
    auto pfl = session({{"/output/hp1/volume", "-10"}, {"/solo/hp1", "on"}});
    expect_scaled(pfl->out("main.L"), mix_l, 1.0, "PFL main.L");
    expect_scaled(pfl->out("main.R"), mix_r, 1.0, "PFL main.R");
    expect_scaled(pfl->out("hp1.L"), mix_l, db(-10), "hp1 plays on at its volume");
    auto afl = session(
        {{"/output/hp1/volume", "-10"}, {"/monitor/solo_mode", "AFL"}, {"/solo/hp1", "on"}});
    expect_scaled(afl->out("main.L"), mix_l, db(-10), "AFL main.L");
    // A mono output on the stereo monitors: both sides.
    auto line = session({{"/solo/line3", "on"}});
    expect_scaled(line->out("main.L"), x_, db(-3), "line3 PFL left");
    expect_scaled(line->out("main.R"), x_, db(-3), "line3 PFL right");
}

TEST_P(ControlRoom, SolosGoToTheChosenOutputAndTheMonitorsKeepTheirMix) {
    auto plain = session({});
    auto r = session({{"/monitor/solo_output", "hp2"}, {"/solo/in6", "on"}});
    EXPECT_EQ(r->out("main.L"), plain->out("main.L"));
    EXPECT_EQ(r->out("hp1.L"), plain->out("hp1.L"));
    EXPECT_EQ(r->out("line3"), plain->out("line3"));
    EXPECT_EQ(r->out("hp2.L"), y_);  // the engineer's phones: in6's PFL
    EXPECT_EQ(r->out("hp2.R"), y_);
}

TEST_P(ControlRoom, ControlRoomSourcePlaysACueMixBitExactBeforeDimAndVolume) {
    auto r = session({{"/monitor/source", "hp1"}});
    EXPECT_EQ(r->out("main.L"), r->out("hp1.L"));  // hp1 at 0 dB, no talkback: its mix
    EXPECT_EQ(r->out("main.R"), r->out("hp1.R"));
    std::vector<float> mix_l(kFrames);
    for (size_t i = 0; i < mix_l.size(); ++i)
        mix_l[i] =
            static_cast<float>(x_[i] * db(-6) * pan_left(0.3) + y_[i] * db(-10) * pan_left(-0.5));
    expect_scaled(r->out("main.L"), mix_l, 1.0, "main.L is hp1's mix");
    // The cue itself plays at its own volume; the monitors are its mix before that volume.
    auto quiet = session({{"/monitor/source", "hp1"}, {"/output/hp1/volume", "-20"}});
    EXPECT_EQ(quiet->out("main.L"), r->out("hp1.L"));
    // Dim, mono and volume on top.
    auto dimmed =
        session({{"/monitor/source", "hp1"}, {"/monitor/dim", "on"}, {"/monitor/volume", "-6"}});
    expect_scaled(dimmed->out("main.L"), r->out("hp1.L"), db(-20) * db(-6), "dim and volume");
    auto mono = session({{"/monitor/source", "hp1"}, {"/monitor/mono", "on"}});
    std::vector<float> half(kFrames);
    for (size_t i = 0; i < half.size(); ++i)
        half[i] = 0.5f * (r->out("hp1.L")[i] + r->out("hp1.R")[i]);
    expect_scaled(mono->out("main.L"), half, 1.0, "mono");
    // Speaker set B plays the same source.
    auto b = session({{"/monitor/source", "hp1"}, {"/monitor/speakers", "B"}});
    EXPECT_EQ(b->out("alt.L"), r->out("hp1.L"));
    EXPECT_EQ(peak(b->out("main.L")), 0.0f);
}

TEST_P(ControlRoom, ControlRoomSourceCanBeAnInputPair) {
    auto r = session({{"/monitor/source", "in5+in6"}});
    EXPECT_EQ(r->out("main.L"), x_);
    EXPECT_EQ(r->out("main.R"), y_);
    auto mono_out = session({{"/monitor/source", "line3"}});  // a mono mix: both sides
    expect_scaled(mono_out->out("main.R"), x_, db(-3), "line3's mix");
}

TEST_P(ControlRoom, TalkbackReachesTheChosenOutputsAndDimsTheMonitorsByItsOwnAmount) {
    auto r = render({{"in4", y_}, {"pb1", p_}}, {{"/monitor/talkback", "on"},
                                                 {"/monitor/talkback_to/hp2", "off"},
                                                 {"/monitor/talkback_to/line4", "on"},
                                                 {"/monitor/talkback_dim", "-30"}});
    expect_scaled(r->out("hp1.L"), y_, 1.0, "hp1 (default: every headphone output)");
    EXPECT_EQ(peak(r->out("hp2.L")), 0.0f);
    expect_scaled(r->out("line4"), y_, 1.0, "line4 (a cue send, chosen)");
    expect_scaled(r->out("main.L"), p_, db(-30), "monitors dimmed by talkback_dim");
}

// desktop-2x2's headphones can only mirror the main mix: the performer's phones keep that mix
// while the monitors play the solo.
TEST_P(ControlRoom, OnADesktopInterfaceTheMirroredPhonesKeepTheMixWhileTheMonitorsSolo) {
    auto r = std::make_unique<Rig>("desktop-2x2", rate(), 256);
    r->source("in1", file("in1", x_));
    r->source("pb1", file("pb1", p_));
    r->set("/solo/in1", "on");
    r->start();
    r->run(kFrames, block());
    EXPECT_EQ(r->out("main.L"), x_);
    EXPECT_EQ(r->out("main.R"), x_);
    EXPECT_EQ(r->out("hp1.L"), p_);  // the main mix: pb1 hard left
    EXPECT_EQ(peak(r->out("hp1.R")), 0.0f);
}

INSTANTIATE_TEST_SUITE_P(Setups, ControlRoom, testing::ValuesIn(engine_setups()), setup_name);

// Not per rate: the tree's actions.
TEST(ControlRoomActions, SoloClearClearsEverySoloAndReadsOff) {
    Rig r("studio-8x8");
    r.set("/solo/in2", "on");
    r.set("/solo/pb5", "on");
    r.set("/solo/hp1", "on");
    const auto changed = r.iface().set_text("/monitor/solo_clear", "on");
    EXPECT_EQ(changed.size(), 3u);
    const auto& tree = r.iface().params();
    for (size_t i = 0; i < tree.size(); ++i) {
        const auto& path = tree.schema(static_cast<int>(i)).path;
        if (path.rfind("/solo/", 0) == 0) {
            EXPECT_EQ(tree.value(static_cast<int>(i)), 0.0) << path;
        }
    }
    EXPECT_EQ(tree.value(tree.require("/monitor/solo_clear")), 0.0);
}

TEST(ControlRoomActions, RecallSetsTheVolumeToTheReferenceAndStoreKeepsTheCurrentOne) {
    Rig r("studio-8x8");
    auto value = [&](const char* path) {
        return r.iface().params().value(r.iface().params().require(path));
    };
    EXPECT_EQ(value("/monitor/reference_level"), -20.0);
    r.set("/monitor/volume", "-40");
    r.set("/monitor/recall", "on");
    EXPECT_EQ(value("/monitor/volume"), -20.0);
    EXPECT_EQ(value("/monitor/recall"), 0.0);
    r.set("/monitor/volume", "-12.5");
    r.set("/monitor/store_reference", "on");
    EXPECT_EQ(value("/monitor/reference_level"), -12.5);
    r.set("/monitor/volume", "-60");
    r.set("/monitor/recall", "on");
    EXPECT_EQ(value("/monitor/volume"), -12.5);
    // One batch: the volume set first is the one stored.
    auto& tree = r.iface().params();
    r.iface().apply(
        {{tree.require("/monitor/volume"), -7.0}, {tree.require("/monitor/store_reference"), 1.0}});
    EXPECT_EQ(value("/monitor/reference_level"), -7.0);
}

}  // namespace
}  // namespace phantom::test
