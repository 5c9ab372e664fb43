// Regression: a route dies during short blocks (its bus is last cleared for a few frames), then
// comes back in long blocks. Nothing stale may be left in the bus beyond the short blocks.
#include <gtest/gtest.h>

#include "rig.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

TEST(BlockSizeChange, BusesHoldNothingStaleAcrossShortAndLongBlocks) {
    Rig r("studio-8x8", 48000, 256);
    const auto x = noise(48000, 5);
    r.source("pb1", wav_file(temp_dir("block-size"), "x", x, 48000));
    r.start();
    r.run(1024, 256);                     // the bus full of noise
    r.set("/mix/main/pb1/gain", "-inf");  // ramps out over 240 frames …
    r.run(2048, 16);                      // … in 16-frame blocks; the route is then pruned
    r.set("/mix/main/pb1/gain", "0");     // back, in long blocks
    const size_t from = r.out("main.L").size();
    r.run(1024, 256);
    const auto& out = r.out("main.L");
    const int ramp = 240;  // 5 ms at 48 kHz
    for (size_t i = from; i < out.size(); ++i) {
        const size_t k = i - from;
        const double gain =
            k + 1 >= static_cast<size_t>(ramp) ? 1.0 : static_cast<double>(k + 1) / ramp;
        ASSERT_NEAR(out[i], x[i] * gain, 1e-5) << "frame " << k << " after the route came back";
    }
}

}  // namespace
}  // namespace phantom::test
