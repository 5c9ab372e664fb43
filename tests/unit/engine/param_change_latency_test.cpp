// How soon a parameter change reaches the audio: a change made between blocks starts at the
// first sample of the next block and is complete 5 ms later (the gain ramp that avoids
// zipper noise), so the worst case is one block plus 5 ms.
#include <gtest/gtest.h>

#include <cmath>

#include "rig.hpp"

namespace phantom::test {
namespace {

constexpr std::uint32_t kRate = 48000;
constexpr int kBlock = 256;
constexpr size_t kRampFrames = kRate * 5 / 1000;  // 5 ms

void set_up(Rig& rig, const char* volume_db) {
    rig.source("in1", "sine:1k:-20dBu");
    rig.set("/mix/hp1/in1/gain", "0");
    rig.set("/output/hp1/volume", volume_db);
    rig.start();
}

TEST(ParamChangeLatency, AVolumeChangeStartsAtTheNextBlockAndIsCompleteWithin5ms) {
    // `before` runs at -20 dB and is turned up to 0 dB between blocks; `after` runs at 0 dB
    // throughout. Same source, same start: once the change is complete they match sample for
    // sample.
    Rig rig("studio-8x8", kRate, kBlock);
    set_up(rig, "-20");
    Rig after("studio-8x8", kRate, kBlock);
    set_up(after, "0");
    const int blocks_before = 40;
    rig.run(blocks_before * kBlock, kBlock);
    after.run(blocks_before * kBlock, kBlock);
    rig.set("/output/hp1/volume", "0");
    rig.run(20 * kBlock, kBlock);
    after.run(20 * kBlock, kBlock);

    const auto& got = rig.out("hp1.L");
    const auto& want = after.out("hp1.L");
    const size_t change = static_cast<size_t>(blocks_before) * kBlock;
    ASSERT_GT(peak(want, change), 1e-3f);
    // Before the change: a tenth of the 0 dB signal.
    for (size_t k = change - kBlock; k < change; ++k)
        ASSERT_NEAR(got[k], 0.1f * want[k], 1e-5f) << "sample " << k;
    // The first samples of the next block already move towards the new level.
    float early_ratio = 0;
    for (size_t k = change + 40; k < change + 60; ++k)
        if (std::fabs(want[k]) > 1e-3f) early_ratio = std::max(early_ratio, got[k] / want[k]);
    EXPECT_GT(early_ratio, 0.11f);
    // 5 ms after the block starts, the change is complete.
    for (size_t k = change + kRampFrames; k < got.size(); ++k)
        ASSERT_NEAR(got[k], want[k], 1e-5f) << "sample " << k - change << " after the change";
}

TEST(ParamChangeLatency, ARouteOpenedFromMinusInfinitySoundsInTheNextBlock) {
    // A route at -inf is not in the plan; opening it publishes a new plan, which the audio
    // thread must take at the very next block, not one later.
    Rig rig("studio-8x8", kRate, kBlock);
    rig.source("in1", "sine:1k:-20dBu");
    rig.set("/output/hp1/volume", "0");
    rig.start();
    rig.run(20 * kBlock, kBlock);
    const size_t change = rig.out("hp1.L").size();
    rig.set("/mix/hp1/in1/gain", "0");
    rig.run(4 * kBlock, kBlock);
    const auto& got = rig.out("hp1.L");
    for (size_t k = change - kBlock; k < change; ++k)
        ASSERT_EQ(got[k], 0.0f);
    EXPECT_GT(peak(got, change), 0.0f);
    float first_block = 0;
    for (size_t k = change; k < change + kBlock; ++k)
        first_block = std::max(first_block, std::fabs(got[k]));
    EXPECT_GT(first_block, 0.0f) << "the route sounded only a block later";
}

// The audio thread re-reads every crosspoint only when one moved: with stress-64's thousands
// of crosspoints, a fader on an output or the monitor section must not make it do so.
TEST(ParamChangeLatency, OnlyAMovedCrosspointMakesTheAudioThreadReReadTheMixes) {
    Rig rig("studio-8x8", kRate, kBlock);
    rig.source("in1", "sine:1k:-20dBu");
    rig.set("/mix/hp1/in1/gain", "0");
    rig.start();
    rig.run(4 * kBlock, kBlock);
    const auto generation = [&] {
        return rig.iface().engine().targets().route_generation.load(std::memory_order_acquire);
    };
    const auto before = generation();
    for (const char* path : {"/monitor/volume", "/output/hp1/volume", "/input/in1/trim"})
        rig.set(path, "-7");
    rig.set("/monitor/dim", "on");
    EXPECT_EQ(generation(), before) << "a change outside the mixes re-read every crosspoint";
    rig.set("/mix/hp1/in1/gain", "-3");
    EXPECT_GT(generation(), before) << "a moved crosspoint was not re-read";
    const auto after_move = generation();
    rig.set("/mix/hp1/in1/gain", "-3");  // the same value again
    EXPECT_EQ(generation(), after_move);
}

}  // namespace
}  // namespace phantom::test
