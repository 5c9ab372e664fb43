// The command layer: typed errors with their kinds, all-or-nothing batches, the analog-only
// refusal on JACK, and the safety rules of a snapshot recall.
#include "phantom/control/controller.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <optional>

#include "phantom/device/device_catalog.hpp"
#include "rig.hpp"

namespace phantom::control {
namespace {

using std::chrono::milliseconds;
using Names = std::vector<std::string>;

struct Fixture {
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    Controller controller{iface, true};
    double value(const std::string& path) const {
        return iface.params().value(iface.params().require(path));
    }
};

std::optional<ErrorKind> refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const CommandError& e) {
        return e.kind();
    }
    return std::nullopt;
}

// A recall glide is linear in amplitude over one second. Its start lies between the moments
// taken before and after the recall (a sanitizer build may take long over it), so a tick
// `after` + `delay` finds it between these two levels.
struct GlideWindow {
    double low_db, high_db;
};
GlideWindow glide_window(double from_gain, double to_gain,
                         std::chrono::steady_clock::time_point before,
                         std::chrono::steady_clock::time_point after, milliseconds delay) {
    auto db_at = [&](double seconds) {
        const double t = std::min(1.0, seconds);
        return 20 * std::log10(from_gain + (to_gain - from_gain) * t);
    };
    const double shortest = std::chrono::duration<double>(delay).count();
    const double longest = shortest + std::chrono::duration<double>(after - before).count();
    return {db_at(shortest) - 0.01, db_at(longest) + 0.01};
}

const Value* find_param(const Snapshot& s, const std::string& path) {
    for (const auto& [p, v] : s.params)
        if (p == path) return &v;
    return nullptr;
}

TEST(Controller, SetChangesTheTreeAndReportsWhatChanged) {
    Fixture f;
    ApplyResult r = f.controller.set("/mix/main/in1/gain", -6.0);
    ASSERT_EQ(r.changed.size(), 1u);
    EXPECT_EQ(r.changed[0].path, "/mix/main/in1/gain");
    EXPECT_EQ(r.changed[0].value, Value(-6.0));
    EXPECT_EQ(f.value("/mix/main/in1/gain"), -6.0);
    EXPECT_EQ(f.controller.param("/mix/main/in1/gain").value, Value(-6.0));
    // Text as a CLI types it.
    f.controller.set("/monitor/dim", std::string("on"));
    EXPECT_EQ(f.value("/monitor/dim"), 1.0);
    f.controller.set("/output/hp1/volume", std::string("off"));
    EXPECT_TRUE(std::isinf(f.value("/output/hp1/volume")));
}

TEST(Controller, ErrorsNameThePathTheValueAndWhatIsAllowed) {
    Fixture f;
    EXPECT_EQ(refusal([&] { f.controller.set("/mix/main/in99/gain", 0.0); }),
              ErrorKind::UnknownPath);
    EXPECT_EQ(refusal([&] { f.controller.set("/monitor/dim", 3.0); }), ErrorKind::WrongType);
    EXPECT_EQ(refusal([&] { f.controller.set("/mix/main/in1/gain", std::nan("")); }),
              ErrorKind::OutOfRange);
    EXPECT_EQ(refusal([&] { f.controller.set("/monitor/speakers", true); }), ErrorKind::WrongType);
    try {
        f.controller.set("/mix/main/in1/gain", 40.0);
        FAIL() << "out of range accepted";
    } catch (const CommandError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::OutOfRange);
        EXPECT_EQ(e.path(), "/mix/main/in1/gain");
        EXPECT_EQ(e.value(), Value(40.0));
        EXPECT_NE(e.allowed().find("dB"), std::string::npos);
    }
    EXPECT_EQ(
        f.value("/mix/main/in1/gain"),
        f.iface.params().schema(f.iface.params().require("/mix/main/in1/gain")).default_value);
}

