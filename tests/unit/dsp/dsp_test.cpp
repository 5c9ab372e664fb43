#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "phantom/dsp/block_ops.hpp"
#include "phantom/dsp/gain_ramp.hpp"
#include "phantom/dsp/meter.hpp"
#include "phantom/dsp/pan_law.hpp"

namespace phantom::dsp {
namespace {

TEST(PanLaw, ConstantPowerSinCos) {
    auto c = constant_power_pan(0.0);
    EXPECT_NEAR(c.left, 0.70711, 1e-5);
    EXPECT_NEAR(c.right, 0.70711, 1e-5);
    EXPECT_EQ(constant_power_pan(-1.0).left, 1.0);
    EXPECT_EQ(constant_power_pan(-1.0).right, 0.0);
    EXPECT_EQ(constant_power_pan(1.0).right, 1.0);
    // p = -0.5: left = cos(π/8), right = sin(π/8); power sums to 1 everywhere.
    auto q = constant_power_pan(-0.5);
    EXPECT_NEAR(q.left, 0.92388, 1e-5);
    EXPECT_NEAR(q.right, 0.38268, 1e-5);
    for (double p = -1; p <= 1; p += 0.125) {
        auto g = constant_power_pan(p);
        EXPECT_NEAR(g.left * g.left + g.right * g.right, 1.0, 1e-12);
    }
}

TEST(GainRamp, ReachesTargetLinearlyInRampFrames) {
    GainRamp r;
    r.snap(0.0f);
    r.set_target(1.0f, 100);
    std::vector<float> ones(150, 1.0f), out(150);
    r.apply(ones.data(), out.data(), 150);
    EXPECT_NEAR(out[0], 0.01f, 1e-6);
    EXPECT_NEAR(out[49], 0.5f, 1e-5);
    EXPECT_EQ(out[99], 1.0f);
    EXPECT_EQ(out[149], 1.0f);
    EXPECT_FALSE(r.ramping());
}

TEST(GainRamp, SplitBlocksGiveTheSameRamp) {
    GainRamp a, b;
    a.snap(1.0f);
    b.snap(1.0f);
    a.set_target(0.25f, 240);
    b.set_target(0.25f, 240);
    std::vector<float> in(300, 1.0f), one(300), split(300);
    a.apply(in.data(), one.data(), 300);
    b.apply(in.data(), split.data(), 7);
    b.apply(in.data() + 7, split.data() + 7, 193);
    b.apply(in.data() + 200, split.data() + 200, 100);
    for (int i = 0; i < 300; ++i)
        EXPECT_NEAR(one[static_cast<size_t>(i)], split[static_cast<size_t>(i)], 1e-6) << i;
}

TEST(BlockOps, GuardsAndClip) {
    std::vector<float> x = {0.5f, -2.0f, 1.5f, 0.0f};
    EXPECT_TRUE(all_finite(x.data(), 4));
    EXPECT_EQ(max_abs(x.data(), 4), 2.0f);
    EXPECT_EQ(hard_clip(x.data(), 4, 1.0f), 2);
    EXPECT_EQ(x[1], -1.0f);
    x[2] = NAN;
    EXPECT_FALSE(all_finite(x.data(), 4));
    x[2] = INFINITY;
    EXPECT_FALSE(all_finite(x.data(), 4));
}

TEST(Meter, PeakRmsHoldAndClips) {
    MeterState m;
    auto b = MeterBallistics::make(48000, 480);
    std::vector<float> sine(480);
    for (size_t i = 0; i < sine.size(); ++i)
        sine[i] = 0.5f * static_cast<float>(std::sin(2 * M_PI * 1000 * i / 48000.0));
    for (int k = 0; k < 200; ++k)
        m.update(sine.data(), 480, 0, b);  // 2 s: RMS settled
    EXPECT_NEAR(m.reading().peak, 0.5f, 1e-3);
    EXPECT_NEAR(m.reading().rms, 0.5f / std::sqrt(2.0f), 1e-3);
    std::vector<float> quiet(480, 0.0f);
    m.update(quiet.data(), 480, 3, b);
    EXPECT_EQ(m.reading().peak, 0.0f);
    EXPECT_NEAR(m.reading().peak_hold, 0.5f, 1e-3);  // held
    EXPECT_EQ(m.reading().clips, 3u);
    for (int k = 0; k < 300; ++k)
        m.update(quiet.data(), 480, 0, b);  // 3 s: hold released
    EXPECT_EQ(m.reading().peak_hold, 0.0f);
    EXPECT_NEAR(m.reading().peak_max, 0.5f, 1e-3);
}

}  // namespace
}  // namespace phantom::dsp
