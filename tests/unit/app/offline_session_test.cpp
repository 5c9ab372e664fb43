// The offline render's set-up goes through the controller: a session and the --set batch are
// read and refused as the live run reads and refuses them, and what is set is in force at once.
#include "phantom/app/offline_session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
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

namespace phantom::app {
namespace {

// `phantom render --fault`: a dead cable on in1 captures silence where the same source without
// it captures the sine; an overload is refused (offline, nothing has a deadline).
TEST(OfflineSession, FaultsApplyOfflineAndAnOverloadIsRefused) {
    OfflineSetup setup;
    setup.device = "studio-8x8";
    setup.block_frames = 256;
    setup.sources = {{"in1", "sine:1k:-10dBu"}, {"in2", "sine:1k:-10dBu"}};
    setup.faults = {"in1=dead"};
    OfflineSession s(setup);
    EXPECT_EQ(s.iface().fault_texts(), std::vector<std::string>{"in1=dead"});
    s.iface().start();
    std::vector<std::vector<float>> capture(s.iface().capture_channel_count(),
                                            std::vector<float>(256));
    std::vector<float*> ptr;
    for (auto& c : capture)
        ptr.push_back(c.data());
    engine::BlockIo io;
    io.frames = 256;
    io.capture = ptr.data();
    for (int k = 0; k < 4; ++k)
        s.iface().process(io);
    float in1 = 0, in2 = 0;
    for (size_t i = 0; i < 256; ++i) {
        in1 = std::max(in1, std::abs(capture[0][i]));
        in2 = std::max(in2, std::abs(capture[1][i]));
    }
    EXPECT_EQ(in1, 0.0f);
    // -10 dBu on a +18 dBu converter peaks at -28 dBFS.
    EXPECT_NEAR(20 * std::log10(in2), -28.0, 0.1);

    setup.faults = {"overload:8ms"};
    try {
        OfflineSession bad(setup);
        ADD_FAILURE() << "an overload was taken offline";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("needs a live run"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace phantom::app