TEST(Controller, ABatchThatFailsHalfWayAppliesNothing) {
    Fixture f;
    const std::vector<double> before_values = f.iface.params().values();
    const std::vector<SetParam> batch = {
        {"/mix/main/in1/gain", -3.0}, {"/monitor/dim", true}, {"/mix/main/in2/gain", 99.0}};
    try {
        f.controller.apply(batch);
        FAIL() << "a batch with a value out of range applied";
    } catch (const CommandError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::OutOfRange);
        EXPECT_EQ(e.path(), "/mix/main/in2/gain");
        EXPECT_EQ(e.value(), Value(99.0));
    }
    EXPECT_EQ(f.iface.params().values(), before_values);
    EXPECT_EQ(f.value("/monitor/dim"), 0.0);
    const std::uint64_t before = f.controller.revision();
    EXPECT_EQ(refusal([&] { f.controller.apply({}); }), ErrorKind::Malformed);
    EXPECT_EQ(f.controller.revision(), before);
    f.controller.apply({{"/monitor/dim", true}});
    EXPECT_EQ(f.value("/monitor/dim"), 1.0);
}

TEST(Controller, AMirrorCycleIsAConflict) {
    Fixture f;
    const std::vector<SetParam> cycle = {{"/output/hp1/mirror", std::string("hp2")},
                                         {"/output/hp2/mirror", std::string("hp1")}};
    EXPECT_EQ(refusal([&] { f.controller.apply(cycle); }), ErrorKind::Conflict);
}

TEST(Controller, AnalogControlsAreNotAvailableOnJack) {
    engine::Interface iface(device::load_device("studio-8x8"), 48000, 256);
    Controller jack(iface, false);
    try {
        jack.set("/input/in1/gain", 30.0);
        FAIL();
    } catch (const CommandError& e) {
        EXPECT_EQ(e.kind(), ErrorKind::NotAvailable);
        EXPECT_NE(std::string(e.what()).find("not available on this hardware"), std::string::npos);
    }
    EXPECT_FALSE(jack.param("/input/in1/phantom").available);
    EXPECT_NO_THROW(jack.set("/input/in1/trim", 3.0));  // digital: fine
}

TEST(Controller, RecallNeverSwitches48VOn) {
    Fixture f;
    f.controller.set("/input/in1/phantom", true);
    f.controller.save_snapshot("condenser");
    f.controller.set("/input/in1/phantom", false);
    RecallResult r = f.controller.recall_snapshot("condenser");
    EXPECT_EQ(f.value("/input/in1/phantom"), 0.0);
    EXPECT_EQ(r.held_phantom, Names{"/input/in1/phantom"});
    EXPECT_EQ(f.controller.status().held_phantom, Names{"/input/in1/phantom"});
    f.controller.set("/input/in1/phantom", true);  // the user's own decision
    EXPECT_EQ(f.value("/input/in1/phantom"), 1.0);
    EXPECT_TRUE(f.controller.status().held_phantom.empty());
}

TEST(Controller, RecallGlidesARisingVolumeOverOneSecondAndDropsAtOnce) {
    Fixture f;
    f.controller.set("/output/hp1/volume", 0.0);
    f.controller.set("/monitor/volume", -40.0);
    f.controller.save_snapshot("loud");
    f.controller.set("/output/hp1/volume", -20.0);
    f.controller.set("/monitor/volume", 0.0);
    const auto t0 = std::chrono::steady_clock::now();
    RecallResult r = f.controller.recall_snapshot("loud");
    const auto t1 = std::chrono::steady_clock::now();
    EXPECT_EQ(f.value("/monitor/volume"), -40.0);     // a drop is immediate
    EXPECT_EQ(f.value("/output/hp1/volume"), -20.0);  // a rise has not happened yet
    EXPECT_EQ(r.gliding, Names{"/output/hp1/volume"});
    // Halfway in time, halfway in amplitude: 0.1 → 1.0 gives 0.55 (-5.19 dB).
    f.controller.tick(t1 + milliseconds(500));
    const GlideWindow half = glide_window(0.1, 1.0, t0, t1, milliseconds(500));
    EXPECT_GE(f.value("/output/hp1/volume"), half.low_db);
    EXPECT_LE(f.value("/output/hp1/volume"), half.high_db);
    f.controller.tick(t1 + milliseconds(1001));
    EXPECT_EQ(f.value("/output/hp1/volume"), 0.0);
}

