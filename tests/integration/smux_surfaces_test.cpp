// S/MUX on every surface: the render's taps and sources, the live HTTP parameter list and
// spec sheet, and the ports on a real JACK server (dummy driver) as its rate changes. Counts
// are the standard's (ADAT 8 / 4 / 2 channels) added up by hand for studio-8x8.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <jack/jack.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "jack_server.hpp"
#include "jack_test_lock.hpp"
#include "live_process.hpp"
#include "run_command.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

size_t files_in(const std::string& dir) {
    size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir))
        n += e.is_regular_file() ? 1 : 0;
    return n;
}

TEST(SmuxRender, AnAdat7SourceAt96kIsRefusedWithTheReason) {
    const auto r = run_command(phantom_command(
        "render --rate 96000 --duration 10ms --source adat7=sine:1k:-20dBFS --quiet"));
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("adat7 does not exist at 96000 Hz: ADAT carries 4 channels at "
                         "88.2/96 kHz (S/MUX)"),
              std::string::npos)
        << r.err;
    const auto ok = run_command(phantom_command(
        "render --rate 96000 --duration 10ms --source adat4=sine:1k:-20dBFS --quiet"));
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    const auto set = run_command(
        phantom_command("render --rate 192000 --duration 10ms --set /input/adat3/trim=1 --quiet"));
    EXPECT_EQ(set.exit_code, 2);
    EXPECT_NE(set.err.find("adat3 does not exist at 192000 Hz"), std::string::npos) << set.err;
}

TEST(SmuxRender, TheFolderTapsWriteOneFilePerChannelTheRateCarries) {
    struct Case {
        int rate;
        size_t capture, outputs;  // capture: 8 + adat + 2 spdif; outputs: 8 analog + pairs + 1
    };
    for (const Case c :
         {Case{48000, 18, 8 + 4 + 1}, Case{96000, 14, 8 + 2 + 1}, Case{192000, 12, 8 + 1 + 1}}) {
        SCOPED_TRACE(c.rate);
        const std::string dir = temp_dir("smux-taps-" + std::to_string(c.rate));
        fs::remove_all(dir + "cap");
        fs::remove_all(dir + "out");
        const auto r = run_command(phantom_command(
            fmt::format("render --rate {} --duration 10ms --record capture={}cap/ outputs={}out/ "
                        "--quiet",
                        c.rate, dir, dir)));
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(files_in(dir + "cap"), c.capture + 2);  // and loopback.L, loopback.R
        EXPECT_EQ(files_in(dir + "out"), c.outputs);
        EXPECT_EQ(fs::exists(dir + "cap/adat5.wav"), c.rate == 48000);
        const auto refused = run_command(phantom_command(fmt::format(
            "render --rate {} --duration 10ms --record adat7-8={}x.wav --quiet", c.rate, dir)));
        EXPECT_EQ(refused.exit_code, c.rate == 48000 ? 0 : 2) << refused.err;
    }
}

TEST(SmuxLive, TheHttpParameterListAndSpecSheetAt96k) {
    const std::string dir = temp_dir("smux-live");
    fs::remove(dir + "state.json");
    LiveProcess phantom{{"--rate", "96000", "--session", dir + "state.json"}, dir + "log"};
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    const json params = json::parse(phantom.request("GET", "/api/params").body);
    std::set<std::string> adat_inputs;
    for (const auto& p : params) {
        const std::string path = p["path"];
        if (path.starts_with("/input/adat")) adat_inputs.insert(path.substr(7, 5));
        EXPECT_EQ(path.find("adat7"), std::string::npos) << path;
    }
    EXPECT_EQ(adat_inputs, (std::set<std::string>{"adat1", "adat2", "adat3", "adat4"}));
    const auto put = phantom.request("PUT", "/api/params/input/adat7/trim", R"({"value": 3})");
    EXPECT_EQ(put.status, 409) << put.body;
    EXPECT_NE(put.body.find("S/MUX"), std::string::npos) << put.body;
    const json device = json::parse(phantom.request("GET", "/api/device").body);
    EXPECT_EQ(device["capture_channels"].size(), 14u + 2);
    EXPECT_EQ(device["channel_counts"]["96000"]["capture"], 14);
    EXPECT_EQ(device["channel_counts"]["96000"]["playback"], 16);
    EXPECT_EQ(device["channel_counts"]["48000"]["playback"], 20);
    const json meters = json::parse(phantom.request("GET", "/api/meters").body);
    EXPECT_EQ(meters["outputs"].size(), 18u);
    EXPECT_NE(phantom.stop(SIGTERM), -1);
}

