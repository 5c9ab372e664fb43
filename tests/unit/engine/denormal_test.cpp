// reliability.md §8 test 10: a decaying 1e-38 input through a filter (the pickup RLC on a Hi-Z
// input) and a mix's reverb and echo gives no subnormal sample anywhere, and the caller's MXCSR
// is restored after process().
#include <gtest/gtest.h>
#include <xmmintrin.h>

#include <cmath>

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

}  // namespace
}  // namespace phantom::test
