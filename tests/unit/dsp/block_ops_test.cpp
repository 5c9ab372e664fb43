// The kernels (chosen per CPU at load time) against plain scalar references written here, with
// awkward sizes: odd lengths, shorter than a vector, unaligned starts.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "phantom/dsp/block_ops.hpp"

namespace phantom::dsp {
namespace {

const int kSizes[] = {0, 1, 3, 7, 8, 9, 31, 253, 1024, 1031};

std::vector<float> random_block(int n, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> d(-2.0f, 2.0f);
    std::vector<float> x(static_cast<size_t>(n) + 1);
    for (auto& v : x)
        v = d(rng);
    return x;
}

TEST(BlockOps, MaxAbsBitsAndMeasureMatchScalar) {
    for (int n : kSizes) {
        auto buf = random_block(n, static_cast<std::uint32_t>(n));
        const float* x = buf.data() + 1;  // unaligned start
        float peak = 0;
        double sum = 0;
        for (int i = 0; i < n; ++i) {
            peak = std::max(peak, std::fabs(x[i]));
            sum += static_cast<double>(x[i]) * x[i];
        }
        EXPECT_EQ(max_abs(x, n), peak) << n;
        BlockLevel level = measure(x, n);
        EXPECT_EQ(bits_to_float(level.max_abs_bits), peak) << n;
        EXPECT_NEAR(level.sum_of_squares, sum, 1e-4 * (sum + 1)) << n;
    }
    std::vector<float> y(253, 0.5f);
    y[250] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_FALSE(all_finite(y.data(), 253));
    y[250] = -std::numeric_limits<float>::infinity();
    EXPECT_FALSE(all_finite(y.data(), 253));
    y[250] = -3.0e38f;
    EXPECT_TRUE(all_finite(y.data(), 253));
}

TEST(BlockOps, MixAndScaleMatchScalarBitForBit) {
    for (int n : kSizes) {
        auto src = random_block(n, 1u + static_cast<std::uint32_t>(n));
        auto l = random_block(n, 2u + static_cast<std::uint32_t>(n)),
             r = random_block(n, 3u + static_cast<std::uint32_t>(n));
        auto l_ref = l, r_ref = r;
        for (int i = 0; i < n; ++i) {
            l_ref[static_cast<size_t>(i)] += src[static_cast<size_t>(i)] * 0.3f;
            r_ref[static_cast<size_t>(i)] += src[static_cast<size_t>(i)] * -0.7f;
        }
        mix_add_stereo(src.data(), l.data(), r.data(), 0.3f, -0.7f, n);
        EXPECT_EQ(l, l_ref) << n;
        EXPECT_EQ(r, r_ref) << n;
        auto m = src, m_ref = src;
        for (int i = 0; i < n; ++i)
            m_ref[static_cast<size_t>(i)] *= 0.25f;
        scale(m.data(), 0.25f, n);
        EXPECT_EQ(m, m_ref) << n;
        auto c = src;
        int expected_clips = 0;
        for (int i = 0; i < n; ++i)
            expected_clips += std::fabs(c[static_cast<size_t>(i)]) > 1.0f;
        EXPECT_EQ(hard_clip(c.data(), n, 1.0f), expected_clips) << n;
        for (int i = 0; i < n; ++i)
            EXPECT_LE(std::fabs(c[static_cast<size_t>(i)]), 1.0f);
    }
}

// The fused pass against the math (each sample clipped to ±1, the count of |x| > 1, the peak and
// Σx² of the clipped block in double) and against the two passes it replaces, bit for bit.
TEST(BlockOps, HardClipMeasureIsTheClipThenTheMeasureBitForBit) {
    for (int n : kSizes) {
        const auto buf = random_block(n, 7u + static_cast<std::uint32_t>(n));  // half over ±1
        auto fused = buf, apart = buf;
        int expected_clips = 0;
        float peak = 0;
        double sum = 0;
        for (int i = 1; i <= n; ++i) {
            const float v = buf[static_cast<size_t>(i)];
            expected_clips += std::fabs(v) > 1.0f;
            const float c = std::clamp(v, -1.0f, 1.0f);
            peak = std::max(peak, std::fabs(c));
            sum += static_cast<double>(c) * c;
        }
        BlockLevel level{};
        EXPECT_EQ(hard_clip_measure(fused.data() + 1, n, 1.0f, level), expected_clips) << n;
        EXPECT_EQ(bits_to_float(level.max_abs_bits), peak) << n;
        EXPECT_NEAR(level.sum_of_squares, sum, 1e-4 * (sum + 1)) << n;

        const int clips_apart = hard_clip(apart.data() + 1, n, 1.0f);
        const BlockLevel level_apart = measure(apart.data() + 1, n);
        EXPECT_EQ(clips_apart, expected_clips) << n;
        EXPECT_EQ(fused, apart) << n;
        EXPECT_EQ(level.max_abs_bits, level_apart.max_abs_bits) << n;
        EXPECT_EQ(std::bit_cast<std::uint32_t>(level.sum_of_squares),
                  std::bit_cast<std::uint32_t>(level_apart.sum_of_squares))
            << n << ": " << level.sum_of_squares << " vs " << level_apart.sum_of_squares;
    }
}

}  // namespace
}  // namespace phantom::dsp

namespace phantom::dsp {
namespace {

TEST(BlockOps, BusKernelsEqualSeparateMixAddsBitForBit) {
    for (int n : kSizes) {
        for (int count : {0, 1, 5, 37}) {
            std::vector<std::vector<float>> srcs;
            std::vector<const float*> ptrs;
            std::vector<float> gl, gr;
            for (int k = 0; k < count; ++k) {
                srcs.push_back(random_block(n, static_cast<std::uint32_t>(100 + k)));
                gl.push_back(0.1f * static_cast<float>(k + 1));
                gr.push_back(-0.05f * static_cast<float>(k));
            }
            for (auto& s : srcs)
                ptrs.push_back(s.data());
            auto l = random_block(n, 7), r = random_block(n, 8);
            auto l_ref = l, r_ref = r, m = l, m_ref = l;
            for (int k = 0; k < count; ++k) {
                mix_add_stereo(ptrs[static_cast<size_t>(k)], l_ref.data(), r_ref.data(),
                               gl[static_cast<size_t>(k)], gr[static_cast<size_t>(k)], n);
                mix_add(ptrs[static_cast<size_t>(k)], m_ref.data(), gl[static_cast<size_t>(k)], n);
            }
            mix_bus_stereo(ptrs.data(), gl.data(), gr.data(), count, l.data(), r.data(), n);
            mix_bus_mono(ptrs.data(), gl.data(), count, m.data(), n);
            EXPECT_EQ(l, l_ref) << n << " frames, " << count << " sources";
            EXPECT_EQ(r, r_ref) << n << " frames, " << count << " sources";
            EXPECT_EQ(m, m_ref) << n << " frames, " << count << " sources";
        }
    }
}

}  // namespace
}  // namespace phantom::dsp
