// `phantom status` prints the latency per path, against a real `phantom start` on the virtual
// hardware (a block each way: 256 frames at 48 kHz, as its driver reports). The limiter's
// lookahead is computed from its documented rule: 1.5 ms at the rate, rounded to whole frames.
#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <string>

#include "live_process.hpp"
#include "run_command.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

TEST(LatencyStatusLive, PhantomStatusPrintsEveryOutputsOwnLatencyAndRoundTrip) {
    const std::string dir = temp_dir("latency-status-live");
    LiveProcess phantom{{"--session", dir + "state.json"}, dir + "log"};
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    const auto r =
        phantom.request("PUT", "/api/params/output/hp1/limiter/on", R"({"value": true})");
    ASSERT_EQ(r.status, 200) << r.body;
    const int lookahead = static_cast<int>(std::lround(0.0015 * 48000));  // 72
    const int through = 256 + 256;                                        // capture + playback
    char hp1[128], main[128];
    std::snprintf(hp1, sizeof hp1,
                  "  hp1     +%d frames (1.50 ms), round trip %d frames (%.2f ms)\n", lookahead,
                  through + lookahead, (through + lookahead) / 48.0);
    std::snprintf(main, sizeof main,
                  "  main    +0 frames (0.00 ms), round trip %d frames (%.2f ms)\n", through,
                  through / 48.0);
    const auto status =
        run_command(phantom_command("status --http 127.0.0.1:" + std::to_string(phantom.port())));
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("latency   capture 256 frames (5.33 ms), playback 256 frames "
                              "(5.33 ms); Phantom's own per path:\n"),
              std::string::npos)
        << status.out;
    EXPECT_NE(status.out.find("  inputs  +0 frames on 18 inputs\n"), std::string::npos)
        << status.out;
    EXPECT_NE(status.out.find(hp1), std::string::npos) << status.out;
    EXPECT_NE(status.out.find(main), std::string::npos) << status.out;
    EXPECT_EQ(phantom.stop(SIGTERM), 0);
}

// At 96 kHz (S/MUX) adat5-8 are not there: no latency is listed for them, as no meter is.
TEST(LatencyStatusLive, OnlyThePathsTheRateCarriesAreListed) {
    const std::string dir = temp_dir("latency-status-96k");
    LiveProcess phantom{{"--session", dir + "state.json"}, dir + "log"};
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    const auto r = phantom.request("PUT", "/api/rate", R"({"rate_hz": 96000})");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto status = phantom.request("GET", "/api/status");
    for (const char* gone : {"\"adat5\"", "\"adat8\"", "\"adat5-6\"", "\"adat7-8\""})
        EXPECT_EQ(status.body.find(gone), std::string::npos) << gone << " in " << status.body;
    for (const char* there : {"\"adat4\"", "\"adat1-2\"", "\"in1\""})
        EXPECT_NE(status.body.find(there), std::string::npos) << there << " in " << status.body;
    // 8 analog, adat1-4 and 2 S/PDIF.
    const auto text =
        run_command(phantom_command("status --http 127.0.0.1:" + std::to_string(phantom.port())));
    EXPECT_NE(text.out.find("  inputs  +0 frames on 14 inputs\n"), std::string::npos) << text.out;
    EXPECT_EQ(text.out.find("adat7-8"), std::string::npos) << text.out;
    EXPECT_EQ(phantom.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace phantom::test
