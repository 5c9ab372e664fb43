// LV2 plugins on a linked input pair (/link/in1): in1's slot is the pair's, a stereo plugin
// takes in1 as its left and in2 as its right, a mono one runs once a side, in2's slots stay
// empty while linked, and what would break the rule is refused naming the slot. Real plugins
// from Debian: x42's stereoroute (its M/S matrix, written out here: L' = (L+R)/2,
// R' = (L−R)/2) and nodelay, lv2-examples' eg-amp (a gain in dB).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "phantom/control/controller.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/session/session.hpp"
#include "rig.hpp"

namespace phantom::test {
namespace {

using control::CommandError;
using control::Controller;

constexpr const char* kRoute = "http://gareus.org/oss/lv2/stereoroute";
constexpr const char* kAmp = "http://lv2plug.in/plugins/eg-amp";
constexpr const char* kNoDelay = "http://gareus.org/oss/lv2/nodelay";
constexpr const char* kSlot1 = "/input/in1/insert/1/";
constexpr const char* kSlot2 = "/input/in2/insert/1/";
constexpr std::uint32_t kRate = 48000;
constexpr int kBlock = 64;
constexpr size_t kFrames = 9600;   // 200 ms
constexpr size_t kSettled = 2400;  // past the 10 ms fades
// A switch lands at kFrames / 2 (100 ms); a sine of 10k + 2.5 Hz is at its peak there, where a
// jump would be largest.
constexpr double kPeakAtSwitchHz = 1002.5;

constexpr size_t kIn1Slot = 0;                                          // in1's first
constexpr size_t kIn2Slot = static_cast<size_t>(params::kPluginSlots);  // in2's first

std::string slot1(const char* leaf) {
    return std::string(kSlot1) + leaf;
}
std::string slot2(const char* leaf) {
    return std::string(kSlot2) + leaf;
}

std::vector<float> sine(double hz, double amplitude) {
    std::vector<float> x(kFrames);
    for (size_t i = 0; i < kFrames; ++i)
        x[i] = static_cast<float>(amplitude * std::sin(2.0 * M_PI * hz * static_cast<double>(i) /
                                                       static_cast<double>(kRate)));
    return x;
}

double db(double x) {
    return std::pow(10.0, x / 20.0);
}

// studio-8x8 with in1+in2 linked; the captures carry the processed channels (rec_fx).
struct PairRig {
    Rig rig{"studio-8x8", kRate, kBlock};
    Controller controller{rig.iface(), true};
    PairRig() {
        rig.host_ports();
        rig.set("/link/in1", "on");
        rig.set("/input/in1/rec_fx", "on");  // ganged: in2's too
    }
    void play(const std::vector<float>& left, const std::vector<float>& right, size_t from = 0,
              size_t to = kFrames) {
        for (size_t at = from; at < to; at += kBlock) {
            std::copy(left.begin() + static_cast<long>(at),
                      left.begin() + static_cast<long>(at + kBlock), rig.hw_in(0).begin());
            std::copy(right.begin() + static_cast<long>(at),
                      right.begin() + static_cast<long>(at + kBlock), rig.hw_in(1).begin());
            rig.block(kBlock);
        }
    }
};

void expect_refused(Controller& c, const std::vector<control::SetParam>& batch,
                    const std::string& path, const std::vector<std::string>& words) {
    try {
        c.apply(batch);
        ADD_FAILURE() << "the batch was taken";
    } catch (const CommandError& e) {
        EXPECT_EQ(e.path(), path) << e.what();
        for (const auto& w : words)
            EXPECT_NE(std::string(e.what()).find(w), std::string::npos)
                << "'" << w << "' not in: " << e.what();
    }
}

TEST(PairPlugins, AStereoPluginTakesTheFirstInputLeftAndTheSecondRightInOneInstance) {
    PairRig p;
    p.rig.set(slot1("plugin"), kRoute);
    p.rig.set(slot1("routing"), "7");  // to Mid/Side: (L+R)/2, (L−R)/2
    p.rig.start();
    const auto l = sine(440, 0.3), r = sine(1000, 0.2);
    p.play(l, r);
    const auto& got_l = p.rig.cap("in1");
    const auto& got_r = p.rig.cap("in2");
    for (size_t i = kSettled; i < kFrames; ++i) {
        ASSERT_NEAR(got_l[i], 0.5 * (l[i] + r[i]), 1e-6) << "left, frame " << i;
        ASSERT_NEAR(got_r[i], 0.5 * (l[i] - r[i]), 1e-6) << "right, frame " << i;
    }
    const auto* plugin = p.rig.iface().plugin(kIn1Slot);
    ASSERT_NE(plugin, nullptr);
    EXPECT_EQ(plugin->channels(), 2);
    EXPECT_EQ(plugin->instance_count(), 1u);  // one stereo instance, not one a side
    EXPECT_EQ(p.rig.iface().plugin(kIn2Slot), nullptr);
}

TEST(PairPlugins, AMonoPluginRunsOnceASideWithOneSetOfControls) {
    PairRig p;
    p.rig.set(slot1("plugin"), kAmp);
    p.rig.set(slot1("gain"), "-6");
    p.rig.start();
    const auto l = sine(440, 0.3), r = sine(1000, 0.2);
    p.play(l, r);
    const double g = db(-6.0);
    for (size_t i = kSettled; i < kFrames; ++i) {
        ASSERT_NEAR(p.rig.cap("in1")[i], g * l[i], 1e-6) << "left, frame " << i;
        ASSERT_NEAR(p.rig.cap("in2")[i], g * r[i], 1e-6) << "right, frame " << i;
    }
    EXPECT_EQ(p.rig.iface().plugin(kIn1Slot)->instance_count(), 2u);
}

TEST(PairPlugins, UnlinkedTheSecondInputLeavesThePairsSlotWithoutAClick) {
    PairRig p;
    p.rig.set("/link/in1", "off");
    p.rig.set(slot1("plugin"), kAmp);
    p.rig.set(slot1("gain"), "-6");
    p.rig.start();
    const auto l = sine(440, 0.3), r = sine(kPeakAtSwitchHz, 0.2);
    p.play(l, r, 0, kFrames / 2);
    // Unlinked: in2 is its own, dry; in1 has the plugin.
    for (size_t i = kSettled; i < kFrames / 2; ++i) {
        ASSERT_NEAR(p.rig.cap("in1")[i], db(-6.0) * l[i], 1e-6) << "frame " << i;
        ASSERT_EQ(p.rig.cap("in2")[i], r[i]) << "frame " << i;
    }
    p.controller.apply({{"/link/in1", true}});
    p.play(l, r, kFrames / 2, kFrames);
    const auto& x = p.rig.cap("in2");
    for (size_t i = kFrames / 2 + kSettled; i < kFrames; ++i)
        ASSERT_NEAR(x[i], db(-6.0) * r[i], 1e-6) << "linked, frame " << i;
    // The link fades in2 into the plugin over 10 ms: no step larger than the sine's own.
    float sine_step = 0, worst = 0;
    for (size_t i = 1; i < kFrames; ++i) {
        sine_step = std::max(sine_step, std::fabs(r[i] - r[i - 1]));
        worst = std::max(worst, std::fabs(x[i] - x[i - 1]));
    }
    EXPECT_LE(worst, 1.01f * sine_step);
}

TEST(PairPlugins, AnUnlinkFadesTheSecondInputBackToDry) {
    PairRig p;
    p.rig.set(slot1("plugin"), kAmp);
    p.rig.set(slot1("gain"), "-6");
    p.rig.start();
    const auto l = sine(440, 0.3), r = sine(kPeakAtSwitchHz, 0.2);
    p.play(l, r, 0, kFrames / 2);
    p.controller.apply({{"/link/in1", false}});
    p.play(l, r, kFrames / 2, kFrames);
    const auto& x = p.rig.cap("in2");
    float sine_step = 0;
    for (size_t i = 1; i < kFrames; ++i)
        sine_step = std::max(sine_step, std::fabs(r[i] - r[i - 1]));
    for (size_t i = 1; i < kFrames; ++i)
        ASSERT_LE(std::fabs(x[i] - x[i - 1]), 1.01f * sine_step) << "frame " << i;
    for (size_t i = kSettled; i < kFrames / 2; ++i)
        ASSERT_NEAR(x[i], db(-6.0) * r[i], 1e-6) << "linked, frame " << i;
    for (size_t i = kFrames / 2 + kSettled; i < kFrames; ++i)
        ASSERT_EQ(x[i], r[i]) << "unlinked, frame " << i;
    for (size_t i = kFrames / 2 + kSettled; i < kFrames; ++i)  // in1 keeps its plugin
        ASSERT_NEAR(p.rig.cap("in1")[i], db(-6.0) * l[i], 1e-6) << "in1, frame " << i;
}

TEST(PairPlugins, LoadingAStereoPluginOnThePairDoesNotClick) {
    PairRig p;
    p.rig.start();
    const auto l = sine(kPeakAtSwitchHz, 0.5), r = sine(kPeakAtSwitchHz, -0.5);
    p.play(l, r, 0, kFrames / 2);
    p.controller.apply({{slot1("plugin"), std::string(kRoute)}, {slot1("routing"), 5.0}});  // swap
    p.play(l, r, kFrames / 2, kFrames);
    float sine_step = 0;
    for (size_t i = 1; i < kFrames; ++i)
        sine_step = std::max(sine_step, std::fabs(l[i] - l[i - 1]));
    for (const char* side : {"in1", "in2"}) {
        const auto& x = p.rig.cap(side);
        for (size_t i = 1; i < kFrames; ++i)
            ASSERT_LE(std::fabs(x[i] - x[i - 1]), 1.01f * sine_step) << side << ", frame " << i;
    }
    for (size_t i = kFrames / 2 + kSettled; i < kFrames; ++i) {  // swapped once faded in
        ASSERT_NEAR(p.rig.cap("in1")[i], r[i], 1e-6) << "frame " << i;
        ASSERT_NEAR(p.rig.cap("in2")[i], l[i], 1e-6) << "frame " << i;
    }
}

TEST(PairPlugins, ThePairsPluginLatencyCountsForBothInputsWhileLinked) {
    PairRig p;
    p.rig.set(slot1("plugin"), kNoDelay);
    p.rig.set(slot1("delay"), "100");
    p.rig.start();
    p.rig.run(9600, kBlock);  // nodelay's report is taken once it has run 8192 frames
    const auto& iface = p.rig.iface();
    EXPECT_EQ(iface.input_latency_frames(0), 100);
    EXPECT_EQ(iface.input_latency_frames(1), 100);
    // Compensation (on by default) holds every other source back by 100, not the pair.
    EXPECT_EQ(iface.input_compensation_frames(0), 0);
    EXPECT_EQ(iface.input_compensation_frames(1), 0);
    EXPECT_EQ(iface.input_compensation_frames(2), 100);
    p.rig.set("/link/in1", "off");
    EXPECT_EQ(iface.input_latency_frames(0), 100);
    EXPECT_EQ(iface.input_latency_frames(1), 0);
    EXPECT_EQ(iface.input_compensation_frames(1), 100);
}

struct Fixture {
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 64};
    Controller controller{iface, true};
    std::string text(const std::string& path) const {
        return iface.params().text(iface.params().require(path));
    }
    bool linked() const { return iface.params().value(iface.params().require("/link/in1")) != 0; }
};

TEST(PairPlugins, TheSecondInputsSlotsCannotHoldAPluginWhileLinked) {
    Fixture f;
    f.controller.apply({{"/link/in1", true}});
    expect_refused(f.controller, {{slot2("plugin"), std::string(kAmp)}}, slot2("plugin"),
                   {"in2 is linked with in1", "/link/in1", slot1("plugin")});
    EXPECT_EQ(f.text(slot2("plugin")), "");
    EXPECT_EQ(f.iface.plugin(kIn2Slot), nullptr);
    // Linking while in2 holds one: refused at the link, naming in2's slot; nothing changes.
    f.controller.apply({{"/link/in1", false}});
    f.controller.apply({{slot2("plugin"), std::string(kAmp)}, {slot2("gain"), -3.0}});
    expect_refused(f.controller, {{"/link/in1", true}}, "/link/in1",
                   {"/input/in2/insert/1 holds a plugin", kAmp, "empty in2's slot"});
    EXPECT_FALSE(f.linked());
    EXPECT_NE(f.iface.plugin(kIn2Slot), nullptr);
    // Emptied in the same batch: taken.
    f.controller.apply({{"/link/in1", true}, {slot2("plugin"), std::string()}});
    EXPECT_TRUE(f.linked());
    EXPECT_EQ(f.iface.plugin(kIn2Slot), nullptr);
}

TEST(PairPlugins, AStereoPluginNeedsThePairLinked) {
    Fixture f;
    expect_refused(f.controller, {{slot1("plugin"), std::string(kRoute)}}, slot1("plugin"),
                   {"is a stereo plugin", "/link/in1", "mono"});
    EXPECT_EQ(f.iface.plugin(kIn1Slot), nullptr);
    EXPECT_EQ(f.text(slot1("plugin")), "");
    // Linked in the same batch: taken.
    f.controller.apply({{"/link/in1", true}, {slot1("plugin"), std::string(kRoute)}});
    ASSERT_NE(f.iface.plugin(kIn1Slot), nullptr);
    // An unlink is refused while it holds it, naming the slot; nothing changes.
    expect_refused(f.controller, {{"/link/in1", false}}, "/link/in1",
                   {"/input/in1/insert/1 holds a stereo plugin", "unload it"});
    EXPECT_TRUE(f.linked());
    ASSERT_NE(f.iface.plugin(kIn1Slot), nullptr);
    // Unloaded, or replaced by a mono one, in the same batch: taken.
    f.controller.apply({{"/link/in1", false}, {slot1("plugin"), std::string(kAmp)}});
    EXPECT_FALSE(f.linked());
    EXPECT_EQ(f.text(slot1("plugin")), kAmp);
    // Every pair's first input has the rule: in3+in4 are not linked.
    expect_refused(f.controller, {{"/input/in3/insert/2/plugin", std::string(kRoute)}},
                   "/input/in3/insert/2/plugin", {"/link/in3"});
}

TEST(PairPlugins, ASessionKeepsThePairsStereoPlugin) {
    Fixture f;
    f.controller.apply(
        {{"/link/in1", true}, {slot1("plugin"), std::string(kRoute)}, {slot1("routing"), 7.0}});
    f.controller.save_snapshot("linked");
    const session::Session s = f.controller.capture();
    EXPECT_EQ(s.params.at(slot1("plugin")), kRoute);
    EXPECT_EQ(s.params.at("/link/in1"), true);

    Fixture g;  // unlinked to begin with: the session links and loads in one batch
    g.controller.load(s, "pair.json");
    EXPECT_TRUE(g.linked());
    ASSERT_NE(g.iface.plugin(kIn1Slot), nullptr);
    EXPECT_EQ(g.iface.plugin(kIn1Slot)->instance_count(), 1u);
    EXPECT_EQ(g.iface.plugin(kIn1Slot)->get("routing"), 7.0f);
    EXPECT_EQ(g.controller.capture().params, s.params);
    g.controller.recall_snapshot("linked");  // the same state: a recall changes nothing
    EXPECT_TRUE(g.linked());
}

TEST(PairPlugins, ASessionThatLinksAPairWhoseSecondInputHoldsAPluginOpensWithANotice) {
    // A session written before the rule: the rest loads, in2's slot stays empty, and its
    // plugin and controls are kept in the state written back, as a missing plugin's are.
    Fixture f;
    f.controller.apply({{slot2("plugin"), std::string(kAmp)}, {slot2("gain"), -3.0}});
    session::Session s = f.controller.capture();
    s.params["/link/in1"] = true;
    s.params["/mix/main/in3/gain"] = -5.0;

    Fixture g;
    g.controller.load(s, "old.json");
    EXPECT_TRUE(g.linked());
    EXPECT_EQ(g.iface.params().value(g.iface.params().require("/mix/main/in3/gain")), -5.0);
    EXPECT_EQ(g.iface.plugin(kIn2Slot), nullptr);
    const session::Session again = g.controller.capture();
    EXPECT_EQ(again.params.at(slot2("plugin")), kAmp);
    EXPECT_EQ(again.params.at(slot2("gain")), -3.0);
    bool told = false;
    for (const auto& w : g.iface.warnings())
        told = told || (w.find("old.json") != std::string::npos &&
                        w.find("/input/in2/insert/1: in2 is linked with in1") != std::string::npos);
    EXPECT_TRUE(told);
}

TEST(PairPlugins, ASnapshotThatWouldUnlinkUnderAStereoPluginIsKeptAndItsRecallRefused) {
    Fixture f;
    f.controller.save_snapshot("apart");  // unlinked, nothing loaded
    f.controller.apply({{"/link/in1", true}, {slot1("plugin"), std::string(kRoute)}});
    const session::Session s = f.controller.capture();
    EXPECT_THROW(f.controller.recall_snapshot("apart"), CommandError);
    EXPECT_TRUE(f.linked());

    Fixture g;
    g.controller.load(s, "pair.json");  // the snapshot is told about, not a refusal
    EXPECT_TRUE(g.linked());
    ASSERT_NE(g.iface.plugin(kIn1Slot), nullptr);
    bool told = false;
    for (const auto& w : g.iface.warnings())
        told = told || (w.find("snapshots.apart") != std::string::npos &&
                        w.find("/link/in1") != std::string::npos);
    EXPECT_TRUE(told);
}

}  // namespace
}  // namespace phantom::test
