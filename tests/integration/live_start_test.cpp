// `phantom start` as a user runs it: a child process with its own state file, controlled over
// HTTP and by the CLI, stopped by SIGTERM or killed with SIGKILL at bad moments.
#include <gtest/gtest.h>

#include <sys/resource.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>
#include <thread>

#include "live_process.hpp"
#include "phantom/session/session.hpp"
#include "run_command.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

size_t temp_files_beside(const std::string& path) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(fs::path(path).parent_path()))
        if (e.path().filename().string().find(".partial-") != std::string::npos) ++n;
    return n;
}

json get_value(const LiveProcess& p, const std::string& path) {
    auto r = p.request("GET", "/api/params" + path);
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["value"];
}

TEST(LiveStart, PrintsItsUrlAndExitsWithinOneSecondOfSigtermHavingSaved) {
    const std::string dir = temp_dir("live-sigterm");
    const std::string state = dir + "state.json";
    LiveProcess p({"--session", state}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    EXPECT_EQ(p.request("PUT", "/api/params/monitor/dim", R"({"value": true})").status, 200);
    const auto t0 = std::chrono::steady_clock::now();
    const int status = p.stop(SIGTERM);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ASSERT_NE(status, -1) << "did not stop: " << p.log();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << p.log();
    EXPECT_LT(seconds, 1.0);
    EXPECT_EQ(session::read_session(state).params.at("/monitor/dim"), true);
}

TEST(LiveStart, RestartRestoresTheStateExactly) {
    const std::string dir = temp_dir("live-restore");
    const std::string state = dir + "state.json";
    {
        LiveProcess p({"--session", state, "--source", "in1=sine:440:-20dBu"}, dir + "log1");
        ASSERT_TRUE(p.wait_ready()) << p.log();
        ASSERT_EQ(p.request("POST", "/api/params",
                            R"({"/mix/hp1/in1/gain": -7.5, "/output/hp1/mirror": "main",
                                "/monitor/speakers": "B", "/input/in2/pad": true})")
                      .status,
                  200);
        ASSERT_EQ(p.request("POST", "/api/snapshots", R"({"name": "take1"})").status, 201);
        ASSERT_EQ(p.stop(SIGTERM), 0);
    }
    const std::string saved = slurp(state);
    LiveProcess q({"--session", state}, dir + "log2");
    ASSERT_TRUE(q.wait_ready()) << q.log();
    EXPECT_EQ(get_value(q, "/mix/hp1/in1/gain"), -7.5);
    EXPECT_EQ(get_value(q, "/output/hp1/mirror"), "main");
    EXPECT_EQ(get_value(q, "/monitor/speakers"), "B");
    EXPECT_EQ(get_value(q, "/input/in2/pad"), true);
    EXPECT_EQ(json::parse(q.request("GET", "/api/snapshots").body)["snapshots"],
              json::array({"take1"}));
    ASSERT_EQ(q.stop(SIGTERM), 0);
    EXPECT_EQ(session::session_to_json(session::read_session(state)),
              session::session_to_json(session::read_session(dir + "state.json")));
    EXPECT_EQ(slurp(state), saved);  // nothing changed, nothing rewritten differently
}

