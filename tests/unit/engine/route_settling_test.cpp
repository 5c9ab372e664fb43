// A crosspoint turned off stays in the plan while its gain ramps to silence and leaves it once
// the ramp is surely over (Interface::maintain: the ramp, 5 ms, and two of the largest blocks).
// The fade is heard whole; a device with thousands of crosspoints does not go on mixing the ones
// nobody hears; a route turned back on before it settled is not dropped under the listener.
#include <gtest/gtest.h>

#include "rig.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

constexpr int kBlock = 64;
constexpr int kRampFrames = 240;                     // 5 ms at 48 kHz
constexpr int kSettleFrames = kRampFrames + 2 * 64;  // the ramp and two blocks of max_frames

TEST(RouteSettling, ARouteTurnedOffFadesOutWholeAndThenLeavesThePlan) {
    Rig r("studio-8x8", 48000, kBlock);
    const auto x = noise(48000, 11);
    r.source("pb1", wav_file(temp_dir("route-settling"), "x", x, 48000));  // pb1 plays main.L
    r.start();
    r.run(1024, kBlock);
    const size_t live = r.iface().live_route_count();
    ASSERT_GT(live, 0u);

    r.set("/mix/main/pb1/gain", "-inf");
    const size_t from = r.out("main.L").size();
    r.run(kSettleFrames - kBlock, kBlock);  // within the settling time: still in the plan
    EXPECT_EQ(r.iface().live_route_count(), live);
    r.run(2 * kBlock, kBlock);  // past it: gone
    EXPECT_EQ(r.iface().live_route_count(), live - 1);

    const auto& out = r.out("main.L");
    for (size_t i = from; i < out.size(); ++i) {
        const size_t k = i - from;
        const double gain = k + 1 >= static_cast<size_t>(kRampFrames)
                                ? 0.0
                                : 1.0 - static_cast<double>(k + 1) / kRampFrames;
        ASSERT_NEAR(out[i], x[i] * gain, 1e-5) << "frame " << k << " of the fade";
    }
}

TEST(RouteSettling, ARouteTurnedBackOnBeforeItSettledStaysAndCanLeaveLater) {
    Rig r("studio-8x8", 48000, kBlock);
    const auto x = noise(48000, 12);
    r.source("pb1", wav_file(temp_dir("route-settling-back"), "x", x, 48000));
    r.start();
    r.run(1024, kBlock);
    const size_t live = r.iface().live_route_count();

    r.set("/mix/main/pb1/gain", "-inf");
    r.run(2 * kBlock, kBlock);
    r.set("/mix/main/pb1/gain", "0");  // back before the old fade's settling time ran out
    r.run(4 * kSettleFrames, kBlock);
    EXPECT_EQ(r.iface().live_route_count(), live);
    const auto& out = r.out("main.L");
    const size_t last = out.size() - 1;
    EXPECT_NEAR(out[last], x[last], 1e-6) << "the route plays at unity again";

    r.set("/mix/main/pb1/gain", "-inf");  // and off for good
    r.run(kSettleFrames + kBlock, kBlock);
    EXPECT_EQ(r.iface().live_route_count(), live - 1);
}

}  // namespace
}  // namespace phantom::test
