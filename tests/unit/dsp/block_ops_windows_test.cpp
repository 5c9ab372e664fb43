// dsp::window_sums and the analysis tap's decimation built on it: every window's sum is the
// running sum from 0.0f in sample order, bit for bit, whatever the block sizes (the eight
// windows summed side by side must not change one addition).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "phantom/dsp/block_ops_windows.hpp"
#include "phantom/engine/analysis_tap.hpp"
#include "test_signals.hpp"

namespace phantom {
namespace {

bool same_bits(float a, float b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

TEST(WindowSums, AreRunningSumsInSampleOrderBitForBit) {
    const auto x = test::noise(32 * 21 + 5, 17, 3.0f);
    for (const int window : {1, 7, 32}) {
        const int windows = static_cast<int>(x.size()) / window;
        std::vector<float> sums(static_cast<size_t>(windows));
        dsp::window_sums(x.data(), window, windows, sums.data());
        for (int k = 0; k < windows; ++k) {
            float expected = 0.0f;
            for (int j = 0; j < window; ++j)
                expected += x[static_cast<size_t>(k * window + j)];
            ASSERT_TRUE(same_bits(sums[static_cast<size_t>(k)], expected))
                << "window " << window << ", sum " << k;
        }
    }
}

TEST(WindowSums, AnalysisTapDecimatesAsOneRunningSumAcrossBlocks) {
    engine::AnalysisTap tap(1, 48000.0);
    const int d = tap.decimation();
    const auto x = test::noise(48000, 23);
    // Blocks that end inside windows, span several, and are shorter than one.
    size_t done = 0;
    for (const int block : {1000, 7, 31, 1024, 64, 5, 4096}) {
        tap.push_rt(0, x.data() + done, block);
        done += static_cast<size_t>(block);
    }
    std::vector<float> means(done);
    means.resize(tap.read(0, means.data(), means.size()));
    ASSERT_EQ(means.size(), done / static_cast<size_t>(d));
    const float scale = 1.0f / static_cast<float>(d);
    for (size_t k = 0; k < means.size(); ++k) {
        float sum = 0.0f;
        for (int j = 0; j < d; ++j)
            sum += x[k * static_cast<size_t>(d) + static_cast<size_t>(j)];
        ASSERT_TRUE(same_bits(means[k], sum * scale)) << "mean " << k;
    }
}

}  // namespace
}  // namespace phantom