TEST(Controller, RecallThatUnmutesStartsTheVolumeFromSilence) {
    Fixture f;
    f.controller.save_snapshot("open");
    f.controller.set("/monitor/mute", true);
    const auto t0 = std::chrono::steady_clock::now();
    f.controller.recall_snapshot("open");
    const auto t1 = std::chrono::steady_clock::now();
    EXPECT_EQ(f.value("/monitor/mute"), 0.0);
    EXPECT_TRUE(std::isinf(f.value("/monitor/volume")));
    // A quarter of the way from silence: 0.25 in amplitude (-12.04 dB).
    f.controller.tick(t1 + milliseconds(250));
    const GlideWindow quarter = glide_window(0.0, 1.0, t0, t1, milliseconds(250));
    EXPECT_GE(f.value("/monitor/volume"), quarter.low_db);
    EXPECT_LE(f.value("/monitor/volume"), quarter.high_db);
    f.controller.tick(t1 + milliseconds(1001));
    EXPECT_EQ(f.value("/monitor/volume"), 0.0);
}

TEST(Controller, AUserMoveCancelsAGlide) {
    Fixture f;
    f.controller.save_snapshot("unity");
    f.controller.set("/output/hp1/volume", -30.0);
    const auto t0 = std::chrono::steady_clock::now();
    f.controller.recall_snapshot("unity");
    f.controller.set("/output/hp1/volume", -12.0);
    f.controller.tick(t0 + milliseconds(1500));
    EXPECT_EQ(f.value("/output/hp1/volume"), -12.0);
}

TEST(Controller, SnapshotsAreListedShownDeletedAndNamesChecked) {
    Fixture f;
    f.controller.set("/monitor/dim", true);
    f.controller.save_snapshot("a");
    EXPECT_EQ(f.controller.snapshot_names(), Names{"a"});
    const Snapshot a = f.controller.snapshot("a");
    const Value* dim = find_param(a, "/monitor/dim");
    ASSERT_NE(dim, nullptr);
    EXPECT_EQ(*dim, Value(true));
    EXPECT_EQ(refusal([&] { f.controller.save_snapshot("a\nb"); }), ErrorKind::OutOfRange);
    EXPECT_EQ(refusal([&] { f.controller.save_snapshot(""); }), ErrorKind::OutOfRange);
    EXPECT_EQ(refusal([&] { f.controller.recall_snapshot("b"); }), ErrorKind::UnknownPath);
    f.controller.delete_snapshot("a");
    EXPECT_TRUE(f.controller.snapshot_names().empty());
    EXPECT_EQ(refusal([&] { f.controller.delete_snapshot("a"); }), ErrorKind::UnknownPath);
}

TEST(Controller, ChangesAreLoggedInOrderForSubscribers) {
    Fixture f;
    std::vector<Change> seen;
    bool lost = false;
    std::uint64_t seq = f.controller.changes_since(0, seen, lost);
    EXPECT_EQ(seq, 0u);
    f.controller.set("/monitor/dim", true);
    f.controller.set("/mix/main/in1/gain", -6.0);
    seq = f.controller.changes_since(seq, seen, lost);
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_FALSE(lost);
    EXPECT_EQ(seen[0].path, "/monitor/dim");
    EXPECT_EQ(seen[0].value, Value(true));
    EXPECT_EQ(seen[1].value, Value(-6.0));
    EXPECT_EQ(seen[1].seq, seen[0].seq + 1);
    seen.clear();
    f.controller.changes_since(seq, seen, lost);
    EXPECT_TRUE(seen.empty());
}

TEST(Controller, AReaderBehindTheLogIsToldAndAReaderWithinItGetsExactlyWhatIsNew) {
    Fixture f;
    const size_t total = Controller::kChangeLogSize + 100;
    for (size_t k = 0; k < total; ++k)
        f.controller.set("/mix/main/in1/gain", k % 2 ? -6.0 : -7.0);
    std::vector<Change> seen;
    bool lost = false;
    EXPECT_EQ(f.controller.changes_since(0, seen, lost), total);
    EXPECT_TRUE(lost);  // the first 100 changes are gone
    EXPECT_EQ(seen.size(), Controller::kChangeLogSize);
    seen.clear();
    f.controller.changes_since(total - 3, seen, lost);  // within the log: the last three
    EXPECT_FALSE(lost);
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].seq, total - 2);
    EXPECT_EQ(seen[2].seq, total);
    EXPECT_EQ(seen[2].value, Value(total % 2 ? -7.0 : -6.0));  // k = total - 1
}

