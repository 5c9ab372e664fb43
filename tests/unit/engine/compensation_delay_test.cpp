// One source's compensation delay (engine/latency_compensation.hpp) against a plain reference:
// out[t] = in[t − d], where a block the source was not connected counts as zeros, and a change
// of d crossfades linearly over 10 ms (480 frames at 48 kHz) from the old tap to the new.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "phantom/engine/latency_compensation.hpp"

namespace phantom::test {
namespace {

using engine::CompensationDelay;

constexpr double kRate = 48000;
constexpr int kFadeFrames = 480;

// The whole input history, so the expected output is an index away.
struct Reference {
    std::vector<float> in;
    float at(long long t) const { return t < 0 ? 0.0f : in[static_cast<size_t>(t)]; }
};

TEST(CompensationDelay, TheLongestDelayIsExactToTheFrame) {
    CompensationDelay d;
    d.prepare(kRate);
    d.set_delay(CompensationDelay::kMaxDelayFrames);
    d.snap();
    Reference ref;
    std::vector<float> block(256);
    for (int b = 0; b < 300; ++b) {  // 76800 frames: the ring wraps twice
        const auto t0 = static_cast<long long>(ref.in.size());
        for (float& x : block) {
            x = static_cast<float>(ref.in.size() % 9973) +
                1.0f;  // never zero, never repeating soon
            ref.in.push_back(x);
        }
        EXPECT_FALSE(d.run(block.data(), 256, false));
        for (int k = 0; k < 256; ++k)
            ASSERT_EQ(block[static_cast<size_t>(k)],
                      ref.at(t0 + k - CompensationDelay::kMaxDelayFrames))
                << "at " << t0 + k;
    }
    d.set_delay(CompensationDelay::kMaxDelayFrames + 1);  // clamped
    EXPECT_EQ(d.delay(), CompensationDelay::kMaxDelayFrames);
}

// Signal, silence, unplugged blocks and signal again, in random block sizes: the output is
// the input delayed, the unplugged span silence (never what the ring held before it), and a
// block reported silent is all zeros.
TEST(CompensationDelay, SilenceAndUnpluggedBlocksReadAsZeros) {
    constexpr int kDelay = 700;
    CompensationDelay d;
    d.prepare(kRate);
    d.set_delay(kDelay);
    d.snap();
    Reference ref;
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> size(1, 512);
    std::vector<float> block(512);
    long long t = 0;
    int reported_silent = 0;
    // Phases of 12000 frames, so the ring (32768) wraps and holds old signal where an unplugged
    // span falls: 0 signal, 1 unplugged, 2 silence, repeated.
    constexpr long long kPhase = 12000;
    while (t < 9 * kPhase) {
        const int phase = static_cast<int>(t / kPhase) % 3;
        const int n = size(rng);
        if (phase == 1) {
            d.skip(n);
            for (int k = 0; k < n; ++k)
                ref.in.push_back(0.0f);
            t += n;
            continue;
        }
        for (int k = 0; k < n; ++k) {
            const float x = phase == 0 ? 0.25f + 0.001f * static_cast<float>((t + k) % 300) : 0.0f;
            block[static_cast<size_t>(k)] = x;
            ref.in.push_back(x);
        }
        const bool silent = d.run(block.data(), n, phase == 2);
        bool zeros = true;
        for (int k = 0; k < n; ++k) {
            ASSERT_EQ(block[static_cast<size_t>(k)], ref.at(t + k - kDelay)) << "at " << t + k;
            zeros = zeros && block[static_cast<size_t>(k)] == 0.0f;
        }
        if (silent) {
            EXPECT_TRUE(zeros) << "at " << t;
            ++reported_silent;
        }
        t += n;
    }
    EXPECT_GT(reported_silent, 0);  // the long silences were known silent, at O(1)
}

// A new delay: the old tap fades out and the new one in, linearly over 10 ms.
TEST(CompensationDelay, ANewDelayCrossfadesTheTwoTaps) {
    constexpr int kFrom = 100, kTo = 900;
    CompensationDelay d;
    d.prepare(kRate);
    d.set_delay(kFrom);
    d.snap();
    Reference ref;
    std::vector<float> block(64);
    auto play = [&](int blocks, auto check) {
        for (int b = 0; b < blocks; ++b) {
            const auto t0 = static_cast<long long>(ref.in.size());
            for (float& x : block) {
                x = static_cast<float>(ref.in.size() % 1000) / 1000.0f + 0.5f;
                ref.in.push_back(x);
            }
            d.run(block.data(), 64, false);
            for (int k = 0; k < 64; ++k)
                check(t0 + k, block[static_cast<size_t>(k)]);
        }
    };
    play(20, [&](long long t, float y) { ASSERT_EQ(y, ref.at(t - kFrom)) << t; });
    d.set_delay(kTo);
    const auto start = static_cast<long long>(ref.in.size());
    play(20, [&](long long t, float y) {
        const long long i = t - start;  // frames into the fade
        if (i >= kFadeFrames) {
            ASSERT_EQ(y, ref.at(t - kTo)) << t;
            return;
        }
        const double w = static_cast<double>(kFadeFrames - i) / kFadeFrames;  // the old tap's
        const double expected = w * ref.at(t - kFrom) + (1.0 - w) * ref.at(t - kTo);
        ASSERT_NEAR(y, expected, 1e-6) << t;
    });
}

}  // namespace
}  // namespace phantom::test
