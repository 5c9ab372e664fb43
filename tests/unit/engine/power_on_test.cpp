// A live start (Interface::start_live): outputs are silent for the first block, then rise to
// the restored volume over at least 500 ms, never above it.
#include <gtest/gtest.h>

#include <cmath>

#include "rig.hpp"

namespace phantom::test {
namespace {

TEST(PowerOn, OutputsAreSilentForTheFirstBlockThenRampOverHalfASecond) {
    constexpr int kBlock = 256;
    constexpr std::uint32_t kRate = 48000;
    Rig rig("studio-8x8", kRate, kBlock);
    // A 1 kHz sine at -20 dBu into in1, routed at unity to the phones at -6 dB.
    rig.source("in1", "sine:1k:-20dBu");
    rig.set("/mix/hp1/in1/gain", "0");
    rig.set("/output/hp1/volume", "-6");
    // The level it restores to, from a plain start on a second rig.
    Rig reference("studio-8x8", kRate, kBlock);
    reference.source("in1", "sine:1k:-20dBu");
    reference.set("/mix/hp1/in1/gain", "0");
    reference.set("/output/hp1/volume", "-6");
    reference.start();
    reference.run(kRate, kBlock);
    const float restored_peak = peak(reference.out("hp1.L"), kRate / 2);
    ASSERT_GT(restored_peak, 1e-3f);

    rig.iface().start_live();
    rig.run(kRate, kBlock);
    const auto& out = rig.out("hp1.L");
    for (int k = 0; k < kBlock; ++k)
        ASSERT_EQ(out[static_cast<size_t>(k)], 0.0f) << "sample " << k << " of the first block";
    // Still rising at 450 ms after the first block: the ramp is at least 500 ms long.
    const size_t at_450ms = kBlock + static_cast<size_t>(0.45 * kRate);
    float early = 0;
    for (size_t k = at_450ms - 480; k < at_450ms; ++k)
        early = std::max(early, std::fabs(out[k]));
    EXPECT_LT(early, 0.95f * restored_peak);
    EXPECT_GT(early, 0.5f * restored_peak);  // and rising, not stuck
    // Never above the restored level; at it after the ramp.
    EXPECT_LE(peak(out), restored_peak * 1.0001f);
    EXPECT_NEAR(peak(out, kBlock + static_cast<size_t>(0.7 * kRate)), restored_peak,
                restored_peak * 1e-3);
}

}  // namespace
}  // namespace phantom::test