TEST(Controller, SnapshotsAreBoundedButOneCanBeSavedOver) {
    Fixture f;
    for (size_t k = 0; k < Controller::kMaxSnapshots; ++k)
        f.controller.save_snapshot("s" + std::to_string(k));
    EXPECT_EQ(refusal([&] { f.controller.save_snapshot("one-more"); }), ErrorKind::Conflict);
    f.controller.set("/monitor/dim", true);
    f.controller.save_snapshot("s7");  // over an existing one: allowed
    EXPECT_EQ(f.controller.snapshot_names().size(), Controller::kMaxSnapshots);
    f.controller.delete_snapshot("s0");
    f.controller.save_snapshot("one-more");
    EXPECT_EQ(f.controller.snapshot_names().size(), Controller::kMaxSnapshots);

    session::Session too_many = f.controller.capture();
    too_many.snapshots["the-257th"] = {};
    Fixture fresh;
    EXPECT_THROW(fresh.controller.load(too_many, "state.json"), session::SessionError);
    EXPECT_TRUE(fresh.controller.snapshot_names().empty());
}

TEST(Controller, CaptureHoldsParamsSourcesAndSnapshots) {
    Fixture f;
    f.controller.set("/monitor/dim", true);
    f.controller.save_snapshot("s1");
    f.controller.with_interface(
        [](engine::Interface& i) { i.set_source("in1", "sine:440:-20dBu"); });
    session::Session s = f.controller.capture();
    EXPECT_EQ(s.params.at("/monitor/dim"), true);
    EXPECT_EQ(s.sources.at("in1"), "sine:440:-20dBu");
    EXPECT_EQ(s.snapshots.count("s1"), 1u);
    Fixture g;
    g.controller.load(s, "test");
    EXPECT_EQ(g.value("/monitor/dim"), 1.0);
    EXPECT_EQ(g.controller.snapshot_names(), Names{"s1"});
}

TEST(Controller, ALargeRiseOfAHeadphoneOrMonitorVolumeGlidesInOverOneSecond) {
    Fixture f;
    f.controller.set("/output/hp1/volume", -40.0);
    ApplyResult r = f.controller.set("/output/hp1/volume", 0.0);
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(r.gliding, Names{"/output/hp1/volume"});
    EXPECT_EQ(f.value("/output/hp1/volume"), -40.0);  // not at once
    // Linear in amplitude: 0.01 → 1.0, halfway at 0.505.
    f.controller.tick(t0 + milliseconds(500));
    EXPECT_NEAR(f.value("/output/hp1/volume"), 20 * std::log10(0.01 + 0.99 * 0.5), 0.2);
    f.controller.tick(t0 + milliseconds(1001));
    EXPECT_EQ(f.value("/output/hp1/volume"), 0.0);

    // The monitor volume too, also from a batch; the rest of the batch applies at once.
    f.controller.set("/monitor/volume", -30.0);
    r = f.controller.apply({{"/monitor/volume", 0.0}, {"/monitor/mono", true}});
    EXPECT_EQ(r.gliding, Names{"/monitor/volume"});
    EXPECT_EQ(f.value("/monitor/volume"), -30.0);
    EXPECT_EQ(f.value("/monitor/mono"), 1.0);
}

TEST(Controller, SmallOrQuietRisesAndLineOutputsChangeAtOnce) {
    Fixture f;
    f.controller.set("/output/hp1/volume", -10.0);
    EXPECT_TRUE(f.controller.set("/output/hp1/volume", -4.0).gliding.empty());  // +6 dB
    EXPECT_EQ(f.value("/output/hp1/volume"), -4.0);
    f.controller.set("/output/hp1/volume", -INFINITY);
    EXPECT_TRUE(f.controller.set("/output/hp1/volume", -40.0).gliding.empty());  // still quiet
    EXPECT_EQ(f.value("/output/hp1/volume"), -40.0);
    f.controller.set("/output/line3/volume", -40.0);  // a line output feeds gear, not ears
    EXPECT_TRUE(f.controller.set("/output/line3/volume", 0.0).gliding.empty());
    EXPECT_EQ(f.value("/output/line3/volume"), 0.0);
}

