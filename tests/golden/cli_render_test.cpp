// Golden renders through the real `phantom` binary: outputs compared sample by sample with an
// expectation computed here (plain math) and with sox doing the same mix; and every bad input
// of the command line refused with exit 2, one line on stderr, and no file touched.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include <sndfile.h>

#include "run_command.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::test {
namespace {

namespace fs = std::filesystem;

class CliRender : public testing::Test {
  protected:
    std::string dir = temp_dir("cli-render");
    static constexpr size_t kFrames = 4800;
    std::vector<float> a = noise(kFrames, 101, 0.4f);
    std::vector<float> b = [] {
        std::vector<float> x(kFrames);
        for (size_t i = 0; i < kFrames; ++i)
            x[i] = 0.3f * static_cast<float>(std::sin(2 * M_PI * 440 * i / 48000.0));
        return x;
    }();
    void SetUp() override {
        wav_file(dir, "a", a, 48000);
        wav_file(dir, "b", b, 48000);
    }
    CommandResult phantom(const std::string& args) { return run_command(phantom_command(args)); }
};

// The issue's example, with the mix computed here: constant-power pan, gains in dB.
TEST_F(CliRender, IssueExampleMatchesPlainMathSampleBySample) {
    auto r = phantom("render --device stress-64 --rate 48000 --source in1=" + dir +
                     "a.wav --source in2=sine:440:-20dBu "
                     "--set /mix/line1/in1/gain=-6 --set /mix/line1/in1/pan=-0.5 --record line1=" +
                     dir + "out1.wav --record capture=" + dir + "cap/ --duration 0.1s");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Wav out = read_wav(dir + "out1.wav");
    ASSERT_EQ(out.channels.size(), 2u);
    ASSERT_EQ(out.channels[0].size(), kFrames);
    const double g = std::pow(10, -6 / 20.0);
    const double left = std::cos(0.5 * M_PI / 4), right = std::sin(0.5 * M_PI / 4);
    for (size_t i = 0; i < kFrames; ++i) {
        ASSERT_NEAR(out.channels[0][i], a[i] * g * left, 1e-6) << i;
        ASSERT_NEAR(out.channels[1][i], a[i] * g * right, 1e-6) << i;
    }
    // capture=DIR/: one file per capture channel; in1 is the file, unchanged; in2 the -20 dBu sine
    // on a +18 dBu input: peak 10^(-38/20).
    EXPECT_EQ(read_wav(dir + "cap/in1.wav").channels[0], a);
    float peak2 = 0;
    const Wav in2 = read_wav(dir + "cap/in2.wav");
    for (float v : in2.channels[0])
        peak2 = std::max(peak2, std::fabs(v));
    EXPECT_NEAR(peak2, std::pow(10, -38 / 20.0), 1e-4);
    EXPECT_TRUE(fs::exists(dir + "cap/loopback-L.wav"));
    EXPECT_NE(r.out.find("x real time"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("line1 -"), std::string::npos) << r.out;
}

TEST_F(CliRender, SameMixAsSoxWithinMinus90Dbfs) {
    // Two inputs into one stereo output: sox -M … remix with the same gains and pan law.
    const double g1 = std::pow(10, -6 / 20.0), g2 = std::pow(10, -3 / 20.0);
    const double p1 = -0.5, p2 = 0.25;
    const double l1 = g1 * std::cos((p1 + 1) * M_PI / 4), r1 = g1 * std::sin((p1 + 1) * M_PI / 4);
    const double l2 = g2 * std::cos((p2 + 1) * M_PI / 4), r2 = g2 * std::sin((p2 + 1) * M_PI / 4);
    auto r = phantom(
        "render --device stress-64 --source in1=" + dir + "a.wav --source in2=" + dir + "b.wav " +
        "--set /mix/line2/in1/gain=-6 --set /mix/line2/in1/pan=-0.5 --set /mix/line2/in2/gain=-3 " +
        "--set /mix/line2/in2/pan=0.25 --record line2=" + dir + "phantom.wav");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    char remix[256];
    std::snprintf(remix, sizeof remix, "remix 1v%.9f,2v%.9f 1v%.9f,2v%.9f", l1, l2, r1, r2);
    auto s = run_command("sox -M " + dir + "a.wav " + dir + "b.wav -e floating-point -b 32 " + dir +
                         "sox.wav " + remix);
    ASSERT_EQ(s.exit_code, 0) << s.err;
    Wav ours = read_wav(dir + "phantom.wav"), theirs = read_wav(dir + "sox.wav");
    ASSERT_EQ(ours.channels[0].size(), theirs.channels[0].size());  // length from the longest file
    const double floor = std::pow(10, -90 / 20.0);
    for (size_t c = 0; c < 2; ++c)
        for (size_t i = 0; i < kFrames; ++i)
            ASSERT_NEAR(ours.channels[c][i], theirs.channels[c][i], floor) << c << ":" << i;
}

TEST_F(CliRender, SixteenBitRecordingIsQuantisedNotClippedOrWrapped) {
    auto r =
        phantom("render --source pb1=" + dir + "a.wav --record main=" + dir + "m16.wav --bits 16");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    Wav w = read_wav(dir + "m16.wav");
    for (size_t i = 0; i < kFrames; ++i)
        ASSERT_NEAR(w.channels[0][i], a[i], 1.0 / 32768) << i;
}

TEST_F(CliRender, TwentyFourBitRecording) {
    auto r =
        phantom("render --source pb1=" + dir + "a.wav --record main=" + dir + "m24.wav --bits 24");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    SF_INFO info{};
    SNDFILE* f = sf_open((dir + "m24.wav").c_str(), SFM_READ, &info);
    ASSERT_NE(f, nullptr);
    sf_close(f);
    // A take below 4 GiB is a WAV file (RF64 written, downgraded at close, with the extensible
    // format header that libsndfile's RF64 writer uses).
    EXPECT_EQ(info.format, SF_FORMAT_WAVEX | SF_FORMAT_PCM_24);
    Wav w = read_wav(dir + "m24.wav");
    for (size_t i = 0; i < kFrames; ++i)
        ASSERT_NEAR(w.channels[0][i], a[i], 1.0 / 8388608) << i;
}

TEST_F(CliRender, DiskFullDuringRenderExitsOneAndLeavesNoFile) {
    // A 64 KiB file-size limit (ulimit -f counts 1 KiB blocks); SIGXFSZ ignored so the write fails.
    auto r = run_command("bash -c 'trap \"\" XFSZ; ulimit -f 64; exec " +
                         phantom_command("render --source pb1=" + dir +
                                         "a.wav --record main=" + dir + "full.wav --duration 5s") +
                         "'");
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("full.wav: writing the recording failed"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir + "full.wav"));
    for (const auto& e : fs::directory_iterator(dir))
        EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
}

TEST_F(CliRender, ProgressBarOnATerminalOnly) {
    // `script` gives the command a terminal; through a pipe there is no bar.
    auto tty =
        run_command("script -qec '" + phantom_command("render --duration 2s") + "' /dev/null");
    EXPECT_EQ(tty.exit_code, 0) << tty.err;
    EXPECT_NE(tty.out.find("100%"), std::string::npos) << tty.out;
    auto piped = phantom("render --duration 2s");
    EXPECT_EQ(piped.err.find("100%"), std::string::npos);
}

TEST_F(CliRender, FileAtAnotherRateIsConvertedNotPlayedAtTheWrongSpeed) {
    std::vector<float> x(44100, 0.25f);
    wav_file(dir, "441", x, 44100);
    auto r = phantom("render --source pb1=" + dir + "441.wav --record main=" + dir + "conv.wav");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NEAR(static_cast<double>(read_wav(dir + "conv.wav").channels[0].size()), 48000, 2);
}

TEST_F(CliRender, SummaryWarnsOfPhantomPowerOnARibbon) {
    auto r = phantom(
        "render --source in1=ribbon:sine:1k:94dBSPL --set /input/in1/phantom=on --duration 10ms");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("in1: 48 V phantom power is on with a passive ribbon"), std::string::npos)
        << r.out;
}

