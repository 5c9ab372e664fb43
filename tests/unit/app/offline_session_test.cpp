// The offline render's set-up goes through the controller: a session and the --set batch are
// read and refused as the live run reads and refuses them, and what is set is in force at once.
#include "phantom/app/offline_session.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace phantom::app {
namespace {

double value(OfflineSession& s, const std::string& path) {
    return s.iface().params().value(s.iface().params().require(path));
}

TEST(OfflineSession, ASetIsInForceFromTheFirstSampleWithoutAGlide) {
    const std::string path = ::testing::TempDir() + "offline-session-quiet.json";
    {
        std::ofstream f(path);
        f << R"({"phantom_session": 1, "device": "desktop-2x2",
                 "params": {"/monitor/volume": -40}})";
    }
    OfflineSetup setup;
    setup.session_path = path;
    setup.sets = {{"/monitor/volume", "0"}, {"/monitor/dim", "on"}};
    OfflineSession s(setup);
    EXPECT_EQ(s.iface().spec().id, "desktop-2x2");  // the session names the device
    // A live set would glide this 40 dB rise over a second; offline nothing plays yet.
    EXPECT_EQ(value(s, "/monitor/volume"), 0.0);
    EXPECT_EQ(value(s, "/monitor/dim"), 1.0);
    std::remove(path.c_str());
}

TEST(OfflineSession, ABadSetIsRefusedWithItsKindAndPath) {
    OfflineSetup setup;
    setup.device = "desktop-2x2";
    setup.sets = {{"/monitor/dim", "on"}, {"/monitor/volume", "40"}};
    try {
        OfflineSession s(setup);
        FAIL() << "a volume of +40 dB was accepted";
    } catch (const control::CommandError& e) {
        EXPECT_EQ(e.kind(), control::ErrorKind::OutOfRange);
        EXPECT_EQ(e.path(), "/monitor/volume");
    }
    setup.sets = {{"/no/such", "1"}};
    try {
        OfflineSession s(setup);
        FAIL() << "an unknown path was accepted";
    } catch (const control::CommandError& e) {
        EXPECT_EQ(e.kind(), control::ErrorKind::UnknownPath);
    }
}

}  // namespace
}  // namespace phantom::app
