// Alignment delay (exact to the frame), M/S and width, and the headphone limiter (no sample
// above the ceiling on worst-case signals, transparent below it, latency as reported).
#include <gtest/gtest.h>

#include <random>

#include "phantom/dsp/alignment_delay.hpp"
#include "phantom/dsp/limiter.hpp"
#include "phantom/dsp/stereo_width.hpp"
#include "processor_harness.hpp"

namespace phantom::test {
namespace {

Signal noise(size_t frames, unsigned seed, float sigma = 0.3f) {
    std::mt19937 rng(seed);
    std::normal_distribution<float> n(0.0f, sigma);
    Signal x(frames);
    for (auto& v : x)
        v = n(rng);
    return x;
}

TEST(AlignmentDelay, ExactToTheFrameAtEveryBlockSize) {
    for (double fs : {44100.0, 48000.0, 96000.0})
        for (double ms : {0.0, 0.1, 7.3, 50.0})
            for (int block : {16, 64, 253}) {
                dsp::AlignmentDelay d;
                d.prepare(fs, block);
                d.set_coefficients(dsp::design_alignment_delay({ms}, fs));
                d.reset();  // in force from the first frame, no fade
                const int frames = static_cast<int>(std::lround(ms / 1000.0 * fs));
                const Signal in = noise(20000, 3);
                Signal l = in, r = in;
                for (auto& v : r)
                    v = -v;
                std::vector<Signal> ch{l, r};
                run_blocks(d, ch, block);
                for (size_t i = 0; i < in.size(); ++i) {
                    const float want =
                        i >= static_cast<size_t>(frames) ? in[i - static_cast<size_t>(frames)] : 0;
                    ASSERT_EQ(ch[0][i], want) << fs << " Hz, " << ms << " ms, frame " << i;
                    ASSERT_EQ(ch[1][i], -want);
                }
                EXPECT_EQ(d.latency_frames(), 0);
            }
}

// A changed delay fades from the old tap to the new one: no step larger than the signal's own.
TEST(AlignmentDelay, ChangeCrossfades) {
    const double fs = 48000;
    dsp::AlignmentDelay d;
    d.prepare(fs, 64);
    d.set_coefficients(dsp::design_alignment_delay({5.0}, fs));
    d.reset();
    Signal x(19200);
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = 0.5f * static_cast<float>(std::sin(2 * M_PI * 100 * static_cast<double>(i) / fs));
    float* p[1];
    for (int start = 0; start < 19200; start += 64) {
        if (start == 9600) d.set_coefficients(dsp::design_alignment_delay({12.5}, fs));
        p[0] = x.data() + start;
        d.process({p, 1, 64});
    }
    const double steady_step = 2 * M_PI * 100 / fs * 0.5;
    for (size_t i = 1; i < x.size(); ++i)
        ASSERT_LT(std::fabs(x[i] - x[i - 1]), 2.0 * steady_step) << i;
    // After the fade: exactly 600 frames behind.
    for (size_t i = 12000; i < 19200; ++i)
        ASSERT_NEAR(x[i], 0.5 * std::sin(2 * M_PI * 100 * static_cast<double>(i - 600) / fs), 1e-6);
}

// The engine may hand the coefficients over before it prepares the processor.
TEST(AlignmentDelay, CoefficientsHandedOverBeforePrepareAreKept) {
    dsp::AlignmentDelay d;
    d.set_coefficients(dsp::design_alignment_delay({1.0}, 48000));
    d.prepare(48000, 64);
    Signal x(200, 0.0f);
    x[0] = 1.0f;
    run_mono(d, x, 64);
    EXPECT_EQ(x[48], 1.0f);
}

TEST(StereoWidth, MidSideAndWidthMatrices) {
    auto apply = [](const dsp::StereoWidthSettings& s, float l, float r) {
        dsp::StereoWidth w;
        w.prepare(48000, 64);
        w.set_coefficients(dsp::design_stereo_width(s));
        w.reset();
        std::vector<Signal> ch{Signal(4, l), Signal(4, r)};
        run_blocks(w, ch, 4);
        return std::pair<float, float>(ch[0][3], ch[1][3]);
    };
    // Width 0 is mono: both sides carry (L + R)/2.
    auto m = apply({false, 0.0, false}, 1.0f, 0.0f);
    EXPECT_FLOAT_EQ(m.first, 0.5f);
    EXPECT_FLOAT_EQ(m.second, 0.5f);
    // Width 1 is the identity.
    m = apply({false, 1.0, false}, 0.3f, -0.7f);
    EXPECT_FLOAT_EQ(m.first, 0.3f);
    EXPECT_FLOAT_EQ(m.second, -0.7f);
    // Width 2 doubles the side: M = 0.5, S = 0.5 → L = 1.5, R = −0.5.
    m = apply({false, 2.0, false}, 1.0f, 0.0f);
    EXPECT_FLOAT_EQ(m.first, 1.5f);
    EXPECT_FLOAT_EQ(m.second, -0.5f);
    // An M/S recording (M = 0.6, S = 0.2) decodes to L = 0.8, R = 0.4.
    m = apply({true, 1.0, false}, 0.6f, 0.2f);
    EXPECT_FLOAT_EQ(m.first, 0.8f);
    EXPECT_FLOAT_EQ(m.second, 0.4f);
    // Encoding L/R gives M = (L + R)/2, S = (L − R)/2; decode then encode is the identity.
    m = apply({false, 1.0, true}, 0.8f, 0.4f);
    EXPECT_FLOAT_EQ(m.first, 0.6f);
    EXPECT_FLOAT_EQ(m.second, 0.2f);
    m = apply({true, 1.0, true}, 0.6f, 0.2f);
    EXPECT_FLOAT_EQ(m.first, 0.6f);
    EXPECT_FLOAT_EQ(m.second, 0.2f);
}

TEST(StereoWidth, ChangeGlides) {
    dsp::StereoWidth w;
    w.prepare(48000, 64);
    w.set_coefficients(dsp::design_stereo_width({false, 1.0, false}));
    w.reset();
    w.set_coefficients(dsp::design_stereo_width({false, 0.0, false}));
    std::vector<Signal> ch{Signal(480, 1.0f), Signal(480, 0.0f)};
    run_blocks(w, ch, 64);
    for (size_t i = 1; i < 480; ++i)
        ASSERT_LE(std::fabs(ch[0][i] - ch[0][i - 1]), 0.5f / 240 + 1e-6f);
    EXPECT_FLOAT_EQ(ch[0][479], 0.5f);
}

// Worst cases for a limiter: a step from silence to +40 dBFS, single-sample spikes, a square
// at full swing, a near-Nyquist sine far over the ceiling, and loud noise; on a linked pair
// where only one side is hot. No sample may leave above the ceiling.
TEST(Limiter, NoSampleAboveTheCeiling) {
    const double fs = 48000;
    std::vector<Signal> cases;
    {
        Signal x(24000, 0.0f);
        for (size_t i = 12000; i < x.size(); ++i)
            x[i] = 100.0f;
        cases.push_back(x);
    }
    {
        Signal x(24000, 0.0f);
        for (size_t i = 100; i < x.size(); i += 97)
            x[i] = (i % 2 ? 1.0f : -1.0f) * 30.0f;
        cases.push_back(x);
    }
    {
        Signal x(24000);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = ((i / 7) % 2 ? 1.0f : -1.0f) * 4.0f;
        cases.push_back(x);
    }
    {
        Signal x(24000);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] =
                8.0f * static_cast<float>(std::sin(2 * M_PI * 21000 * static_cast<double>(i) / fs));
        cases.push_back(x);
    }
    cases.push_back(noise(48000, 11, 3.0f));
    for (double ceiling_db : {-12.0, -1.0, 0.0})
        for (double release_ms : {10.0, 200.0})
            for (const auto& hot : cases) {
                dsp::Limiter lim;
                lim.prepare(fs, 64);
                lim.set_coefficients(dsp::design_limiter({true, ceiling_db, release_ms}, fs));
                const float ceiling = static_cast<float>(std::pow(10.0, ceiling_db / 20.0));
                std::vector<Signal> ch{noise(hot.size(), 5, 0.05f), hot};
                run_blocks(lim, ch, 61);
                for (const auto& c : ch)
                    for (size_t i = 0; i < c.size(); ++i)
                        ASSERT_LE(std::fabs(c[i]), ceiling) << ceiling_db << " dB, frame " << i;
            }
}

// Below the ceiling the limiter is a pure delay of its reported latency.
TEST(Limiter, TransparentBelowTheCeilingDelayedByItsLatency) {
    for (double fs : {44100.0, 48000.0, 96000.0}) {
        dsp::Limiter lim;
        lim.prepare(fs, 64);
        lim.set_coefficients(dsp::design_limiter({true, -1.0, 80.0}, fs));
        const int latency = lim.latency_frames();
        EXPECT_EQ(latency, static_cast<int>(std::lround(0.0015 * fs)));
        const Signal in = noise(20000, 9, 0.1f);
        Signal x = in;
        run_mono(lim, x, 64);
        for (size_t i = 0; i < in.size(); ++i)
            ASSERT_EQ(x[i], i >= static_cast<size_t>(latency) ? in[i - static_cast<size_t>(latency)]
                                                              : 0.0f);
        EXPECT_EQ(lim.gain_reduction_db(), 0.0f);
    }
}

// A loud sine settles at the ceiling (the limiter does not pump far below it).
TEST(Limiter, SettlesAtTheCeiling) {
    const double fs = 48000;
    dsp::Limiter lim;
    lim.prepare(fs, 64);
    lim.set_coefficients(dsp::design_limiter({true, -6.0, 50.0}, fs));
    Signal x(48000);
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = 2.0f * static_cast<float>(std::sin(2 * M_PI * 1000 * static_cast<double>(i) / fs));
    run_mono(lim, x, 64);
    float peak = 0;
    for (size_t i = 24000; i < x.size(); ++i)
        peak = std::max(peak, std::fabs(x[i]));
    EXPECT_NEAR(db(peak), -6.0, 0.5);
    EXPECT_NEAR(lim.gain_reduction_db(), 12.0, 1.0);
}

}  // namespace
}  // namespace phantom::test
