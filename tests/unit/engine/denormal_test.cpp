// reliability.md §8 test 10: a decaying 1e-38 input through a filter (the pickup RLC on a Hi-Z
// input) and a mix's reverb and echo gives no subnormal sample anywhere, and the caller's MXCSR
// is restored after process(). The same through LV2 plugins from Debian in an input's slots and
// an output's, fed subnormal samples as they are (a host's input, no gain before the slot).
#include <gtest/gtest.h>
#include <xmmintrin.h>

#include <cmath>
#include <string>
#include <vector>

#include "rig.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

bool subnormal(float v) {
    return std::fpclassify(v) == FP_SUBNORMAL;
}

TEST(Denormals, FlushedInsideProcessAndModeRestoredAfter) {
    // 1e-38 decaying by 1 % a sample: deep into the subnormal range within a block.
    std::vector<float> x(4800);
    float v = 1e-38f;
    for (auto& s : x) {
        s = v;
        v *= 0.99f;
    }
    Rig r("studio-8x8", 48000, 256);
    r.source("in1", "guitar:" + wav_file(temp_dir("denormal"), "tiny", x, 48000) + ":0dBV");
    r.set("/input/in1/mode", "inst");
    r.set("/input/in1/gain", "60");
    r.set("/mix/main/in1/gain", "0");
    r.set("/mix/line3/in1/gain", "0");
    // A reverb and an echo on line3's mono mix, their tails decaying from a tiny input.
    r.set("/mix/line3/in1/reverb", "0");
    r.set("/output/line3/reverb_return", "0");
    r.set("/mix/line3/in1/echo", "0");
    r.set("/output/line3/echo_return", "0");
    r.start();
    const unsigned before = _mm_getcsr();
    ASSERT_EQ(before & 0x8040u, 0u) << "the test runs without FTZ/DAZ of its own";
    r.run(4800, 64);
    EXPECT_EQ(_mm_getcsr(), before);
    for (const char* ch : {"main.L", "main.R", "line3"})
        for (float s : r.out(ch))
            ASSERT_FALSE(subnormal(s)) << ch << ": " << s;
    for (float s : r.cap("in1"))
        ASSERT_FALSE(subnormal(s)) << "capture: " << s;
}

// A sine of 0.5 for 50 ms, then 1e-30 decaying by 1 % a sample: subnormal from about 1800
// samples into the tail (below 1.18e-38), zero some 2300 later; the plugins' own state (a delay
// line, an envelope) decays from a loud signal meanwhile.
std::vector<float> loud_then_vanishing(size_t frames) {
    std::vector<float> x(frames);
    float v = 1e-30f;
    for (size_t i = 0; i < frames; ++i) {
        if (i < 2400) {
            x[i] = 0.5f *
                   static_cast<float>(std::sin(2 * M_PI * 1000 * static_cast<double>(i) / 48000.0));
        } else {
            x[i] = v;
            v *= 0.99f;
        }
    }
    return x;
}

// `slots` (path, value), then in5's host input plays loud_then_vanishing() into main, line3
// and in5's capture (rec_fx): no output or capture sample is subnormal, and the caller's MXCSR
// is what it was.
void expect_no_subnormal_through(const std::vector<std::pair<std::string, std::string>>& slots) {
    Rig r("studio-8x8", 48000, 64);
    r.host_ports();
    r.set("/mix/main/in5/gain", "0");
    r.set("/mix/line3/in5/gain", "0");
    r.set("/input/in5/rec_fx", "on");
    for (const auto& [path, value] : slots)
        r.set(path, value);
    r.start();
    const std::vector<float> x = loud_then_vanishing(9600);
    size_t subnormal_in = 0;
    for (float v : x)
        subnormal_in += subnormal(v);
    ASSERT_GT(subnormal_in, 1000u);
    const unsigned before = _mm_getcsr();
    ASSERT_EQ(before & 0x8040u, 0u) << "the test runs without FTZ/DAZ of its own";
    for (size_t at = 0; at < x.size(); at += 64) {
        std::copy(x.begin() + static_cast<long>(at), x.begin() + static_cast<long>(at + 64),
                  r.hw_in(4).begin());
        r.block(64);
        ASSERT_EQ(_mm_getcsr(), before);
    }
    for (const char* ch : {"main.L", "main.R", "line3"}) {
        EXPECT_GT(peak(r.out(ch)), 0.1f) << ch;  // the plugins did pass the sound
        for (float s : r.out(ch))
            ASSERT_FALSE(subnormal(s)) << ch << ": " << s;
    }
    for (float s : r.cap("in5"))
        ASSERT_FALSE(subnormal(s)) << "in5's capture: " << s;
}

// x42's nodelay copies samples as they are, eg-amp multiplies them (lv2-examples).
TEST(Denormals, NoneLeaveADelayOrAGainPluginOnAnInputOrAnOutput) {
    expect_no_subnormal_through(
        {{"/input/in5/insert/1/plugin", "http://gareus.org/oss/lv2/nodelay"},
         {"/input/in5/insert/1/delay", "100"},
         {"/input/in5/insert/2/plugin", "http://lv2plug.in/plugins/eg-amp"},
         {"/input/in5/insert/2/gain", "-6"},
         {"/output/main/insert/1/plugin", "http://gareus.org/oss/lv2/nodelay"},
         {"/output/main/insert/1/delay", "37"},
         {"/output/line3/insert/1/plugin", "http://lv2plug.in/plugins/eg-amp"},
         {"/output/line3/insert/1/gain", "6"}});
}

// LSP's compressor and x42's darc, whose envelopes decay from the loud part. The name says
// which plugins it loads: both leave memory behind at dlclose() (LeakSanitizer), so
// scripts/sanitize.sh leaves it out of the AddressSanitizer run, as it does darc's other tests.
TEST(Denormals, NoneLeaveTheCompressorPluginsLspAndDarc) {
    expect_no_subnormal_through(
        {{"/input/in5/insert/1/plugin", "http://lsp-plug.in/plugins/lv2/compressor_mono"},
         {"/input/in5/insert/1/al", "0.1"},
         {"/input/in5/insert/1/cr", "4"},
         {"/output/main/insert/1/plugin", "http://gareus.org/oss/lv2/darc#mono"},
         {"/output/main/insert/1/threshold", "-30"},
         {"/output/line3/insert/1/plugin", "http://lsp-plug.in/plugins/lv2/compressor_mono"}});
}

}  // namespace
}  // namespace phantom::test
