// `phantom start` as a user runs it: a child process with its own state file, controlled over
// HTTP and by the CLI, stopped by SIGTERM or killed with SIGKILL at bad moments.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

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

// A panel that stopped reading (a laptop lid closed) holds a WebSocket whose send buffer is
// full; a recording and a file source are open. None of them may hold up a requested stop.
TEST(LiveStart, SigtermWithAStalledPanelARecordingAndAFileSourceStillExitsWithinOneSecond) {
    const std::string dir = temp_dir("live-sigterm-busy");
    std::vector<float> tone(48000 * 5);
    for (size_t i = 0; i < tone.size(); ++i)
        tone[i] = 0.5f * static_cast<float>(
                             std::sin(2.0 * M_PI * 440.0 * static_cast<double>(i) / 48000.0));
    test::write_wav(dir + "tone.wav", {tone}, 48000);
    LiveProcess p({"--session", dir + "state.json", "--source", "in5=" + dir + "tone.wav",
                   "--record", "main=" + dir + "main.wav"},
                  dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    const int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(p.port()));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
    const std::string upgrade = fmt::format(
        "GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: Upgrade\r\nUpgrade: "
        "websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
        "dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
        p.port());
    ASSERT_EQ(::send(fd, upgrade.data(), upgrade.size(), 0), static_cast<ssize_t>(upgrade.size()));
    std::this_thread::sleep_for(std::chrono::seconds(2));  // meters fill what it does not read
    const auto t0 = std::chrono::steady_clock::now();
    const int status = p.stop(SIGTERM);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    ::close(fd);
    ASSERT_NE(status, -1) << "did not stop: " << p.log();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << p.log();
    EXPECT_LT(seconds, 1.0);
    const auto recorded = test::read_wav(dir + "main.wav");  // finished, header and all
    ASSERT_EQ(recorded.channels.size(), 2u);
    EXPECT_GT(recorded.channels[0].size(), 48000u);
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

TEST(LiveStart, ASecondInstanceOnTheSameStateFileRefusesNamingTheFirstsPid) {
    const std::string dir = temp_dir("live-lock");
    const std::string state = dir + "state.json";
    LiveProcess first({"--session", state}, dir + "log1");
    ASSERT_TRUE(first.wait_ready()) << first.log();
    ASSERT_EQ(first.request("PUT", "/api/params/monitor/dim", R"({"value": true})").status, 200);
    ASSERT_EQ(first.request("POST", "/api/snapshots", R"({"name": "take 1"})").status, 201);
    for (int k = 0; k < 500 && slurp(state).find("take 1") == std::string::npos; ++k)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the saver's debounce
    ASSERT_NE(slurp(state).find("take 1"), std::string::npos);
    const std::string saved = slurp(state);

    auto second =
        run_command(phantom_command("start --quiet --http 127.0.0.1:0 --osc off "
                                    "--session " +
                                    state));
    EXPECT_EQ(second.exit_code, 2) << second.err;
    EXPECT_NE(second.err.find(state + " is in use by another Phantom (PID " +
                              std::to_string(first.pid()) + ")"),
              std::string::npos)
        << second.err;
    EXPECT_EQ(slurp(state), saved);  // the second neither read-and-rewrote nor set it aside

    // The first is untouched and still saves; once it has stopped, the file is free.
    ASSERT_EQ(first.request("PUT", "/api/params/monitor/mono", R"({"value": true})").status, 200);
    ASSERT_EQ(first.stop(SIGTERM), 0);
    EXPECT_EQ(session::read_session(state).params.at("/monitor/mono"), true);
    LiveProcess third({"--session", state}, dir + "log3");
    ASSERT_TRUE(third.wait_ready()) << third.log();
    EXPECT_EQ(get_value(third, "/monitor/dim"), true);
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

// CLI11 took "-inf" after a path for an option it did not know, so `phantom set PATH -inf`
// failed unless the user wrote `--` first (an outside attack found it). The word after a path
// is its value, whatever it looks like; options before, between and after the pairs still work.
TEST(LiveCli, NegativeValuesAfterAPathAreValuesAndOptionsStayOptions) {
    const std::string dir = temp_dir("live-cli-negative");
    LiveProcess p({"--session", dir + "state.json"}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    const std::string http = "--http 127.0.0.1:" + std::to_string(p.port());
    ASSERT_EQ(run_command(phantom_command("set /mix/main/in1/gain 0 /mix/main/in2/gain 0 " + http))
                  .exit_code,
              0);
    auto set = run_command(phantom_command("set " + http +
                                           " /mix/main/in1/gain -inf /mix/main/in2/gain -12.5 "
                                           "/input/in1/trim -.5 /input/in2/trim -6 --json"));
    EXPECT_EQ(set.exit_code, 0) << set.err;
    EXPECT_EQ(get_value(p, "/mix/main/in1/gain"), "-inf");
    EXPECT_EQ(get_value(p, "/mix/main/in2/gain"), -12.5);
    EXPECT_EQ(get_value(p, "/input/in1/trim"), -0.5);
    EXPECT_EQ(get_value(p, "/input/in2/trim"), -6.0);
    EXPECT_TRUE(json::parse(set.out, nullptr, false).contains("changed")) << set.out;  // --json
    auto upper = run_command(phantom_command("set /mix/main/in2/gain -INF " + http));
    EXPECT_EQ(upper.exit_code, 0) << upper.err;
    EXPECT_EQ(get_value(p, "/mix/main/in2/gain"), "-inf");
    // A word in a value's place that the parameter cannot take is the server's to refuse.
    auto word = run_command(phantom_command("set /monitor/dim -loud " + http));
    EXPECT_EQ(word.exit_code, 2);
    EXPECT_NE(word.err.find("/monitor/dim: '-loud' is not a valid value"), std::string::npos)
        << word.err;
    // `--` still works, an unknown option in an option's place is still refused, -h is help.
    EXPECT_EQ(run_command(phantom_command("set " + http + " -- /input/in1/trim -1")).exit_code, 0);
    EXPECT_EQ(get_value(p, "/input/in1/trim"), -1.0);
    auto bogus = run_command(phantom_command("set --bogus /input/in1/trim 1 " + http));
    EXPECT_EQ(bogus.exit_code, 2);
    EXPECT_NE(bogus.err.find("--bogus"), std::string::npos) << bogus.err;
    auto help = run_command(phantom_command("set -h"));
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("PATH_VALUE"), std::string::npos) << help.out;
}

// The line of `meters --once` for one channel: "adat1      ####… -6.0 dBFS  hold -6.0 …".
std::string meter_row(const std::string& table, const std::string& id) {
    std::istringstream in(table);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(id + " ", 0) == 0) return line;
    return {};
}

double shown_peak_dbfs(const std::string& row) {
    const size_t at = row.find(" dBFS");
    if (at == std::string::npos) return NAN;
    const size_t from = row.rfind(' ', at - 1);
    const std::string number = row.substr(from + 1, at - from - 1);
    return number == "-inf" ? -INFINITY : std::stod(number);
}

TEST(LiveCli, MetersCatchATransientThatNoSingleReadingHolds) {
    // One sample at -6 dBFS a second into a digital input (no analog stage to shape it): a
    // block peak present in one reading of two hundred. --once must show it at its level.
    const std::string dir = temp_dir("live-cli-meters");
    LiveProcess p({"--session", dir + "state.json", "--source", "adat1=impulse:-6dBFS"},
                  dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    const std::string at = " --http 127.0.0.1:" + std::to_string(p.port());
    const double expected_dbfs = -6.0;  // a digital input passes the sample as it is
    ASSERT_EQ(run_command(phantom_command("set /name/in2 'Snare top'" + at)).exit_code, 0);
    auto once = run_command(phantom_command("meters --once" + at));
    ASSERT_EQ(once.exit_code, 0) << once.err;
    EXPECT_NEAR(shown_peak_dbfs(meter_row(once.out, "adat1")), expected_dbfs, 0.05) << once.out;
    // Every channel has its row, silent ones too, in the same order every time.
    EXPECT_EQ(shown_peak_dbfs(meter_row(once.out, "in2")), -INFINITY) << once.out;
    EXPECT_NE(meter_row(once.out, "in2").find("Snare top"), std::string::npos) << once.out;
    EXPECT_FALSE(meter_row(once.out, "main.L").empty()) << once.out;

    // Piped: one line per reading, no screen control, each line every channel.
    auto plain = run_command(phantom_command("meters --duration 1.5" + at));
    ASSERT_EQ(plain.exit_code, 0) << plain.err;
    EXPECT_EQ(plain.out.find('\033'), std::string::npos);
    std::istringstream lines(plain.out);
    int count = 0, with_click = 0;
    for (std::string line; std::getline(lines, line); ++count) {
        EXPECT_NE(line.find(" in2=-inf"), std::string::npos) << line;
        EXPECT_NE(line.find(" main.R="), std::string::npos) << line;
        if (line.find(" adat1=-6.0") != std::string::npos) ++with_click;
    }
    EXPECT_GE(count, 5) << plain.out;
    EXPECT_GE(with_click, 1) << plain.out;  // held and falling back, never missed
}

TEST(LiveCli, GetRoundsToTheDisplayPrecisionAndJsonGivesTheExactValue) {
    const std::string dir = temp_dir("live-cli-round");
    LiveProcess p({"--session", dir + "state.json"}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    const std::string at = " --http 127.0.0.1:" + std::to_string(p.port());
    ASSERT_EQ(run_command(phantom_command("set /mix/main/in1/gain -11.772152608354139 "
                                          "/mix/main/in1/pan -0.254 /output/hp1/volume -0.04" +
                                          at))
                  .exit_code,
              0);
    auto gain = run_command(phantom_command("get /mix/main/in1/gain" + at));
    EXPECT_EQ(gain.out, "/mix/main/in1/gain  -11.8 dB\n");
    auto pan = run_command(phantom_command("get /mix/main/in1/pan" + at));
    EXPECT_EQ(pan.out, "/mix/main/in1/pan  -0.25\n");
    auto volume = run_command(phantom_command("get /output/hp1/volume" + at));
    EXPECT_EQ(volume.out, "/output/hp1/volume  0.0 dB\n");  // no "-0.0"
    auto exact = run_command(phantom_command("get /mix/main/in1/gain --json" + at));
    EXPECT_EQ(json::parse(exact.out)["value"].get<double>(), -11.772152608354139);
}

TEST(LiveCli, ListWithoutAPrefixSummarisesBySectionAndAPrefixListsValues) {
    const std::string dir = temp_dir("live-cli-list");
    LiveProcess p({"--session", dir + "state.json"}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    const std::string at = " --http 127.0.0.1:" + std::to_string(p.port());
    const size_t total = json::parse(p.request("GET", "/api/params").body).size();
    auto summary = run_command(phantom_command("list" + at));
    ASSERT_EQ(summary.exit_code, 0) << summary.err;
    const auto lines = std::count(summary.out.begin(), summary.out.end(), '\n');
    EXPECT_LE(lines, 12) << summary.out;
    EXPECT_NE(summary.out.find("/mix "), std::string::npos) << summary.out;
    EXPECT_NE(summary.out.find("/monitor "), std::string::npos) << summary.out;
    EXPECT_NE(summary.out.find(std::to_string(total) + " parameters"), std::string::npos)
        << summary.out;
    auto all = run_command(phantom_command("list --all" + at));
    EXPECT_EQ(static_cast<size_t>(std::count(all.out.begin(), all.out.end(), '\n')), total);
    auto monitor = run_command(phantom_command("list /monitor" + at));
    EXPECT_NE(monitor.out.find("/monitor/volume"), std::string::npos) << monitor.out;
}

TEST(LiveCli, TheAddressAndTokenComeFromTheEnvironment) {
    const std::string dir = temp_dir("live-cli-env");
    LiveProcess p({"--session", dir + "state.json"}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    const std::string env = "PHANTOM_HTTP=127.0.0.1:" + std::to_string(p.port()) + " ";
    auto status = run_command(env + phantom_command("status"));
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("virtual (running)"), std::string::npos) << status.out;
    // An explicit --http wins over the environment.
    auto elsewhere = run_command(env + phantom_command("status --http 127.0.0.1:1"));
    EXPECT_EQ(elsewhere.exit_code, 1);
    EXPECT_NE(elsewhere.err.find("127.0.0.1:1"), std::string::npos) << elsewhere.err;
}

TEST(LiveCli, SnapshotNamesWithSpacesAndPunctuationWorkAndRefusalsSayTheForm) {
    const std::string dir = temp_dir("live-cli-snap-names");
    LiveProcess p({"--session", dir + "state.json"}, dir + "log");
    ASSERT_TRUE(p.wait_ready()) << p.log();
    const std::string at = " --http 127.0.0.1:" + std::to_string(p.port());
    const std::string name = "Verse 2/loud: vox & gtr (100%)";
    auto save = run_command(phantom_command("snapshot save '" + name + "'" + at));
    EXPECT_EQ(save.exit_code, 0) << save.err;
    EXPECT_EQ(run_command(phantom_command("snapshot list" + at)).out, name + "\n");
    auto recall =
        run_command(phantom_command("snapshot recall 'verse 2/LOUD: vox & gtr (100%)'" + at));
    EXPECT_EQ(recall.exit_code, 0) << recall.err;
    auto rename = run_command(phantom_command("snapshot rename '" + name + "' 'Chorus #1'" + at));
    EXPECT_EQ(rename.exit_code, 0) << rename.err;
    auto bad = run_command(phantom_command("snapshot save ' padded'" + at));
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("is not a snapshot name"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("allowed: 1 to 64 printable characters"), std::string::npos) << bad.err;
    auto gone = run_command(phantom_command("snapshot delete 'chorus #1'" + at));
    EXPECT_EQ(gone.exit_code, 0) << gone.err;
    EXPECT_EQ(run_command(phantom_command("snapshot list" + at)).out, "");
}

TEST(LiveCli, SaysSoWhenNoPhantomIsRunning) {
    auto r = run_command(phantom_command("status --http 127.0.0.1:1"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("no Phantom answers at 127.0.0.1:1"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace phantom::test
