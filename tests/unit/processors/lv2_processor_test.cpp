// LV2 plugins hosted as processors, with real plugins from Debian (lv2-examples, x42-plugins,
// lsp-plugins-lv2) and checked against math and against lilv's own `lv2apply` on the same file.
#include "phantom/processors/lv2/lv2_processor.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "alloc_guard.hpp"
#include "run_command.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::processors::lv2 {
namespace {

using test::AllocationGuard;

constexpr const char* kAmp = "http://lv2plug.in/plugins/eg-amp";
constexpr const char* kNoDelay = "http://gareus.org/oss/lv2/nodelay";
constexpr const char* kDarc = "http://gareus.org/oss/lv2/darc#mono";
constexpr const char* kFil4Mono = "http://gareus.org/oss/lv2/fil4#mono";
constexpr const char* kDplStereo = "http://gareus.org/oss/lv2/dpl#stereo";
constexpr const char* kSampler = "http://lv2plug.in/plugins/eg-sampler";
constexpr double kRate = 48000.0;

Lv2World& world() {
    static Lv2World w;
    return w;
}

// Runs `p` over `channels` in blocks of `block` frames, in place.
void run(Lv2Processor& p, std::vector<std::vector<float>>& channels, int block) {
    const size_t frames = channels[0].size();
    std::vector<float*> ptrs(channels.size());
    for (size_t at = 0; at < frames; at += static_cast<size_t>(block)) {
        const int n = static_cast<int>(std::min<size_t>(static_cast<size_t>(block), frames - at));
        for (size_t c = 0; c < channels.size(); ++c)
            ptrs[c] = channels[c].data() + at;
        p.process({ptrs.data(), static_cast<int>(channels.size()), n});
    }
}

std::vector<float> sine(double hz, double amplitude, size_t frames, double rate) {
    std::vector<float> x(frames);
    for (size_t i = 0; i < frames; ++i)
        x[i] = static_cast<float>(amplitude *
                                  std::sin(2.0 * M_PI * hz * static_cast<double>(i) / rate));
    return x;
}

double max_difference_dbfs(const std::vector<float>& a, const std::vector<float>& b) {
    double worst = 0.0;
    for (size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        worst = std::max(worst, std::fabs(static_cast<double>(a[i]) - b[i]));
    return worst > 0.0 ? 20.0 * std::log10(worst) : -400.0;
}

TEST(Lv2Processor, EgAmpScalesByTheDecibelsItIsSetTo) {
    Lv2Processor amp(world(), kAmp, 1);
    ASSERT_EQ(amp.set("gain", -6.0f), -6.0f);
    amp.prepare(kRate, 256);
    std::vector<std::vector<float>> ch = {test::noise(4800, 1, 0.5f)};
    const std::vector<float> in = ch[0];
    run(amp, ch, 256);
    const double g = std::pow(10.0, -6.0 / 20.0);
    for (size_t i = 0; i < in.size(); ++i)
        ASSERT_NEAR(ch[0][i], in[i] * g, 1e-6) << "frame " << i;
    EXPECT_EQ(amp.latency_frames(), 0);
}

TEST(Lv2Processor, ControlsCarryTheRangesOfTheirTtlAndSettingsAreClamped) {
    Lv2Processor amp(world(), kAmp, 1);
    ASSERT_EQ(amp.info().controls.size(), 1u);
    const Lv2Control& gain = amp.info().controls[0];
    EXPECT_EQ(gain.symbol, "gain");
    EXPECT_FLOAT_EQ(gain.min, -90.0f);  // eg-amp's amp.ttl
    EXPECT_FLOAT_EQ(gain.max, 24.0f);
    EXPECT_FLOAT_EQ(gain.default_value, 0.0f);
    EXPECT_FLOAT_EQ(amp.set("gain", 100.0f), 24.0f);
    EXPECT_FLOAT_EQ(amp.get("gain"), 24.0f);
    try {
        amp.set("volume", 1.0f);
        FAIL() << "an unknown control was accepted";
    } catch (const Lv2Error& e) {
        EXPECT_NE(std::string(e.what()).find("no control 'volume' (its controls: gain)"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(amp.set("gain", std::nanf("")), Lv2Error);
    EXPECT_FLOAT_EQ(amp.get("gain"), 24.0f);  // the refused value changed nothing
}

TEST(Lv2Processor, ADelayReportsItsLatencyAndDelaysByIt) {
    Lv2Processor delay(world(), kNoDelay, 1);
    delay.set("delay", 100.0f);
    delay.prepare(kRate, 64);
    EXPECT_EQ(delay.latency_frames(), 100);  // known after prepare(), before the first block
    // An impulse at frame 3000 comes out at frame 3100. (A new instance starts at no delay and
    // cross-fades to the one set within its first blocks: the impulse comes after that.)
    std::vector<std::vector<float>> ch = {std::vector<float>(4096, 0.0f)};
    ch[0][3000] = 1.0f;
    run(delay, ch, 64);
    size_t peak = 0;
    for (size_t i = 0; i < ch[0].size(); ++i)
        if (std::fabs(ch[0][i]) > std::fabs(ch[0][peak])) peak = i;
    EXPECT_EQ(peak, 3100u);
    EXPECT_NEAR(ch[0][3100], 1.0f, 1e-6);
}

TEST(Lv2Processor, ACompressorGivesTheSamplesLv2applyGivesOnTheSameFile) {
    const std::string dir = test::temp_dir("lv2apply");
    // A burst loud enough to be compressed, then quiet: attack and release both matter.
    std::vector<float> in = test::noise(48000, 7, 0.05f);
    for (size_t i = 12000; i < 24000; ++i)
        in[i] *= 16.0f;
    test::write_wav(dir + "in.wav", {in}, 48000);
    const auto r = test::run_command("lv2apply -i " + dir + "in.wav -o " + dir +
                                     "ref.wav -c threshold -40 -c Ratio 0.7 " + kDarc);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const test::Wav ref = test::read_wav(dir + "ref.wav");
    ASSERT_EQ(ref.channels[0].size(), in.size());

    // lv2apply runs the plugin one frame at a time; so does this. (darc updates its gain
    // once a block, so at 64 frames it differs from itself at 1 frame by about -100 dBFS: the
    // block-size-independent comparison is the delay's, below.) The gain reduction is real: the
    // reference differs from the input.
    Lv2Processor darc(world(), kDarc, 1);
    darc.set("threshold", -40.0f);
    darc.set("Ratio", 0.7f);
    darc.prepare(48000.0, 1);
    std::vector<std::vector<float>> ch = {in};
    run(darc, ch, 1);
    EXPECT_LE(max_difference_dbfs(ch[0], ref.channels[0]), -120.0);
    EXPECT_GT(max_difference_dbfs(in, ref.channels[0]), -40.0);
}

TEST(Lv2Processor, ADelayGivesTheSamplesLv2applyGivesAtAnyBlockSize) {
    const std::string dir = test::temp_dir("lv2apply-delay");
    const std::vector<float> in = test::noise(20000, 11, 0.5f);
    test::write_wav(dir + "in.wav", {in}, 48000);
    const auto r = test::run_command("lv2apply -i " + dir + "in.wav -o " + dir +
                                     "ref.wav -c delay 333 " + kNoDelay);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const test::Wav ref = test::read_wav(dir + "ref.wav");
    for (int block : {1, 64, 1024}) {
        Lv2Processor delay(world(), kNoDelay, 1);
        delay.set("delay", 333.0f);
        delay.prepare(48000.0, block);
        std::vector<std::vector<float>> ch = {in};
        run(delay, ch, block);
        // A new instance cross-fades from no delay to the one set, a block at a time: the fade
        // depends on the block size, the delay after it does not.
        const std::vector<float> settled(ch[0].begin() + 8192, ch[0].end()),
            ref_settled(ref.channels[0].begin() + 8192, ref.channels[0].end());
        EXPECT_LE(max_difference_dbfs(settled, ref_settled), -120.0) << "block " << block;
        EXPECT_EQ(ch[0][10000 + 333], in[10000]) << "block " << block;  // the delay it reports
        EXPECT_EQ(delay.latency_frames(), 333);
    }
}

TEST(Lv2Processor, APluginWithAtomPortsRunsWithEmptySequences) {
    // fil4 (x42's EQ) has an atom control input and a notify output; at its defaults it is a
    // flat EQ with the high-pass and low-pass off, so a sine passes at its level.
    Lv2Processor eq(world(), kFil4Mono, 1);
    EXPECT_FALSE(eq.info().atom_in.empty());
    eq.prepare(kRate, 256);
    std::vector<std::vector<float>> ch = {sine(1000.0, 0.5, 48000, kRate)};
    run(eq, ch, 256);
    double peak = 0.0;
    for (size_t i = 24000; i < ch[0].size(); ++i)
        peak = std::max(peak, static_cast<double>(std::fabs(ch[0][i])));
    EXPECT_NEAR(20.0 * std::log10(peak / 0.5), 0.0, 0.1);
}

TEST(Lv2Processor, AMonoPluginRunsOnEachSideOfAPairAndAStereoOneOnBoth) {
    Lv2Processor amp(world(), kAmp, 2);  // two instances of a mono plugin
    amp.set("gain", -12.0f);
    amp.prepare(kRate, 128);
    std::vector<std::vector<float>> ch = {test::noise(1000, 2, 0.5f), test::noise(1000, 3, 0.5f)};
    const auto in = ch;
    run(amp, ch, 128);
    const double g = std::pow(10.0, -12.0 / 20.0);
    for (size_t c = 0; c < 2; ++c)
        for (size_t i = 0; i < in[c].size(); ++i)
            ASSERT_NEAR(ch[c][i], in[c][i] * g, 1e-6) << "channel " << c << " frame " << i;

    Lv2Processor limiter(world(), kDplStereo, 2);  // one stereo instance, with a latency
    limiter.prepare(kRate, 128);
    EXPECT_GT(limiter.latency_frames(), 0);
    EXPECT_THROW(Lv2Processor(world(), kDplStereo, 1), Lv2Error);
}

TEST(Lv2Processor, MissingOrUnhostablePluginsAreRefusedWithTheReason) {
    try {
        Lv2Processor p(world(), "http://lv2plug.in/plugins/eg-ampp", 1);
        FAIL();
    } catch (const Lv2Error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("is not installed"), std::string::npos) << what;
        EXPECT_NE(what.find(kAmp), std::string::npos) << what;  // the near miss is suggested
    }
    try {
        Lv2Processor p(world(), kSampler, 1);  // requires a worker thread
        FAIL();
    } catch (const Lv2Error& e) {
        EXPECT_NE(std::string(e.what()).find("http://lv2plug.in/ns/ext/worker#schedule"),
                  std::string::npos)
            << e.what();
    }
}

// A string that is no URI (no scheme, a control character, a space: what no TTL file can
// name, as Turtle's IRIREF forbids them) is refused by Phantom before lilv is asked: lilv
// (sord) printed "attempt to map invalid URI" with the raw bytes on stderr for one without a
// scheme. The message shows a control character as \xNN, never the byte itself.
TEST(Lv2World, AStringThatIsNoUriIsRefusedBeforeLilvSeesIt) {
    const std::pair<std::string, std::string> cases[] = {
        {"nope", "'nope'"},
        {"", "''"},
        {"eg-amp gain", "'eg-amp gain'"},
        {"http://lv2plug.in/plugins/eg amp", "'http://lv2plug.in/plugins/eg amp'"},
        {"\x1b[31mhttp://example.org/red", "'\\x1b[31mhttp://example.org/red'"},
        {"http://example.org/\x1b[2J\x07", "'http://example.org/\\x1b[2J\\x07'"},
        {"http://example.org/<b>", "'http://example.org/<b>'"},
    };
    for (const auto& [uri, shown] : cases) {
        testing::internal::CaptureStderr();
        try {
            (void)world().describe(uri);
            ADD_FAILURE() << "taken: " << shown;
        } catch (const Lv2Error& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find(shown + " is not a URI"), std::string::npos) << what;
            EXPECT_NE(what.find("`phantom plugins`"), std::string::npos) << what;
            EXPECT_EQ(what.find('\x1b'), std::string::npos) << shown;
        }
        EXPECT_EQ(world().plugin(uri), nullptr);
        EXPECT_THROW(Lv2Processor(world(), uri, 1), Lv2Error);
        EXPECT_EQ(testing::internal::GetCapturedStderr(), "") << shown;
    }
    // A URI of any scheme that is not installed is "not installed", not "not a URI".
    testing::internal::CaptureStderr();
    try {
        (void)world().describe("urn:no-such-plugin");
        ADD_FAILURE();
    } catch (const Lv2Error& e) {
        EXPECT_NE(std::string(e.what()).find("'urn:no-such-plugin' is not installed"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
}

TEST(Lv2Processor, ANonFiniteBlockIsSilencedAndThePluginResetOffTheAudioThread) {
    Lv2Processor delay(world(), kNoDelay, 1);
    delay.set("delay", 50.0f);
    delay.prepare(kRate, 64);
    std::vector<float> block(64, 0.25f);
    float* ptr = block.data();
    delay.process({&ptr, 1, 64});  // the delay line now holds 0.25s
    block.assign(64, 0.0f);
    block[3] = std::nanf("");
    delay.process({&ptr, 1, 64});
    for (float v : block)
        EXPECT_EQ(v, 0.0f);
    EXPECT_TRUE(delay.reset_pending());
    block.assign(64, 0.5f);
    delay.process({&ptr, 1, 64});  // still pending: silence, the plugin not run
    for (float v : block)
        EXPECT_EQ(v, 0.0f);
    ASSERT_TRUE(delay.service());  // the control thread resets it
    EXPECT_FALSE(delay.reset_pending());
    // Reset: the 0.25s held before the NaN are gone; only silence, then the new input, leaves.
    block.assign(64, 0.0f);
    delay.process({&ptr, 1, 64});
    for (float v : block)
        EXPECT_EQ(v, 0.0f);
}

TEST(Lv2Processor, ProcessDoesNotAllocateOrBlock) {
    Lv2Processor eq(world(), kFil4Mono, 1);
    eq.prepare(kRate, 256);
    std::vector<float> x = test::noise(256, 9, 0.3f);
    float* ptr = x.data();
    AllocationGuard::reset();
    for (int b = 0; b < 200; ++b) {
        if (b % 50 == 25) eq.set(eq.info().controls[1].symbol, 0.5f);
        AllocationGuard guard;
        eq.process({&ptr, 1, 256});
    }
    const auto counts = AllocationGuard::counts();
    if (PHANTOM_ALLOC_GUARD) {
        EXPECT_EQ(counts.allocations, 0u);
        EXPECT_EQ(counts.blocking_calls, 0u) << counts.first_blocking_call;
    }
}

}  // namespace
}  // namespace phantom::processors::lv2

namespace phantom::processors::lv2 {
namespace {

TEST(PluginsCommand, ListsHostablePluginsAndDescribesOneOrSaysWhyNot) {
    auto r = test::run_command(test::phantom_command("plugins"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("http://lv2plug.in/plugins/eg-amp "), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("eg-sampler"), std::string::npos);  // needs a worker: not listed

    r = test::run_command(test::phantom_command("plugins http://gareus.org/oss/lv2/nodelay"));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("latency: reported by the plugin"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("delay "), std::string::npos) << r.out;

    r = test::run_command(test::phantom_command("plugins http://example.org/no-such-plugin"));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("'http://example.org/no-such-plugin' is not installed"), std::string::npos)
        << r.err;
}

// An outside tester's finding: `phantom plugins URI` wrote the argument's control bytes back to
// the terminal (an escape sequence reached it), and lilv added its own "attempt to map invalid
// URI" line. The argument is refused as no URI, shown with \xNN, and nothing else is said.
TEST(PluginsCommand, AnArgumentWithControlBytesIsRefusedAndNeverEchoedRaw) {
    // sh passes the bytes inside single quotes as they are.
    for (const std::string arg : {"'\x1b[31mhttp://example.org/red\x1b[0m'",
                                  "'http://example.org/\x1b]0;title\x07'", "nope"}) {
        const auto r = test::run_command(test::phantom_command("plugins " + arg));
        EXPECT_EQ(r.exit_code, 2) << arg;
        EXPECT_EQ(r.out, "") << arg;
        EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find('\x07'), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("attempt to map"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("is not a URI"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("`phantom plugins`"), std::string::npos) << r.err;
        // One line: the message, nothing from lilv.
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
    const auto r =
        test::run_command(test::phantom_command("plugins '\x1b[31mhttp://example.org/red\x1b[0m'"));
    EXPECT_NE(r.err.find("'\\x1b[31mhttp://example.org/red\\x1b[0m' is not a URI"),
              std::string::npos)
        << r.err;
}

}  // namespace
}  // namespace phantom::processors::lv2