TEST(LiveStart, KillNineAfterABurstLosesNothingOlderThanASecond) {
    const std::string dir = temp_dir("live-kill-burst");
    const std::string state = dir + "state.json";
    LiveProcess p({"--session", state}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    for (int k = 0; k < 200; ++k)
        ASSERT_EQ(p.request("PUT", "/api/params/output/hp1/volume",
                            "{\"value\": " + std::to_string(-(k % 50)) + "}")
                      .status,
                  200);
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    p.stop(SIGKILL);
    const session::Session s = session::read_session(state);
    EXPECT_EQ(s.params.at("/output/hp1/volume"), -(199 % 50));
    EXPECT_EQ(temp_files_beside(state), 0u);
}

TEST(LiveStart, KillNineAtRandomMomentsAlwaysLeavesAValidStateFile) {
    const std::string dir = temp_dir("live-kill-random");
    const std::string state = dir + "state.json";
    std::mt19937 rng(7);
    for (int round = 0; round < 8; ++round) {
        LiveProcess p({"--session", state}, dir + "log");
        ASSERT_TRUE(p.wait_ready()) << p.log();
        std::atomic<bool> done{false};
        std::thread burst([&] {
            for (int k = 0; !done.load(); ++k) {
                try {
                    p.request("PUT", "/api/params/mix/main/in1/gain",
                              "{\"value\": " + std::to_string(-(k % 40)) + "}");
                } catch (const std::exception&) {
                    return;  // killed
                }
            }
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 700));
        p.stop(SIGKILL);
        done.store(true);
        burst.join();
        ASSERT_NO_THROW(session::read_session(state)) << "round " << round;
    }
    // The next start removes temp files a killed save may have left.
    LiveProcess p({"--session", state}, dir + "log-final");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    EXPECT_EQ(temp_files_beside(state), 0u);
}

TEST(LiveStart, ACorruptStateFileIsMovedAsideAndDefaultsAreUsed) {
    const std::string dir = temp_dir("live-corrupt");
    const std::string state = dir + "state.json";
    std::ofstream(state) << "{\"phantom_session\": 1, \"device\": \"studio-8x8\", \"params\": {";
    LiveProcess p({"--session", state}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    EXPECT_NE(p.log().find("moved aside"), std::string::npos) << p.log();
    size_t aside = 0;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().find("state.json.broken-") == 0) ++aside;
    EXPECT_EQ(aside, 1u);
    EXPECT_EQ(get_value(p, "/monitor/dim"), false);
    ASSERT_EQ(p.stop(SIGTERM), 0);
    EXPECT_NO_THROW(session::read_session(state));
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

size_t broken_files(const std::string& dir) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().find("state.json.broken-") == 0) ++n;
    return n;
}

TEST(LiveStart, AStateFileNested60000LevelsDeepIsMovedAsideAndTheReasonIsInTheStatus) {
    const std::string dir = temp_dir("live-deep-state");
    const std::string state = dir + "state.json";
    std::ofstream(state) << "{\"phantom_session\": 1, \"device\": \"studio-8x8\", \"params\": "
                            "{\"/monitor/volume\": "
                         << std::string(60000, '[') << std::string(60000, ']') << "}}";
    for (int start = 0; start < 2; ++start) {  // and the next start finds a good file
        LiveProcess p({"--session", state}, dir + "log" + std::to_string(start));
        ASSERT_TRUE(p.wait_ready()) << p.log();
        const json status = json::parse(p.request("GET", "/api/status").body);
        if (start == 0) {
            EXPECT_EQ(count(p.log(), "moved aside"), 1u) << p.log();  // printed once
            EXPECT_NE(status["state_notice"].get<std::string>().find("nested more than 32"),
                      std::string::npos)
                << status.dump();
        } else {
            EXPECT_EQ(status["state_notice"], "") << status.dump();
        }
        EXPECT_EQ(get_value(p, "/monitor/volume"), 0.0);
        ASSERT_EQ(p.stop(SIGTERM), 0) << p.log();
    }
    EXPECT_EQ(broken_files(dir), 1u);
}

