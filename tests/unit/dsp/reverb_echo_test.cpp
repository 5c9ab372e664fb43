// Reverb: RT60 measured on the impulse response by Schroeder backward integration (the energy
// decay curve, a straight line fitted from −5 to −35 dB, extrapolated to −60 dB) within 15 % of
// the set decay. Echo: the repeats exact to the frame, ping-pong, tempo sync.
#include <gtest/gtest.h>

#include <cstdio>

#include "phantom/dsp/echo.hpp"
#include "phantom/dsp/reverb.hpp"
#include "processor_harness.hpp"
#include "schroeder.hpp"

namespace phantom::test {
namespace {

std::vector<double> reverb_energy(const dsp::ReverbSettings& s, double fs, double seconds) {
    dsp::Reverb r;
    r.prepare(fs, 64);
    r.set_coefficients(dsp::design_reverb(s, fs));
    r.reset();
    const size_t frames = static_cast<size_t>(seconds * fs);
    std::vector<Signal> ch{Signal(frames, 0.0f), Signal(frames, 0.0f)};
    ch[0][0] = 1.0f;
    ch[1][0] = 1.0f;
    run_blocks(r, ch, 64);
    std::vector<double> e(frames);
    for (size_t i = 0; i < frames; ++i)
        e[i] = static_cast<double>(ch[0][i]) * ch[0][i] + static_cast<double>(ch[1][i]) * ch[1][i];
    return e;
}

TEST(Reverb, Rt60BySchroederIntegrationWithin15Percent) {
    for (double fs : {48000.0, 96000.0})
        for (double decay : {0.5, 1.2, 3.0})
            for (double size : {0.1, 0.5, 1.0}) {
                dsp::ReverbSettings s;
                s.decay_s = decay;
                s.room_size = size;
                s.predelay_ms = 20;
                s.damping = 0.0;
                const double rt60 = schroeder_rt60_s(reverb_energy(s, fs, 1.5 * decay + 0.5), fs);
                EXPECT_NEAR(rt60, decay, 0.15 * decay)
                    << fs << " Hz, decay " << decay << " s, size " << size;
                std::printf("[ measured ] fs %.0f decay %.1f s size %.1f: RT60 %.3f s\n", fs, decay,
                            size, rt60);
            }
}

// Damping shortens the decay of the highs only: the broadband RT60 falls, towards the Nyquist
// RT60 of decay·(1 − 0.9·damping) at the top, but stays above it.
TEST(Reverb, DampingShortensTheDecay) {
    const double fs = 48000;
    dsp::ReverbSettings s;
    s.decay_s = 2.0;
    s.predelay_ms = 0;
    s.damping = 0.0;
    const double bright = schroeder_rt60_s(reverb_energy(s, fs, 3.5), fs);
    s.damping = 0.8;
    const double dark = schroeder_rt60_s(reverb_energy(s, fs, 3.5), fs);
    EXPECT_LT(dark, bright);
    EXPECT_GT(dark, 2.0 * (1 - 0.9 * 0.8));
}

TEST(Reverb, PredelayIsExact) {
    const double fs = 48000;
    dsp::ReverbSettings s;
    s.predelay_ms = 40;  // 1920 frames; the shortest path adds the first diffuser's feed-through
    const auto e = reverb_energy(s, fs, 0.2);
    for (size_t i = 0; i < 1920; ++i)
        ASSERT_EQ(e[i], 0.0) << i;
}

// The width matrix: 0 gives a mono tail (L = R), 1 leaves the two decorrelated taps.
TEST(Reverb, WidthZeroIsMono) {
    const double fs = 48000;
    dsp::Reverb r;
    r.prepare(fs, 64);
    dsp::ReverbSettings s;
    s.width = 0.0;
    r.set_coefficients(dsp::design_reverb(s, fs));
    std::vector<Signal> ch{Signal(48000, 0.0f), Signal(48000, 0.0f)};
    ch[0][0] = 1.0f;
    run_blocks(r, ch, 64);
    EXPECT_EQ(ch[0], ch[1]);
}

// A new decay or damping mid-tail changes the slope of the tail but does not cut or restart it
// (a reset would leave silence until the lines refill): the 10 ms after the change carry no
// more than the 10 ms before, and no less than 6 dB under it. The darker setting does take
// the highs down at once: each pass through a line now loses several dB at the top.
TEST(Reverb, CoefficientChangeKeepsTheTail) {
    const double fs = 48000;
    dsp::Reverb r;
    r.prepare(fs, 64);
    dsp::ReverbSettings s;
    s.decay_s = 2.0;
    r.set_coefficients(dsp::design_reverb(s, fs));
    std::vector<Signal> ch{Signal(48000, 0.0f), Signal(48000, 0.0f)};
    ch[0][0] = 1.0f;
    float* p[2];
    for (int start = 0; start < 48000; start += 64) {
        if (start == 24000) {
            s.decay_s = 0.8;
            s.damping = 0.7;
            r.set_coefficients(dsp::design_reverb(s, fs));
        }
        p[0] = ch[0].data() + start;
        p[1] = ch[1].data() + start;
        r.process({p, 2, 64});
    }
    auto energy = [&](size_t from, size_t to) {
        double e = 0;
        for (size_t i = from; i < to; ++i)
            e +=
                static_cast<double>(ch[0][i]) * ch[0][i] + static_cast<double>(ch[1][i]) * ch[1][i];
        return e;
    };
    const double change_db = 10 * std::log10(energy(24000, 24480) / energy(23520, 24000));
    EXPECT_LT(change_db, 0.0);
    EXPECT_GT(change_db, -6.0);
}

TEST(Echo, CoefficientsHandedOverBeforePrepareAreKept) {
    dsp::EchoSettings s;
    s.time_ms = 10;
    s.high_cut_enabled = false;
    dsp::Echo e;
    e.set_coefficients(dsp::design_echo(s, 48000));
    e.prepare(48000, 64);
    std::vector<Signal> ch{Signal(600, 0.0f), Signal(600, 0.0f)};
    ch[0][0] = 1.0f;
    run_blocks(e, ch, 64);
    EXPECT_EQ(ch[0][480], 1.0f);
}

dsp::Echo make_echo(const dsp::EchoSettings& s, double fs) {
    dsp::Echo e;
    e.prepare(fs, 64);
    e.set_coefficients(dsp::design_echo(s, fs));
    e.reset();
    return e;
}

TEST(Echo, RepeatsExactToTheFrame) {
    for (double fs : {44100.0, 48000.0, 96000.0})
        for (double ms : {1.0, 250.0, 1234.5}) {
            dsp::EchoSettings s;
            s.time_ms = ms;
            s.feedback = 0.5;
            s.high_cut_enabled = false;
            dsp::Echo e;
            e.prepare(fs, 64);
            e.set_coefficients(dsp::design_echo(s, fs));
            e.reset();
            const size_t d = static_cast<size_t>(std::lround(ms / 1000.0 * fs));
            const size_t at = 37;
            std::vector<Signal> ch{Signal(at + 3 * d + 10, 0.0f), Signal(at + 3 * d + 10, 0.0f)};
            ch[0][at] = 1.0f;
            ch[1][at] = -1.0f;
            run_blocks(e, ch, 64);
            for (size_t i = 0; i < ch[0].size(); ++i) {
                float want = 0.0f;
                if (i == at + d) want = 1.0f;
                if (i == at + 2 * d) want = 0.5f;
                if (i == at + 3 * d) want = 0.25f;
                ASSERT_EQ(ch[0][i], want) << fs << " Hz " << ms << " ms frame " << i;
                ASSERT_EQ(ch[1][i], -want);
            }
        }
}

// A new time crossfades between the old and the new tap over 20 ms: on a steady low sine the
// echo never steps by more than the sine's own steepest step plus the fade's share.
TEST(Echo, TimeChangeCrossfades) {
    const double fs = 48000;
    dsp::EchoSettings s;
    s.time_ms = 100;
    s.feedback = 0.0;
    s.high_cut_enabled = false;
    dsp::Echo e = make_echo(s, fs);
    std::vector<Signal> ch(2, Signal(48000));
    for (size_t i = 0; i < ch[0].size(); ++i)
        ch[0][i] = ch[1][i] =
            0.5f * static_cast<float>(std::sin(2 * M_PI * 50 * static_cast<double>(i) / fs));
    float* p[2];
    for (int start = 0; start < 48000; start += 64) {
        if (start == 24000) {
            s.time_ms = 137;
            e.set_coefficients(dsp::design_echo(s, fs));
        }
        p[0] = ch[0].data() + start;
        p[1] = ch[1].data() + start;
        e.process({p, 2, 64});
    }
    const double sine_step = 2 * M_PI * 50 / fs * 0.5;
    const double fade_step = 1.0 / 960;  // two taps at most 1.0 apart, faded over 960 frames
    for (size_t i = 4801; i < ch[0].size(); ++i)
        ASSERT_LT(std::fabs(ch[0][i] - ch[0][i - 1]), sine_step + fade_step) << i;
}

TEST(Echo, PingPongAlternatesSides) {
    const double fs = 48000;
    dsp::EchoSettings s;
    s.time_ms = 100;
    s.feedback = 0.5;
    s.high_cut_enabled = false;
    s.ping_pong = true;
    dsp::Echo e = make_echo(s, fs);
    const size_t d = 4800;
    std::vector<Signal> ch{Signal(4 * d + 1, 0.0f), Signal(4 * d + 1, 0.0f)};
    ch[0][0] = 1.0f;  // mono sum 0.5
    run_blocks(e, ch, 64);
    EXPECT_EQ(ch[0][d], 0.5f);
    EXPECT_EQ(ch[1][d], 0.0f);
    EXPECT_EQ(ch[1][2 * d], 0.25f);
    EXPECT_EQ(ch[0][2 * d], 0.0f);
    EXPECT_EQ(ch[0][3 * d], 0.125f);
    EXPECT_EQ(ch[1][4 * d], 0.0625f);
}

TEST(Echo, TempoSyncNoteValues) {
    dsp::EchoSettings s;
    s.tempo_sync = true;
    s.tempo_bpm = 120;
    s.note = dsp::NoteValue::kDottedEighth;
    EXPECT_EQ(dsp::design_echo(s, 48000).delay_frames, 18000);  // 0.375 s
    s.note = dsp::NoteValue::kEighthTriplet;
    EXPECT_EQ(dsp::design_echo(s, 48000).delay_frames, 8000);  // 1/6 s
    s.tempo_bpm = 90;
    s.note = dsp::NoteValue::kQuarter;
    EXPECT_EQ(dsp::design_echo(s, 44100).delay_frames, 29400);  // 2/3 s
}

// With the high cut on, each repeat loses highs: the second repeat's spectrum at 10 kHz is
// below the first's by the filter's attenuation there, and nothing arrives before the delay.
TEST(Echo, HighCutDarkensEachRepeat) {
    const double fs = 48000;
    dsp::EchoSettings s;
    s.time_ms = 200;
    s.feedback = 0.9;
    s.high_cut_hz = 4000;
    dsp::Echo e = make_echo(s, fs);
    const size_t d = 9600;
    std::vector<Signal> ch{Signal(3 * d, 0.0f), Signal(3 * d, 0.0f)};
    ch[0][0] = 1.0f;
    run_blocks(e, ch, 64);
    for (size_t i = 0; i < d; ++i)
        ASSERT_EQ(ch[0][i], 0.0f);
    const Signal first(ch[0].begin() + d, ch[0].begin() + 2 * d);
    const Signal second(ch[0].begin() + 2 * d, ch[0].end());
    // Butterworth at 4 kHz, order 2, 10 kHz: −10·log10(1 + Ω⁴) on the warped axis.
    const double omega = std::tan(M_PI * 10000 / fs) / std::tan(M_PI * 4000 / fs);
    const double cut_db = -10 * std::log10(1 + std::pow(omega, 4));
    EXPECT_NEAR(dtft_magnitude_db(first, 10000, fs), cut_db, 0.05);
    EXPECT_NEAR(dtft_magnitude_db(second, 10000, fs), 2 * cut_db + db(0.9), 0.05);
}

}  // namespace
}  // namespace phantom::test
