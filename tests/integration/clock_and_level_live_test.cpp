// The clock's lock and the combo inputs' level switch through the surfaces: a real `phantom
// start` (HTTP status, `phantom status`) and `phantom render` (a file read with libsndfile).
// A −10 dBV sine on a combo in line mode at −10 dBV reads 14.00 dB below full scale: −10 dBV
// is −7.78 dBu, full scale +18 dBu less the 11.78 dB between the standards is +6.22 dBu.
#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "live_process.hpp"
#include "run_command.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

TEST(ClockLive, TheStatusShowsNoSignalWrongRateAndLocked) {
    const std::string dir = temp_dir("clock-live");
    fs::remove(dir + "state.json");
    LiveProcess phantom{{"--session", dir + "state.json", "--clock-input", "wordclock=44100",
                         "--clock-input", "spdif=48000"},
                        dir + "log"};
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    auto clock = [&] { return json::parse(phantom.request("GET", "/api/status").body)["clock"]; };
    EXPECT_EQ(clock()["state"], "internal");
    EXPECT_EQ(clock()["locked"], true);

    ASSERT_EQ(
        phantom.request("PUT", "/api/params/clock/source", R"({"value": "wordclock"})").status,
        200);
    EXPECT_EQ(clock()["state"], "wrong rate");
    EXPECT_EQ(clock()["input_rate_hz"], 44100);
    EXPECT_EQ(clock()["digital_inputs_muted"], true);
    const std::string http = "--http 127.0.0.1:" + std::to_string(phantom.port());
    const auto status = run_command(phantom_command("status " + http));
    EXPECT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("clock     not locked: wordclock carries 44100 Hz, the interface "
                              "runs at 48000 Hz"),
              std::string::npos)
        << status.out;

    ASSERT_EQ(phantom.request("PUT", "/api/params/clock/source", R"({"value": "adat"})").status,
              200);
    EXPECT_EQ(clock()["state"], "no signal");  // nothing plays into ADAT
    ASSERT_EQ(phantom.request("PUT", "/api/params/clock/source", R"({"value": "spdif"})").status,
              200);
    EXPECT_EQ(clock()["state"], "locked");
    EXPECT_EQ(clock()["message"], "locked to spdif at 48000 Hz");
    EXPECT_EQ(phantom.stop(SIGTERM), 0);
}

TEST(ClockLive, ABadClockInputIsRefusedAtStart) {
    const std::string dir = temp_dir("clock-live-bad");
    LiveProcess phantom{{"--session", dir + "state.json", "--clock-input", "madi=48000"},
                        dir + "log"};
    EXPECT_FALSE(phantom.wait_ready());
    EXPECT_EQ(WEXITSTATUS(phantom.exit_status()), 2) << phantom.log();
    EXPECT_NE(phantom.log().find("--clock-input madi: studio-8x8 has no such clock input "
                                 "(adat, spdif, wordclock)"),
              std::string::npos)
        << phantom.log();
}

TEST(ClockRender, WithoutLockTheDigitalInputsRecordSilence) {
    const std::string dir = temp_dir("clock-render");
    const auto r = run_command(phantom_command(
        "render --duration 100ms --source adat1=sine:1k:-20dBFS --set /clock/source=wordclock "
        "--clock-input wordclock=none --record adat1=" +
        dir + "adat1.wav --quiet"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("clock: not locked: no signal on wordclock"), std::string::npos) << r.out;
    const Wav w = read_wav(dir + "adat1.wav");
    ASSERT_EQ(w.channels.size(), 1u);
    ASSERT_EQ(w.channels[0].size(), 4800u);
    for (float x : w.channels[0])
        ASSERT_EQ(x, 0.0f);
}

TEST(ComboLevelSurfaces, TheSwitchOverHttpAndInARenderReadsAsMath) {
    const std::string dir = temp_dir("combo-level");
    const auto r = run_command(phantom_command(
        "render --duration 100ms --source in1=sine:1k:-10dBV --set /input/in1/mode=line "
        "--set /input/in1/level=-10dBV --record in1=" +
        dir + "in1.wav --quiet"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    float peak = 0;
    const Wav w = read_wav(dir + "in1.wav");
    for (float x : w.channels[0])
        peak = std::max(peak, std::fabs(x));
    const double dbv_dbu = 20 * std::log10(1.0 / std::sqrt(0.6));  // 0 dBV in dBu: +2.218
    const double minus10 = -10 + dbv_dbu;
    const double full_scale = 18 - (4 - minus10);
    EXPECT_NEAR(peak, std::pow(10.0, (minus10 - full_scale) / 20), 1e-4);

    fs::remove(dir + "state.json");
    LiveProcess phantom{{"--session", dir + "state.json"}, dir + "log"};
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    const json p = json::parse(phantom.request("GET", "/api/params/input/in1/level").body);
    EXPECT_EQ(p["choices"], json({"+4dBu", "-10dBV"}));
    EXPECT_EQ(
        phantom.request("PUT", "/api/params/input/in1/level", R"({"value": "-10dBV"})").status,
        200);
    EXPECT_EQ(phantom.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace phantom::test