TEST(LiveStart, AStateNamingADeviceThatDoesNotExistIsMovedAsideAndTheDefaultDeviceStarts) {
    const std::string dir = temp_dir("live-unknown-device-state");
    const std::string state = dir + "state.json";
    std::ofstream(state) << "{\"phantom_session\": 1, \"device\": \"" << std::string(10000, 'x')
                         << "\"}";
    LiveProcess p({"--session", state}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    const json status = json::parse(p.request("GET", "/api/status").body);
    EXPECT_EQ(status["device"], "studio-8x8");
    EXPECT_NE(status["state_notice"].get<std::string>().find("unknown device"), std::string::npos)
        << status.dump();
    ASSERT_EQ(p.stop(SIGTERM), 0) << p.log();
    EXPECT_EQ(broken_files(dir), 1u);
    EXPECT_EQ(session::read_session(state).device, "studio-8x8");
}

TEST(LiveStart, AFileSizeLimitIsASaveErrorInTheStatusAndSigtermStillExitsZero) {
    const std::string dir = temp_dir("live-ulimit-f");
    const std::string state = dir + "state.json";
    // ulimit -f for the child only: above the log and the first (default) state file, below
    // the state file once many crosspoints are changed.
    constexpr rlim_t kLimitBytes = 4096;
    rlimit saved{};
    getrlimit(RLIMIT_FSIZE, &saved);
    rlimit limited{kLimitBytes, saved.rlim_max};
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
    LiveProcess p({"--session", state}, dir + "log");
    setrlimit(RLIMIT_FSIZE, &saved);
    ASSERT_TRUE(p.wait_ready()) << p.log();
    // Wait for the first save (the default state), then keep its text.
    for (int k = 0; k < 200 && !fs::exists(state); ++k)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    const std::string before = slurp(state);
    ASSERT_LT(before.size(), kLimitBytes);
    json batch = json::object();
    for (const char* bus : {"main", "line3", "line4", "line5", "line6", "hp1", "hp2"})
        for (const char* source : {"in", "adat", "pb"})
            for (int i = 1; i <= 8; ++i)
                batch[fmt::format("/mix/{}/{}{}/gain", bus, source, i)] = -12.5;
    ASSERT_EQ(p.request("POST", "/api/params", batch.dump()).status, 200);
    std::string error;
    for (int k = 0; k < 300 && error.empty(); ++k) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        error = json::parse(p.request("GET", "/api/status").body)["save_error"].get<std::string>();
    }
    EXPECT_NE(error.find("File too large"), std::string::npos) << error;
    const auto status =
        run_command(phantom_command("status --http 127.0.0.1:" + std::to_string(p.port())));
    EXPECT_NE(status.out.find("SAVE FAILED"), std::string::npos) << status.out;
    EXPECT_EQ(slurp(state), before);  // the old state file is intact
    const int exit_status = p.stop(SIGTERM);
    ASSERT_TRUE(WIFEXITED(exit_status)) << "killed: " << p.log();  // not by SIGXFSZ
    EXPECT_EQ(WEXITSTATUS(exit_status), 0) << p.log();
    EXPECT_NE(p.log().find("the last changes could not be saved"), std::string::npos) << p.log();
    EXPECT_EQ(slurp(state), before);
    EXPECT_EQ(temp_files_beside(state), 0u);
}

TEST(LiveStart, AStateOfAnotherDeviceIsRefusedAndLeftAlone) {
    const std::string dir = temp_dir("live-other-device");
    const std::string state = dir + "state.json";
    const std::string text = "{\"phantom_session\": 1, \"device\": \"desktop-2x2\"}\n";
    std::ofstream(state) << text;
    auto r =
        run_command(phantom_command("start --quiet --http 127.0.0.1:0 --device studio-8x8 "
                                    "--session " +
                                    state));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("desktop-2x2"), std::string::npos) << r.err;
    EXPECT_EQ(slurp(state), text);
}

float peak_between(const std::vector<float>& x, size_t from, size_t to) {
    float m = 0;
    for (size_t k = from; k < std::min(to, x.size()); ++k)
        m = std::max(m, std::fabs(x[k]));
    return m;
}

TEST(LiveStart, OutputsAreSilentForTheFirstBlockThenRampToTheRestoredVolume) {
    const std::string dir = temp_dir("live-power-on");
    const std::string state = dir + "state.json";
    {
        LiveProcess p({"--session", state}, dir + "log1");
        ASSERT_TRUE(p.wait_ready()) << p.log();
        ASSERT_EQ(p.request("POST", "/api/params",
                            R"({"/mix/hp1/in1/gain": 0, "/output/hp1/volume": -6})")
                      .status,
                  200);
        ASSERT_EQ(p.stop(SIGTERM), 0);
    }
    // Started again with the state restored: what comes out of the phones from the first block.
    const std::string wav = dir + "hp1.wav";
    LiveProcess q({"--session", state, "--frames", "256", "--source", "in1=sine:1k:-20dBu",
                   "--record", "hp1=" + wav},
                  dir + "log2");
    ASSERT_TRUE(q.wait_ready()) << q.log();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ASSERT_EQ(q.stop(SIGTERM), 0) << q.log();
    const auto out = read_wav(wav).channels.at(0);
    ASSERT_GT(out.size(), 48000u);
    for (size_t k = 0; k < 256; ++k)
        ASSERT_EQ(out[k], 0.0f) << "sample " << k << " of the first block";
    const float restored = peak_between(out, 40000, 48000);  // 0.83 s on: ramp done
    ASSERT_GT(restored, 1e-3f);
    // At 450 ms still below the restored level (a ramp of at least 500 ms), rising throughout.
    const size_t ms = 48;
    float previous = 0;
    for (size_t t_ms = 50; t_ms <= 450; t_ms += 50) {
        const float level = peak_between(out, 256 + (t_ms - 10) * ms, 256 + t_ms * ms);
        EXPECT_GT(level, previous) << "at " << t_ms << " ms";
        previous = level;
    }
    EXPECT_LT(previous, 0.95f * restored);
    EXPECT_LE(peak_between(out, 0, out.size()), restored * 1.0001f);
}