TEST(SmuxLive, TheVirtualHardwareChangesRateOnRequestAndKeepsTheState) {
    const std::string dir = temp_dir("smux-live-rate");
    fs::remove(dir + "state.json");
    LiveProcess phantom{{"--session", dir + "state.json"}, dir + "log"};
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    ASSERT_EQ(phantom.request("PUT", "/api/params/input/adat7/trim", R"({"value": 5})").status,
              200);
    ASSERT_EQ(phantom.request("PUT", "/api/params/input/adat2/trim", R"({"value": -2})").status,
              200);
    const std::string http = "--http 127.0.0.1:" + std::to_string(phantom.port()) + " ";
    auto r = run_command(phantom_command("rate " + http + "96000"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json s = json::parse(phantom.request("GET", "/api/status").body);
    EXPECT_EQ(s["rate_hz"], 96000.0);
    EXPECT_EQ(phantom.request("GET", "/api/params/input/adat7/trim").status, 409);
    EXPECT_EQ(json::parse(phantom.request("GET", "/api/params/input/adat2/trim").body)["value"],
              -2.0);
    EXPECT_EQ(json::parse(phantom.request("GET", "/api/device").body)["capture_channels"].size(),
              14u + 2);
    r = run_command(phantom_command("rate " + http + "22050"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("does not run at 22050 Hz"), std::string::npos) << r.err;
    ASSERT_EQ(phantom.request("PUT", "/api/rate", R"({"rate_hz": 48000})").status, 200);
    const auto back = phantom.request("GET", "/api/params/input/adat7/trim");
    ASSERT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(json::parse(back.body)["value"], 5.0);
    EXPECT_EQ(phantom.stop(SIGTERM), 0);
}

size_t phantom_ports(jack_client_t* c) {
    const char** ports = jack_get_ports(c, "^phantom:", JACK_DEFAULT_AUDIO_TYPE, 0);
    size_t n = 0;
    while (ports && ports[n])
        ++n;
    if (ports) jack_free(ports);
    return n;
}

bool has_port(jack_client_t* c, const char* name) {
    return jack_port_by_name(c, name) != nullptr;
}

TEST(SmuxJack, PortsFollowTheServersRateAndTheStateComesBack) {
    JackTestLock lock;
    JackServer server{"phantom-test"};
    const std::string dir = temp_dir("smux-jack");
    fs::remove(dir + "state.json");
    LiveProcess phantom{
        {"--backend", "jack", "--jack-server", server.name(), "--session", dir + "state.json"},
        dir + "log"};
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    ASSERT_EQ(phantom.request("PUT", "/api/params/input/adat7/trim", R"({"value": 5})").status,
              200);
    // The sound card owns the clock on JACK: the control is refused as the preamp's is.
    const auto clock = phantom.request("PUT", "/api/params/clock/source", R"({"value": "adat"})");
    EXPECT_EQ(clock.status, 409) << clock.body;
    EXPECT_NE(clock.body.find("on JACK the sound card owns the sample clock"), std::string::npos)
        << clock.body;
    EXPECT_EQ(json::parse(phantom.request("GET", "/api/status").body)["clock"]["state"], "host");
    // The server sets the rate on JACK.
    EXPECT_EQ(phantom.request("PUT", "/api/rate", R"({"rate_hz": 96000})").status, 409);
    // 48 kHz: hw_in 18 (in1-8, adat1-8, spdif1-2), hw_out 22, capture 18 + 2, playback 20.
    auto observe = [&] {
        jack_client_t* c = open_client("observer", server.name());
        EXPECT_NE(c, nullptr);
        return c;
    };
    jack_client_t* observer = observe();
    ASSERT_NE(observer, nullptr);
    EXPECT_EQ(phantom_ports(observer), 18u + 22 + 20 + 20);
    EXPECT_TRUE(has_port(observer, "phantom:hw_in_adat7"));
    jack_client_close(observer);

    auto restart_at = [&](unsigned rate) {
        server.kill_now();
        server.rate_hz = rate;
        server.start();
        json s;
        for (int k = 0; k < 250; ++k) {
            s = json::parse(phantom.request("GET", "/api/status").body);
            if (s["state"] == "running" && s["rate_hz"] == static_cast<double>(rate)) break;
            std::this_thread::sleep_for(20ms);
        }
        EXPECT_EQ(s["rate_hz"], static_cast<double>(rate)) << s.dump();
    };
    // 96 kHz: hw_in 14, hw_out 18, capture 14 + 2, playback 16.
    restart_at(96000);
    observer = observe();
    ASSERT_NE(observer, nullptr);
    EXPECT_EQ(phantom_ports(observer), 14u + 18 + 16 + 16);
    EXPECT_FALSE(has_port(observer, "phantom:hw_in_adat7"));
    EXPECT_FALSE(has_port(observer, "phantom:hw_out_adat7-8.L"));
    EXPECT_TRUE(has_port(observer, "phantom:hw_in_adat4"));
    jack_client_close(observer);
    EXPECT_EQ(phantom.request("GET", "/api/params/input/adat7/trim").status, 409);

    restart_at(48000);
    observer = observe();
    ASSERT_NE(observer, nullptr);
    EXPECT_EQ(phantom_ports(observer), 18u + 22 + 20 + 20);
    jack_client_close(observer);
    const auto back = phantom.request("GET", "/api/params/input/adat7/trim");
    ASSERT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(json::parse(back.body)["value"], 5.0);
    EXPECT_NE(phantom.stop(SIGTERM), -1) << phantom.log();
}

}  // namespace
}  // namespace phantom::test
