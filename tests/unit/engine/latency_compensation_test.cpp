// Latency compensation across the sources (engine/latency_compensation.hpp): a source whose
// path has latency (here a hardware insert, its loop through the virtual outboard gear)
// delays every other source by the difference, so that all reach the mixes together. Every
// expected figure comes from the loop's description: the virtual converters take one block
// each way and the gear its own delay (delay_ms × rate), so a loop with `delay=1ms` at 48 kHz
// and 64-frame blocks returns 2 × 64 + 48 frames after the send.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "rig.hpp"

namespace phantom::test {
namespace {

constexpr int kBlock = 64;
constexpr std::uint32_t kRate = 48000;
constexpr int kGearFrames = 48;                        // delay=1ms at 48 kHz
constexpr int kLoopFrames = 2 * kBlock + kGearFrames;  // the insert's round trip: 176

size_t index_of(Rig& rig, const std::string& id) {
    return static_cast<size_t>(rig.iface().layout().source_index(id));
}

size_t loudest(const std::vector<float>& x) {
    size_t at = 0;
    for (size_t k = 0; k < x.size(); ++k)
        if (std::abs(x[k]) > std::abs(x[at])) at = k;
    return at;
}

// in1 through an insert (send line3, return in5: the gear delays 1 ms), fully wet, panned
// hard left in main; in2 direct, hard right. A click into each at frame 0.
struct ClickRig {
    Rig rig{"studio-8x8", kRate, kBlock};
    explicit ClickRig(bool compensate) {
        rig.set("/latency/compensate", compensate ? "on" : "off");
        rig.source("in5", "outboard:line3:delay=1ms");
        for (const char* in : {"in1", "in2"}) {
            rig.set(std::string("/input/") + in + "/gain", "0");
            rig.source(in, "impulse:0dBFS");
            rig.set(std::string("/mix/main/") + in + "/gain", "0");
        }
        rig.set("/mix/main/in1/pan", "-1");
        rig.set("/mix/main/in2/pan", "1");
        rig.set("/input/in1/insert/send", "line3");
        rig.set("/input/in1/insert/return", "in5");
        rig.set("/input/in1/insert/mix", "100");
        rig.set("/input/in1/insert/delay", std::to_string(kLoopFrames));
        rig.set("/input/in1/insert/on", "on");
    }
};

TEST(LatencyCompensation, AClickThroughAnInsertAndADirectClickArriveTogether) {
    ClickRig on(true);
    on.rig.start();
    on.rig.run(4096, kBlock);
    // The click left line3 at frame 0 and came back kLoopFrames later: that is when in1 reaches
    // main, and in2, held back by the same, with it.
    EXPECT_EQ(loudest(on.rig.out("main.L")), static_cast<size_t>(kLoopFrames));
    EXPECT_EQ(loudest(on.rig.out("main.R")), static_cast<size_t>(kLoopFrames));
    EXPECT_GT(peak(on.rig.out("main.R")), 0.5f);
    // The host records each with its own latency: in2's capture is the dry click at frame 0.
    EXPECT_EQ(loudest(on.rig.cap("in2")), 0u);

    ClickRig off(false);
    off.rig.start();
    off.rig.run(4096, kBlock);
    EXPECT_EQ(loudest(off.rig.out("main.L")), static_cast<size_t>(kLoopFrames));
    EXPECT_EQ(loudest(off.rig.out("main.R")), 0u) << "uncompensated, in2 is the loop earlier";
}

TEST(LatencyCompensation, TheFiguresAreTheSlowestPathsMinusEachOwn) {
    ClickRig r(true);
    auto& iface = r.rig.iface();
    const size_t n = iface.layout().sources.size();
    const size_t in1 = index_of(r.rig, "in1");
    EXPECT_TRUE(iface.latency_compensation_on());
    for (size_t s = 0; s < n; ++s)
        EXPECT_EQ(iface.input_compensation_frames(s), s == in1 ? 0 : kLoopFrames)
            << iface.layout().sources[s].id;  // playback channels too
    r.rig.set("/latency/compensate", "off");
    for (size_t s = 0; s < n; ++s)
        EXPECT_EQ(iface.input_compensation_frames(s), 0) << iface.layout().sources[s].id;
    r.rig.set("/latency/compensate", "on");
    r.rig.set("/input/in1/insert/on", "off");  // no latency left: nothing to align
    for (size_t s = 0; s < n; ++s)
        EXPECT_EQ(iface.input_compensation_frames(s), 0) << iface.layout().sources[s].id;
}

// With no latency anywhere the switch changes no sample: nothing is delayed and no line runs.
TEST(LatencyCompensation, WithoutLatencyTheSwitchChangesNoSample) {
    auto render = [](bool compensate) {
        Rig rig("studio-8x8", kRate, kBlock);
        rig.set("/latency/compensate", compensate ? "on" : "off");
        rig.source("in1", "pink:-20dBFS");
        rig.source("in2", "sine:440:-20dBFS");
        rig.source("pb3", "pink:-30dBFS");
        rig.set("/mix/main/in1/gain", "0");
        rig.set("/mix/hp1/in2/gain", "-6");
        // An insert made (its send and return set) but not on adds no latency.
        rig.set("/input/in1/insert/send", "line4");
        rig.set("/input/in1/insert/return", "in5");
        rig.start();
        rig.run(8192, 0);
        return std::make_tuple(rig.out("main.L"), rig.out("hp1.L"), rig.out("line3"));
    };
    EXPECT_EQ(render(true), render(false));
}

// Switched while a sine plays on in2: the insert going in (in2 held back by the loop), the
// compensation going off and on, the loop's delay changing. in2 in main never steps beyond the
// sine's own steepest step.
TEST(LatencyCompensation, ChangesWhileRunningDoNotClick) {
    Rig rig("studio-8x8", kRate, kBlock);
    rig.source("in5", "outboard:line3:delay=3ms");
    rig.source("in2", "sine:440:-10dBFS");
    rig.set("/input/in2/gain", "0");
    rig.set("/mix/main/in2/gain", "0");
    rig.set("/mix/main/in2/pan", "1");
    rig.set("/input/in1/insert/send", "line3");
    rig.set("/input/in1/insert/return", "in5");
    rig.set("/input/in1/insert/delay", std::to_string(2 * kBlock + 144));
    rig.start();
    rig.run(4800, kBlock);
    for (const auto& [path, value] :
         std::vector<std::pair<std::string, std::string>>{{"/input/in1/insert/on", "on"},
                                                          {"/latency/compensate", "off"},
                                                          {"/latency/compensate", "on"},
                                                          {"/input/in1/insert/delay", "2000"},
                                                          {"/input/in1/insert/on", "off"}}) {
        rig.set(path, value);
        rig.run(4800, 0);  // random block sizes
    }
    const auto& x = rig.out("main.R");
    double sine_step = 0;
    for (size_t k = 1; k < 4800; ++k)
        sine_step = std::max(sine_step, static_cast<double>(std::abs(x[k] - x[k - 1])));
    ASSERT_GT(sine_step, 0.01);
    for (size_t k = 1; k < x.size(); ++k)
        ASSERT_LE(std::abs(x[k] - x[k - 1]), 1.5 * sine_step) << "at " << k;
}

// As on JACK: the ports come in through the block. With in1's insert on (mix 0: the dry
// channel delayed by `delay`), in2's constant arrives `delay` frames late, exactly; a NaN on
// in2 is stopped by its input stage, never reaches the delay line's output as anything but
// silence, and in2 plays on after it; a signal decaying into the subnormal range comes out
// flushed.
TEST(LatencyCompensation, HostPortsAreDelayedExactlyAndABadBlockStaysSilence) {
    constexpr int kDelay = 100;
    Rig rig("studio-8x8", kRate, kBlock);
    rig.host_ports();
    const size_t in1 = index_of(rig, "in1"), in2 = index_of(rig, "in2");
    rig.set("/mix/main/in2/gain", "0");
    rig.set("/mix/main/in2/pan", "1");
    rig.set("/input/in1/insert/send", "line3");
    rig.set("/input/in1/insert/return", "in5");
    rig.set("/input/in1/insert/mix", "0");
    rig.set("/input/in1/insert/delay", std::to_string(kDelay));
    rig.set("/input/in1/insert/on", "on");
    rig.start();
    std::fill(rig.hw_in(in1).begin(), rig.hw_in(in1).end(), 0.0f);
    // in2: a ramp of distinct values, block after block, so a delay of one frame off shows.
    std::vector<float> sent;
    auto play = [&](int blocks) {
        for (int b = 0; b < blocks; ++b) {
            for (float& v : rig.hw_in(in2)) {
                v = 0.001f * static_cast<float>(sent.size() % 500);
                sent.push_back(v);
            }
            rig.block(kBlock);
        }
    };
    play(16);
    const auto& right = rig.out("main.R");
    ASSERT_EQ(right.size(), sent.size());
    // Hard right at 0 dB: the pan law gives the right side its full gain.
    const float gain = right[kDelay + 1] / sent[1];
    ASSERT_GT(gain, 0.5f);
    for (size_t k = 0; k < right.size(); ++k) {
        const float expected = k < kDelay ? 0.0f : gain * sent[k - kDelay];
        ASSERT_NEAR(right[k], expected, 1e-6f) << "at " << k;
    }

    // A NaN: that block of in2 is silence (its input stage's rule), delayed like the rest.
    const size_t bad_block = sent.size();
    rig.hw_in(in2)[7] = NAN;
    for (size_t k = 0; k < static_cast<size_t>(kBlock); ++k)
        sent.push_back(0.0f);
    rig.block(kBlock);
    play(8);
    for (size_t k = bad_block; k < right.size(); ++k) {
        ASSERT_TRUE(std::isfinite(right[k])) << k;
        const float expected = gain * sent[k - kDelay];
        ASSERT_NEAR(right[k], expected, 1e-6f) << "at " << k;
    }
    EXPECT_GT(peak(right, right.size() - kBlock), 0.0f);

    // Subnormal input: nothing subnormal comes out of the line into the mix.
    float v = 1e-38f;
    for (int b = 0; b < 8; ++b) {
        for (float& s : rig.hw_in(in2)) {
            s = v;
            v *= 0.99f;
        }
        rig.block(kBlock);
    }
    for (float s : right)
        ASSERT_NE(std::fpclassify(s), FP_SUBNORMAL) << s;
}

}  // namespace
}  // namespace phantom::test
