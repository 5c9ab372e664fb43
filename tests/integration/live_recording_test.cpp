// Recording while running: `phantom start --record` with the taps of `render`, recordings
// started and stopped through the API and the CLI, files under a temp name until stopped, and
// every recording finished on SIGTERM. A real `phantom start`; the files read with libsndfile.
// Expected levels by hand: a −20 dBFS sine peaks at 0.1; in1 in main's mix at 0 dB, centred,
// is 0.1 × cos(π/4) = 0.0707 each side (constant-power pan).
#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "live_process.hpp"
#include "run_command.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

float peak(const std::vector<float>& x) {
    float p = 0;
    for (float v : x)
        p = std::max(p, std::fabs(v));
    return p;
}

bool has_partial(const std::string& dir, const std::string& stem) {
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().find("." + stem + ".partial") == 0) return true;
    return false;
}

size_t wav_files(const std::string& dir) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir))
        n += e.path().extension() == ".wav" ? 1 : 0;
    return n;
}

TEST(LiveRecording, AnyTapStartedAndStoppedWhileRunningAndAllFinishedOnSigterm) {
    const std::string dir = temp_dir("live-recording");
    fs::remove_all(dir + "takes");
    fs::create_directories(dir + "takes");
    const std::string t = dir + "takes/";
    fs::remove(dir + "state.json");
    LiveProcess phantom{{"--session", dir + "state.json", "--source", "in1=sine:1k:-20dBFS",
                         "--record", "in1=" + t + "in1.wav", "--record", "capture=" + t + "cap/"},
                        dir + "log"};
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    ASSERT_EQ(phantom.request("PUT", "/api/params/mix/main/in1/gain", R"({"value": 0})").status,
              200);
    // The outputs rise over the power-on ramp (0.6 s) after start: record main once they are up.
    std::this_thread::sleep_for(900ms);
    auto started = phantom.request("POST", "/api/recordings",
                                   json({{"record", {"main=" + t + "main.wav"}}}).dump());
    ASSERT_EQ(started.status, 200) << started.body;
    const auto id = json::parse(started.body)["recordings"][0]["id"].get<std::uint64_t>();
    std::this_thread::sleep_for(400ms);
    // Under a temp name while it runs.
    EXPECT_FALSE(fs::exists(t + "main.wav"));
    EXPECT_TRUE(has_partial(t, "main"));
    const json listed = json::parse(phantom.request("GET", "/api/recordings").body);
    EXPECT_EQ(listed["recordings"].size(), 1u + 1 + 18 + 2);  // in1, main, capture (+ loopback)

    auto stopped = phantom.request("DELETE", "/api/recordings/" + std::to_string(id));
    ASSERT_EQ(stopped.status, 200) << stopped.body;
    EXPECT_EQ(json::parse(stopped.body)["stopped"]["path"], t + "main.wav");
    ASSERT_TRUE(fs::exists(t + "main.wav"));
    EXPECT_FALSE(has_partial(t, "main"));
    const Wav main = read_wav(t + "main.wav");
    ASSERT_EQ(main.channels.size(), 2u);
    EXPECT_GT(main.channels[0].size(), 48000u / 10);  // 400 ms and more, less the ramps
    EXPECT_NEAR(peak(main.channels[0]), 0.1f * std::cos(M_PI / 4), 1e-4);
    EXPECT_NEAR(peak(main.channels[1]), 0.1f * std::cos(M_PI / 4), 1e-4);
    EXPECT_EQ(phantom.request("DELETE", "/api/recordings/" + std::to_string(id)).status, 404);

    // Refused with the reason, nothing started.
    const auto bad = phantom.request("POST", "/api/recordings",
                                     json({{"record", {"nothing=" + t + "x.wav"}}}).dump());
    EXPECT_EQ(bad.status, 422) << bad.body;
    EXPECT_EQ(json::parse(phantom.request("GET", "/api/recordings").body)["recordings"].size(),
              1u + 18 + 2);

    // SIGTERM: every recording still running is finished and in place.
    EXPECT_EQ(phantom.stop(SIGTERM), 0) << phantom.log();
    ASSERT_TRUE(fs::exists(t + "in1.wav"));
    EXPECT_NEAR(peak(read_wav(t + "in1.wav").channels[0]), 0.1f, 1e-4);
    EXPECT_EQ(wav_files(t + "cap"), 18u + 2);
    EXPECT_NEAR(peak(read_wav(t + "cap/in1.wav").channels[0]), 0.1f, 1e-4);
    for (const auto& e : fs::directory_iterator(t))
        EXPECT_EQ(e.path().filename().string().find(".partial"), std::string::npos) << e.path();
}

TEST(LiveRecording, TheCliStartsListsAndStopsAndAt96kRefusesAdat7) {
    const std::string dir = temp_dir("live-recording-cli");
    fs::remove_all(dir + "takes");
    fs::create_directories(dir + "takes");
    fs::remove(dir + "state.json");
    LiveProcess phantom{
        {"--rate", "96000", "--session", dir + "state.json", "--source", "adat4=sine:1k:-20dBFS"},
        dir + "log"};
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    const std::string http = "--http 127.0.0.1:" + std::to_string(phantom.port()) + " ";
    auto r =
        run_command(phantom_command("record start " + http + "adat4=" + dir + "takes/adat4.wav"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("adat4"), std::string::npos) << r.out;
    r = run_command(phantom_command("record list " + http + "--json"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json list = json::parse(r.out);
    ASSERT_EQ(list["recordings"].size(), 1u);
    const auto id = list["recordings"][0]["id"].get<std::uint64_t>();
    r = run_command(phantom_command("record start " + http + "adat7=" + dir + "takes/adat7.wav"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("adat7 does not exist at 96000 Hz"), std::string::npos) << r.err;
    std::this_thread::sleep_for(200ms);
    r = run_command(phantom_command("record stop " + http + std::to_string(id)));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const Wav w = read_wav(dir + "takes/adat4.wav");
    EXPECT_EQ(w.rate, 96000);
    EXPECT_NEAR(peak(w.channels[0]), 0.1f, 1e-4);
    r = run_command(phantom_command("record stop " + http + std::to_string(id)));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(phantom.stop(SIGTERM), 0);
}

TEST(LiveRecording, StartRefusesARecordingTheRateDoesNotCarry) {
    const std::string dir = temp_dir("live-recording-refused");
    fs::remove(dir + "state.json");
    LiveProcess phantom{
        {"--rate", "96000", "--session", dir + "state.json", "--record", "adat7=" + dir + "x.wav"},
        dir + "log"};
    EXPECT_FALSE(phantom.wait_ready());
    EXPECT_TRUE(phantom.exited());
    EXPECT_EQ(WEXITSTATUS(phantom.exit_status()), 2) << phantom.log();
    EXPECT_NE(phantom.log().find("adat7 does not exist at 96000 Hz"), std::string::npos)
        << phantom.log();
}

}  // namespace
}  // namespace phantom::test
