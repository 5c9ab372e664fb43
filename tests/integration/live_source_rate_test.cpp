// `phantom start` playing a file at another rate than the device's for a minute: converted as it
// streams on the I/O thread, it never runs dry. Xruns are the host scheduler's and are printed,
// not asserted (docs/benchmarks.md compares them with a peer).
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "live_process.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::test {
namespace {

using nlohmann::json;

TEST(LiveSourceRate, AFileAt441kHzPlaysLiveAt48kHzForAMinuteWithoutStarving) {
    const std::string dir = temp_dir("live-source-rate");
    // 2.5 s: longer than the 1 s ring, so the I/O thread converts as it plays, and it loops
    // (live sources do) within the run.
    const std::string path = wav_file(dir, "file44k", noise(110250, 41, 0.1f), 44100);
    LiveProcess p({"--session", dir + "state.json", "--source", "in1=" + path}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    constexpr int kSeconds = 60;
    std::this_thread::sleep_for(std::chrono::seconds(kSeconds));
    const auto r = p.request("GET", "/api/status");
    ASSERT_EQ(r.status, 200) << r.body;
    const json s = json::parse(r.body);
    EXPECT_EQ(s["rate_hz"], 48000.0);
    EXPECT_EQ(s["source_starved_frames"], 0) << r.body;
    std::printf("after %d s: source_starved_frames %s, xruns %s, dsp load %s %%\n", kSeconds,
                s["source_starved_frames"].dump().c_str(), s["xruns"].dump().c_str(),
                s["dsp_load_percent"].dump().c_str());
    EXPECT_EQ(p.stop(SIGTERM), 0) << p.log();
}

}  // namespace
}  // namespace phantom::test
