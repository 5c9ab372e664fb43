// LV2 plugins in an input's slot through the real `phantom` binary, against lilv's own
// `lv2apply` on the same samples: the channel as it reaches the slot is recorded by one render
// (rec_fx, no plugin), run through lv2apply with the same settings, and compared with what the
// slot made of it in a second render (≤ −120 dBFS apart). A bad plugin exits 2, naming it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "run_command.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::test {
namespace {

constexpr const char* kNoDelay = "http://gareus.org/oss/lv2/nodelay";
constexpr const char* kDarc = "http://gareus.org/oss/lv2/darc#mono";
constexpr const char* kLspCompressor = "http://lsp-plug.in/plugins/lv2/compressor_mono";

double max_difference_dbfs(const std::vector<float>& a, const std::vector<float>& b, size_t from) {
    double worst = 0.0;
    for (size_t i = from; i < std::min(a.size(), b.size()); ++i)
        worst = std::max(worst, std::fabs(static_cast<double>(a[i]) - b[i]));
    return worst > 0.0 ? 20.0 * std::log10(worst) : -400.0;
}

class PluginRender : public testing::Test {
  protected:
    std::string dir = temp_dir("plugin-render");
    CommandResult phantom(const std::string& args) { return run_command(phantom_command(args)); }

    // A noise burst loud enough to be compressed between quiet stretches, into in5.
    std::string input() {
        std::vector<float> x = noise(24000, 11, 0.05f);
        for (size_t i = 6000; i < 12000; ++i)
            x[i] *= 12.0f;
        return wav_file(dir, "in", x, 48000);
    }
    // What reaches in5's slot (no plugin), and what the slot gives with `settings`.
    std::pair<std::vector<float>, std::vector<float>> renders(const std::string& settings,
                                                              int frames) {
        const std::string common = "render --quiet --frames " + std::to_string(frames) +
                                   " --source in5=" + input() +
                                   " --set /input/in5/rec_fx=on --duration 0.5s";
        auto dry = phantom(common + " --record in5=" + dir + "dry.wav");
        EXPECT_EQ(dry.exit_code, 0) << dry.err;
        auto wet = phantom(common + settings + " --record in5=" + dir + "wet.wav");
        EXPECT_EQ(wet.exit_code, 0) << wet.err;
        return {read_wav(dir + "dry.wav").channels.at(0), read_wav(dir + "wet.wav").channels.at(0)};
    }
    std::vector<float> lv2apply(const std::string& controls, const std::string& uri) {
        const auto r = run_command("lv2apply -i " + dir + "dry.wav -o " + dir + "ref.wav " +
                                   controls + " " + uri);
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return read_wav(dir + "ref.wav").channels.at(0);
    }
};

TEST_F(PluginRender, ADelayInASlotGivesTheSamplesLv2applyGives) {
    const auto [dry, wet] = renders(std::string(" --set /input/in5/insert/1/plugin=") + kNoDelay +
                                        " --set /input/in5/insert/1/delay=100",
                                    64);
    const auto ref = lv2apply("-c delay 100", kNoDelay);
    ASSERT_EQ(ref.size(), wet.size());
    // A new instance of nodelay glides to its delay over its first blocks, whose length is
    // the host's block: compared once both have settled.
    EXPECT_LT(max_difference_dbfs(wet, ref, 2000), -120.0);
    // And it is a delay of 100 frames of what reached the slot, computed here.
    std::vector<float> shifted(dry.size(), 0.0f);
    std::copy(dry.begin(), dry.end() - 100, shifted.begin() + 100);
    EXPECT_LT(max_difference_dbfs(wet, shifted, 2000), -120.0);
}

TEST_F(PluginRender, ACompressorInASlotGivesTheSamplesLv2applyGives) {
    // lv2apply runs a plugin one frame at a time, and darc sets its gain once a run: the
    // render runs one-frame blocks too.
    const auto [dry, wet] = renders(std::string(" --set /input/in5/insert/1/plugin=") + kDarc +
                                        " --set /input/in5/insert/1/threshold=-40"
                                        " --set /input/in5/insert/1/Ratio=0.7",
                                    1);
    const auto ref = lv2apply("-c threshold -40 -c Ratio 0.7", kDarc);
    ASSERT_EQ(ref.size(), wet.size());
    EXPECT_LT(max_difference_dbfs(wet, ref, 0), -120.0);
    EXPECT_GT(max_difference_dbfs(wet, dry, 0), -40.0);  // it did compress
}

// LSP's compressor (Debian's lsp-plugins-lv2), downward, at settings far from its defaults:
// threshold 0.05 (−26 dBFS), ratio 6:1, knee 0.5, attack 5 ms, release 80 ms, RMS sidechain
// with a 5 ms lookahead (a latency it reports). At one frame a block, as lv2apply runs it, the
// two hosts call it alike and got the same samples bit for bit when tried by hand; at 64 frames
// they differ by rounding only (2.4e-7 at most, −132 dBFS, without the lookahead; 3e-8 with
// it): LSP's block kernels are vectorised, so the order of its float operations follows the
// run's length. Both are held to the issue's −120 dBFS. The name begins "ACompressor" as
// darc's does: scripts/sanitize.sh leaves both out of the AddressSanitizer run, since the
// plugins' libraries leave memory behind at dlclose() (LeakSanitizer: calloc in an unloaded
// module; none is reported when dlclose() is made a no-op).
TEST_F(PluginRender, ACompressorFromLspGivesTheSamplesLv2applyGives) {
    const std::pair<const char*, const char*> settings[] = {
        {"al", "0.05"}, {"cr", "6"}, {"kn", "0.5"}, {"at", "5"}, {"rt", "80"}, {"sla", "5"}};
    std::string phantom_set, lv2apply_set;
    for (const auto& [symbol, value] : settings) {
        phantom_set += std::string(" --set /input/in5/insert/1/") + symbol + "=" + value;
        lv2apply_set += std::string(" -c ") + symbol + " " + value;
    }
    for (const int frames : {1, 64}) {
        const auto [dry, wet] = renders(
            std::string(" --set /input/in5/insert/1/plugin=") + kLspCompressor + phantom_set,
            frames);
        const auto ref = lv2apply(lv2apply_set, kLspCompressor);
        ASSERT_EQ(ref.size(), wet.size());
        EXPECT_LT(max_difference_dbfs(wet, ref, 0), -120.0) << frames << " frames a block";
        EXPECT_GT(max_difference_dbfs(wet, dry, 0), -40.0);  // it did compress
    }
}

TEST_F(PluginRender, AMissingPluginExitsTwoNamingTheSlotAndWritesNothing) {
    auto r = phantom(
        "render --set /input/in5/insert/1/plugin=urn:nothing --duration 10ms "
        "--record main=" +
        dir + "never.wav");
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("/input/in5/insert/1/plugin"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("urn:nothing"), std::string::npos) << r.err;
    EXPECT_FALSE(std::ifstream(dir + "never.wav").good());
}

}  // namespace
}  // namespace phantom::test