TEST(Controller, ARefusedBatchStartsNoGlide) {
    Fixture f;
    f.controller.set("/output/hp1/volume", -40.0);
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(refusal([&] {
                  f.controller.apply({{"/output/hp1/volume", 0.0},
                                      {"/output/line3/mirror", std::string("line4")},
                                      {"/output/line4/mirror", std::string("line3")}});
              }),
              ErrorKind::Conflict);
    f.controller.tick(t0 + milliseconds(1500));
    EXPECT_EQ(f.value("/output/hp1/volume"), -40.0);
}

TEST(Controller, ARecallStopsAGlideThatWouldCarryPastTheSnapshot) {
    Fixture f;
    f.controller.set("/monitor/volume", -40.0);
    f.controller.save_snapshot("quiet");
    f.controller.set("/monitor/volume", 0.0);  // glides
    const auto t0 = std::chrono::steady_clock::now();
    f.controller.recall_snapshot("quiet");
    f.controller.tick(t0 + milliseconds(1500));
    EXPECT_EQ(f.value("/monitor/volume"), -40.0);
}

TEST(Controller, ClipLightsStayLitUntilCleared) {
    test::Rig rig("studio-8x8");
    Controller controller{rig.iface(), true};
    // -20 dBu with 60 dB of preamp gain is far past the converter's +18 dBu, then quiet again.
    rig.source("in1", "sine:1k:-20dBu");
    rig.set("/input/in1/gain", "60");
    rig.start();
    rig.run(2560, 256);
    rig.set("/input/in1/gain", "0");
    rig.run(2560, 256);
    auto lit = [&](const std::string& id) {
        const MeterSnapshot m = controller.meters();
        for (const auto* group : {&m.inputs, &m.outputs})
            for (const auto& r : *group)
                if (r.id == id) return r.clip;
        ADD_FAILURE() << "no meter " << id;
        return false;
    };
    EXPECT_TRUE(lit("in1"));
    EXPECT_FALSE(lit("in2"));
    EXPECT_EQ(controller.status().clips, Names{"in1"});
    EXPECT_EQ(controller.clear_clips("in1"), Names{"in1"});
    EXPECT_FALSE(lit("in1"));
    EXPECT_TRUE(controller.status().clips.empty());
    // "main" names both of its channels.
    EXPECT_EQ(controller.clear_clips("main"), (Names{"main.L", "main.R"}));
    EXPECT_EQ(refusal([&] { controller.clear_clips("nothing"); }), ErrorKind::UnknownPath);
}

TEST(Controller, SnapshotsAreRenamedWithoutOverwritingAnother) {
    Fixture f;
    f.controller.set("/monitor/dim", true);
    f.controller.save_snapshot("a");
    f.controller.save_snapshot("b");
    EXPECT_EQ(refusal([&] { f.controller.rename_snapshot("a", "b"); }), ErrorKind::Conflict);
    EXPECT_EQ(refusal([&] { f.controller.rename_snapshot("x", "y"); }), ErrorKind::UnknownPath);
    EXPECT_EQ(refusal([&] { f.controller.rename_snapshot("a", "B"); }), ErrorKind::Conflict);
    EXPECT_EQ(refusal([&] { f.controller.rename_snapshot("a", " a"); }), ErrorKind::OutOfRange);
    f.controller.rename_snapshot("a", "c");
    EXPECT_EQ(f.controller.snapshot_names(), (Names{"b", "c"}));
    const Snapshot c = f.controller.snapshot("c");
    const Value* dim = find_param(c, "/monitor/dim");
    ASSERT_NE(dim, nullptr);
    EXPECT_EQ(*dim, Value(true));
}