TEST_F(CliRender, SessionSavedAndLoadedGivesTheSameRender) {
    auto first = phantom("render --source pb1=" + dir +
                         "a.wav --set /monitor/dim=on --set /mix/main/pb1/pan=0 " +
                         "--save-session " + dir + "s.json --record main=" + dir + "first.wav");
    ASSERT_EQ(first.exit_code, 0) << first.err;
    auto second = phantom("render --session " + dir + "s.json --record main=" + dir + "second.wav");
    ASSERT_EQ(second.exit_code, 0) << second.err;
    EXPECT_EQ(read_wav(dir + "first.wav").channels, read_wav(dir + "second.wav").channels);
    EXPECT_NEAR(read_wav(dir + "second.wav").channels[0][7], a[7] * 0.1 * std::sqrt(0.5), 1e-6);
}

TEST_F(CliRender, BadInputIsRefusedWithOneLineExitTwoAndNoFileTouched) {
    const std::string keep = dir + "keep.wav";
    std::ofstream(keep) << "precious";
    std::ofstream(dir + "bad-session.json")
        << R"({"device":"studio-8x8","params":{"/monitor/volume":"loud"}})";
    std::ofstream(dir + "bad-device.toml")
        << "[device]\nid = \"x\"\nsample_rates = [48000]\n[[input]]\nid = \"in1\"\n"
           "kind = \"line\"\nphantom = true\n";
    test::write_wav(dir + "stereo.wav", {a, b}, 48000);
    struct Case {
        std::string args;
        std::string says;
    };
    const std::string rec = " --record main=" + keep + " --duration 10ms";
    const Case cases[] = {
        {"render --device studio-9x9" + rec,
         "studio-9x9: unknown device (known devices: desktop-2x2, stress-64, studio-8x8)"},
        {"render --set /input/in9/gain=3" + rec, "/input/in9/gain: unknown parameter path"},
        {"render --set /input/in1/gain=70" + rec,
         "/input/in1/gain: 70 is out of range (allowed: a number from 0 to 60 dB)"},
        {"render --set /input/in1/gain" + rec, "--set '/input/in1/gain': expected NAME=VALUE"},
        {"render --source in1=" + dir + "nothing.wav" + rec,
         "in1: " + dir + "nothing.wav: cannot read audio file"},
        {"render --source in1=" + dir + "stereo.wav" + rec,
         "has 2 channels and an input takes one"},
        {"render --source adat1=sine:1k:-10dBu" + rec,
         "adat1: 'sine:1k:-10dBu' is a digital channel"},
        {"render --source in99=silence" + rec, "in99: no such input or playback channel"},
        {"render --session " + dir + "bad-session.json" + rec,
         "bad-session.json: /monitor/volume: \"loud\" has the wrong type"},
        {"render --device " + dir + "bad-device.toml" + rec,
         "bad-device.toml:7:11: input[in1].phantom: 48 V phantom power on a line-only input"},
        {"render --record nowhere=" + keep + " --duration 10ms", "--record nowhere: not an output"},
        {"render --duration soon --record main=" + keep,
         "--duration 'soon': expected a positive duration"},
        {"render --rate 22050" + rec, "studio-8x8 does not run at 22050 Hz"},
        {"render" + std::string(" --record main=") + keep, "--duration is needed"},
        {"render --set /output/hp1/mirror=hp2 --set /output/hp2/mirror=hp1" + rec,
         "mirror cycle hp1 → hp2 → hp1"},
        {"render --bits 12" + rec, "--bits"},
        {"describe nothing-here", "nothing-here: unknown device"},
    };
    for (const auto& c : cases) {
        auto r = phantom(c.args);
        EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.err;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << c.args << "\nstderr: " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
        EXPECT_EQ(r.err.rfind("phantom: ", 0), 0u) << r.err;
        std::ifstream in(keep);
        std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(content, "precious") << c.args;
    }
    for (const auto& e : fs::directory_iterator(dir))
        EXPECT_EQ(e.path().filename().string().find(".partial-"), std::string::npos) << e.path();
}

