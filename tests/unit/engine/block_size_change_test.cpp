// The engine lays its channels out one block apart and moves them when the block size changes.
// Nothing may be stale after a move: not in a bus, not in a quiet output, not in a mix's list of
// sources.
#include <gtest/gtest.h>

#include "rig.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

// Regression: a route dies during short blocks (its bus is last cleared for a few frames), then
// comes back in long blocks. Nothing stale may be left in the bus beyond the short blocks.
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

// The same session rendered in steady 1024-frame blocks and in blocks of random size (a new
// layout almost every block) must give the same samples on every output and capture channel.
TEST(BlockSizeChange, EveryBlockSizeGivesTheSameSamplesAsOneSteadySize) {
    const auto dir = temp_dir("block-size-layout");
    const auto x = noise(48000, 7), y = noise(48000, 8), z = noise(48000, 9);
    auto render = [&](int block_frames) {
        auto r = std::make_unique<Rig>("studio-8x8", 48000, 1024);
        r->source("pb1", wav_file(dir, "x", x, 48000));
        r->source("pb2", wav_file(dir, "y", y, 48000));
        r->source("in5", wav_file(dir, "z", z, 48000));
        r->set("/mix/hp1/in5/gain", "-6");
        r->set("/monitor/talkback", "on");  // the talkback mic (in1) is silent: a quiet source
        r->set("/loopback/source", "main");
        r->start();
        r->run(48000, block_frames, 3);
        return r;
    };
    const auto steady = render(1024);
    const auto varied = render(0);
    size_t quiet = 0, sounding = 0;
    for (const auto& name : steady->output_names()) {
        ASSERT_EQ(varied->out(name), steady->out(name)) << name;
        (peak(steady->out(name)) == 0.0f ? quiet : sounding)++;
    }
    EXPECT_GT(quiet, 0u) << "no quiet output: the test does not cover their buffers";
    EXPECT_GT(sounding, 0u);
    for (const char* name : {"loopback.L", "loopback.R", "in5", "in1"})
        ASSERT_EQ(varied->cap(name), steady->cap(name)) << name;
    EXPECT_GT(peak(steady->cap("loopback.L")), 0.0f);
}

}  // namespace
}  // namespace phantom::test
