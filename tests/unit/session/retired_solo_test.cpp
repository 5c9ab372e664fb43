// A session or state file written before solo became the control room's holds per-mix solos
// (/mix/OUT/SRC/solo). It loads, everything else in force, with a notice that names what was
// left out; an unknown path that is not a retired one is still refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "phantom/app/offline_session.hpp"
#include "phantom/app/state_saver.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/session/session.hpp"
#include "test_signals.hpp"

namespace phantom::session {
namespace {

const char* kOldSession = R"({
  "phantom_session": 1, "device": "studio-8x8",
  "params": { "/mix/hp1/in2/solo": true, "/mix/hp1/in2/gain": -6, "/mix/main/pb1/solo": false },
  "snapshots": { "verse": { "/mix/hp2/in1/solo": true, "/mix/hp2/in1/gain": -3 } }
})";

bool mentions(const std::vector<std::string>& list, const std::string& text) {
    for (const auto& s : list)
        if (s.find(text) != std::string::npos) return true;
    return false;
}

TEST(RetiredSolo, ASessionWithPerMixSolosLoadsWithANotice) {
    const Session s = parse_session_text(kOldSession, "old.json");
    EXPECT_FALSE(s.params.contains("/mix/hp1/in2/solo"));
    EXPECT_TRUE(s.params.contains("/mix/hp1/in2/gain"));
    EXPECT_FALSE(s.snapshots.at("verse").contains("/mix/hp2/in1/solo"));
    ASSERT_EQ(s.notices.size(), 2u);  // params, and the snapshot
    EXPECT_NE(s.notices[0].find("2 per-mix solos left out"), std::string::npos) << s.notices[0];
    EXPECT_NE(s.notices[0].find("/solo/<id>"), std::string::npos) << s.notices[0];

    engine::Interface iface(device::load_device("studio-8x8"), 48000, 64);
    apply_session(s, iface, "old.json");
    EXPECT_EQ(iface.params().value(iface.params().require("/mix/hp1/in2/gain")), -6.0);
    EXPECT_EQ(iface.params().value(iface.params().require("/solo/in2")),
              0.0);  // not turned into one
    EXPECT_TRUE(mentions(iface.warnings(), "per-mix solo"));
}

TEST(RetiredSolo, ARenderOfAnOldSessionSaysSoAmongItsWarnings) {
    const std::string path = test::temp_dir("retired-solo") + "old.json";
    std::ofstream(path) << kOldSession;
    app::OfflineSetup setup;
    setup.session_path = path;
    app::OfflineSession session(setup);
    EXPECT_TRUE(mentions(session.iface().warnings(), "per-mix solo"));
    EXPECT_EQ(session.controller().snapshot("verse").params.size(), 1u);
}

TEST(RetiredSolo, AStateFileWithPerMixSolosIsLoadedNotSetAsideAndTheNoticeSaysSo) {
    const std::string path = test::temp_dir("retired-solo") + "state.json";
    std::ofstream(path) << kOldSession;
    const app::StateFile file = app::read_state_file(path);
    engine::Interface iface(device::load_device("studio-8x8"), 48000, 64);
    control::Controller controller(iface, true);
    const std::string notice = app::apply_state_file(controller, file, path);
    EXPECT_NE(notice.find("per-mix solo"), std::string::npos) << notice;
    EXPECT_EQ(notice.find("moved aside"), std::string::npos) << notice;
    EXPECT_TRUE(std::filesystem::exists(path));
    EXPECT_EQ(iface.params().value(iface.params().require("/mix/hp1/in2/gain")), -6.0);
}

TEST(RetiredSolo, OtherUnknownPathsAreStillRefused) {
    const Session s = parse_session_text(
        R"({"device": "studio-8x8", "params": {"/mix/hp1/in2/soloed": true}})", "bad.json");
    engine::Interface iface(device::load_device("studio-8x8"), 48000, 64);
    EXPECT_THROW(apply_session(s, iface, "bad.json"), SessionError);
    // Not the retired shape: /mix/OUT/SRC/solo has exactly two names between.
    const Session deep = parse_session_text(
        R"({"device": "studio-8x8", "params": {"/mix/hp1/solo": true}})", "bad.json");
    EXPECT_THROW(apply_session(deep, iface, "bad.json"), SessionError);
}

}  // namespace
}  // namespace phantom::session