TEST(Controller, SnapshotNamesAreTheUsersWordsAndOneNameInAnyCaseIsOneSnapshot) {
    Fixture f;
    f.controller.set("/monitor/dim", true);
    f.controller.save_snapshot("Verse 2 – Vox & gtr/loud (take #3)");
    f.controller.set("/monitor/dim", false);
    f.controller.save_snapshot("chorus");
    // Saving over a name in another case is saving over that snapshot, with the new spelling.
    f.controller.set("/monitor/mono", true);
    f.controller.save_snapshot("Chorus");
    EXPECT_EQ(f.controller.snapshot_names(),
              (Names{"Chorus", "Verse 2 – Vox & gtr/loud (take #3)"}));
    EXPECT_NE(find_param(f.controller.snapshot("CHORUS"), "/monitor/mono"), nullptr);
    // Recall, rename and delete find it in any case; a respelling is a rename of itself.
    f.controller.recall_snapshot("verse 2 – vox & gtr/loud (take #3)");
    EXPECT_EQ(f.value("/monitor/dim"), 1.0);
    f.controller.rename_snapshot("chorus", "CHORUS");
    EXPECT_EQ(f.controller.snapshot_names(),
              (Names{"CHORUS", "Verse 2 – Vox & gtr/loud (take #3)"}));
    f.controller.delete_snapshot("Chorus");
    EXPECT_EQ(f.controller.snapshot_names(), (Names{"Verse 2 – Vox & gtr/loud (take #3)"}));
}

TEST(Controller, ASnapshotNameThatIsNotPrintableTextIsRefusedWithTheAllowedForm) {
    Fixture f;
    for (const std::string& bad :
         {std::string("tab\there"), std::string("bell\a"), std::string("bad \xFF byte"),
          std::string("trailing "), std::string(65, 'x'), std::string("rtl\u202Eevil")}) {
        try {
            f.controller.save_snapshot(bad);
            ADD_FAILURE() << "saved '" << bad << "'";
        } catch (const CommandError& e) {
            EXPECT_EQ(e.kind(), ErrorKind::OutOfRange);
            EXPECT_NE(std::string(e.what()).find("is not a snapshot name"), std::string::npos);
            EXPECT_EQ(e.allowed(), kSnapshotNameForm);
        }
    }
    EXPECT_TRUE(f.controller.snapshot_names().empty());
    f.controller.save_snapshot(std::string(64, 'x'));  // the longest; counted in characters,
    f.controller.save_snapshot(std::string(60, 'y') + "éééé");  // not in bytes (68 here)
    EXPECT_EQ(f.controller.snapshot_names().size(), 2u);
}

TEST(Controller, ASessionWithABadOrTwiceGivenSnapshotNameIsRefusedBeforeAnythingApplies) {
    Fixture f;
    session::Session s;
    s.device = "studio-8x8";
    s.params["/monitor/dim"] = true;
    s.snapshots["verse"] = {};
    s.snapshots["Verse"] = {};
    try {
        f.controller.load(s, "state.json");
        ADD_FAILURE() << "loaded";
    } catch (const session::SessionError& e) {
        EXPECT_NE(std::string(e.what()).find("'Verse' and 'verse' are one name"), std::string::npos)
            << e.what();
    }
    s.snapshots.erase("Verse");
    s.snapshots["line\nbreak"] = {};
    EXPECT_THROW(f.controller.load(s, "state.json"), session::SessionError);
    EXPECT_EQ(f.value("/monitor/dim"), 0.0);  // nothing applied
    EXPECT_TRUE(f.controller.snapshot_names().empty());
}

TEST(Controller, TheDeviceNamesWhatPlaysIntoEachInputAndFlagsAPassiveRibbon) {
    Fixture f;
    f.controller.with_interface([](engine::Interface& i) {
        i.set_source("in1", "ribbon:sine:1k:94dBSPL");
        i.set_source("in2", "condenser:sine:1k:94dBSPL");
    });
    const DeviceInfo d = f.controller.device();
    ASSERT_EQ(d.sources.size(), 2u);
    EXPECT_EQ(d.sources[0].channel, "in1");
    EXPECT_EQ(d.sources[0].text, "ribbon:sine:1k:94dBSPL");
    EXPECT_TRUE(d.sources[0].passive_ribbon);
    EXPECT_FALSE(d.sources[1].passive_ribbon);
}

}  // namespace
}  // namespace phantom::control