TEST(CliInfo, DevicesDescribeAndParams) {
    auto devices = run_command(phantom_command("devices"));
    EXPECT_EQ(devices.exit_code, 0);
    EXPECT_NE(devices.out.find("studio-8x8     Phantom Studio 8x8       18 in x 22 out  (default)"),
              std::string::npos)
        << devices.out;
    auto describe = run_command(phantom_command("describe desktop-2x2"));
    EXPECT_EQ(describe.exit_code, 0);
    EXPECT_NE(describe.out.find("2 in × 4 out at 48 kHz; host: 2 capture + 2 loopback, 2 playback"),
              std::string::npos)
        << describe.out;
    EXPECT_NE(describe.out.find("mirrors main only"), std::string::npos);
    auto json = run_command(phantom_command("describe studio-8x8 --json"));
    EXPECT_NE(json.out.find("\"talkback_input\": \"in4\""), std::string::npos);
    auto params = run_command(phantom_command("params studio-8x8 /monitor"));
    EXPECT_EQ(params.exit_code, 0);
    EXPECT_NE(params.out.find("/monitor/dim_level"), std::string::npos);
    EXPECT_EQ(params.out.find("/input/"), std::string::npos);
    EXPECT_EQ(run_command(phantom_command("frobnicate")).exit_code, 2);
}

}  // namespace
}  // namespace phantom::test