TEST(LiveStart, BadOptionsAreRefusedClearly) {
    auto frames = run_command(phantom_command("start --quiet --frames 3 --session /tmp/x.json"));
    EXPECT_EQ(frames.exit_code, 2);
    EXPECT_NE(frames.err.find("--frames 3"), std::string::npos) << frames.err;
    auto http = run_command(phantom_command("start --quiet --http nowhere"));
    EXPECT_EQ(http.exit_code, 2);
    EXPECT_NE(http.err.find("HOST:PORT"), std::string::npos) << http.err;
}

TEST(LiveCli, GetSetListStatusSnapshotAndMetersTalkToTheRunningInstance) {
    const std::string dir = temp_dir("live-cli");
    LiveProcess p({"--session", dir + "state.json", "--source", "in1=sine:1k:-10dBu"}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    const std::string at = " --http 127.0.0.1:" + std::to_string(p.port());
    auto set = run_command(phantom_command("set /mix/main/in1/gain -6 /monitor/dim on" + at));
    EXPECT_EQ(set.exit_code, 0) << set.err;
    EXPECT_EQ(get_value(p, "/mix/main/in1/gain"), -6.0);
    EXPECT_EQ(get_value(p, "/monitor/dim"), true);
    auto get = run_command(phantom_command("get /mix/main/in1/gain" + at));
    EXPECT_EQ(get.exit_code, 0);
    EXPECT_NE(get.out.find("-6.0 dB"), std::string::npos) << get.out;
    auto list = run_command(phantom_command("list /monitor" + at));
    EXPECT_NE(list.out.find("/monitor/dim"), std::string::npos) << list.out;
    auto bad = run_command(phantom_command("set /mix/main/in1/gain 99" + at));
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("/mix/main/in1/gain"), std::string::npos) << bad.err;
    auto save = run_command(phantom_command("snapshot save mix-a" + at));
    EXPECT_EQ(save.exit_code, 0) << save.err;
    auto names = run_command(phantom_command("snapshot list" + at));
    EXPECT_EQ(names.out, "mix-a\n");
    auto rename = run_command(phantom_command("snapshot rename mix-a mix-b" + at));
    EXPECT_EQ(rename.out, "renamed mix-a to mix-b\n") << rename.err;
    auto recall = run_command(phantom_command("snapshot recall mix-b" + at));
    EXPECT_EQ(recall.exit_code, 0) << recall.err;
    run_command(phantom_command("set /output/hp1/volume -40" + at));
    auto rise = run_command(phantom_command("set /output/hp1/volume 0" + at));
    EXPECT_NE(rise.out.find("/output/hp1/volume rises to 0 over 1 s"), std::string::npos)
        << rise.out;
    auto status = run_command(phantom_command("status" + at));
    EXPECT_NE(status.out.find("virtual (running)"), std::string::npos) << status.out;
    auto meters = run_command(phantom_command("meters --once" + at));
    EXPECT_NE(meters.out.find("in1"), std::string::npos) << meters.out;
    EXPECT_NE(meters.out.find("main.L"), std::string::npos) << meters.out;
}

TEST(LiveCli, SaysSoWhenNoPhantomIsRunning) {
    auto r = run_command(phantom_command("status --http 127.0.0.1:1"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no Phantom answers at 127.0.0.1:1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace phantom::test
