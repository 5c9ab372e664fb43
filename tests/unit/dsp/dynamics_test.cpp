// Compressor and expander/gate: the static curves against their formulas (written out here
// from Giannoulis, Massberg and Reiss 2012, not taken from gain_computer.hpp), the attack and
// release time constants, the stereo link, the gain-reduction readout and the gate's hold.
#include <gtest/gtest.h>

#include "phantom/dsp/compressor.hpp"
#include "phantom/dsp/expander.hpp"
#include "processor_harness.hpp"

namespace phantom::test {
namespace {

constexpr double kFs = 48000;

// Compressor output level for input level x (dB): hard parts and a quadratic knee of width w.
double compressor_out_db(double x, double t, double r, double w) {
    if (2 * (x - t) < -w) return x;
    if (2 * (x - t) > w || w == 0) return t + (x - t) / r;
    return x + (1 / r - 1) * (x - t + w / 2) * (x - t + w / 2) / (2 * w);
}

double expander_gain_db(double x, double t, double r, double w, double range) {
    double y;
    if (2 * (x - t) > w || (w == 0 && x >= t)) {
        y = x;
    } else if (2 * (x - t) < -w) {
        y = t + (x - t) * r;
    } else {
        y = x - (r - 1) * (x - t - w / 2) * (x - t - w / 2) / (2 * w);
    }
    return std::max(y - x, -range);
}

// The steady gain (dB) for a constant input of `level_db`, after `seconds`.
double settled_gain_db(dsp::Processor& p, double level_db, double seconds) {
    const float a = static_cast<float>(std::pow(10.0, level_db / 20.0));
    Signal x(static_cast<size_t>(seconds * kFs), a);
    run_mono(p, x, 64);
    return db(x.back() / a);
}

TEST(Compressor, StaticCurveMatchesTheFormula) {
    for (double knee : {0.0, 6.0, 12.0})
        for (double ratio : {2.0, 4.0, 20.0}) {
            dsp::CompressorSettings s;
            s.enabled = true;
            s.threshold_db = -24;
            s.ratio = ratio;
            s.knee_db = knee;
            s.attack_ms = 0.5;
            s.release_ms = 5;
            s.makeup_db = 6;
            for (double level = -60; level <= 0; level += 1.5) {
                dsp::Compressor c;
                c.prepare(kFs, 64);
                c.set_coefficients(dsp::design_compressor(s, kFs));
                c.reset();
                const double expected = compressor_out_db(level, -24, ratio, knee) - level + 6.0;
                EXPECT_NEAR(settled_gain_db(c, level, 0.2), expected, 0.1)
                    << "knee " << knee << " ratio " << ratio << " level " << level;
                EXPECT_NEAR(c.gain_reduction_db(), -(expected - 6.0), 0.1);
            }
        }
}

// A step from below the threshold to 20 dB above it (ratio 4: a target of −15 dB): after the
// attack time the gain has made 1 − 1/e of the way; back below, after the release time it has
// recovered all but 1/e.
TEST(Compressor, AttackAndReleaseTimeConstants) {
    dsp::CompressorSettings s;
    s.enabled = true;
    s.threshold_db = -20;
    s.ratio = 4;
    s.knee_db = 0;
    s.attack_ms = 10;
    s.release_ms = 100;
    dsp::Compressor c;
    c.prepare(kFs, 64);
    c.set_coefficients(dsp::design_compressor(s, kFs));
    const size_t step = 4800, attack = 480, release = 4800;
    const size_t back = step + 48000;  // 1 s later: settled at −15 dB
    Signal x(back + 2 * release, 0.01f);
    for (size_t i = step; i < back; ++i)
        x[i] = 1.0f;
    const Signal in = x;
    run_mono(c, x, 64);
    auto gain_db_at = [&](size_t i) { return db(x[i] / in[i]); };
    EXPECT_NEAR(gain_db_at(step - 1), 0.0, 1e-4);
    EXPECT_NEAR(gain_db_at(step + attack - 1), -15.0 * (1 - std::exp(-1.0)), 0.05);
    EXPECT_NEAR(gain_db_at(back - 1), -15.0, 0.01);
    EXPECT_NEAR(gain_db_at(back + release - 1), -15.0 * std::exp(-1.0), 0.05);
}

// Linked, a loud left channel compresses the quiet right one by the same gain; unlinked, the
// right channel passes untouched.
TEST(Compressor, StereoLinkSharesOneGain) {
    for (bool link : {true, false}) {
        dsp::CompressorSettings s;
        s.enabled = true;
        s.threshold_db = -20;
        s.ratio = 4;
        s.knee_db = 0;
        s.attack_ms = 1;
        s.stereo_link = link;
        dsp::Compressor c;
        c.prepare(kFs, 64);
        c.set_coefficients(dsp::design_compressor(s, kFs));
        std::vector<Signal> ch{Signal(9600, 1.0f), Signal(9600, 0.01f)};
        run_blocks(c, ch, 64);
        EXPECT_NEAR(db(ch[0].back()), -15.0, 0.05);
        EXPECT_NEAR(db(ch[1].back() / 0.01), link ? -15.0 : 0.0, 0.05);
    }
}

// A make-up change glides (5 ms time constant) instead of stepping: +12 dB on a steady sine
// below the threshold never moves a sample by more than the louder sine's own steepest step.
TEST(Compressor, MakeupChangeDoesNotClick) {
    dsp::CompressorSettings s;
    s.enabled = true;
    s.threshold_db = -10;
    dsp::Compressor c;
    c.prepare(kFs, 64);
    c.set_coefficients(dsp::design_compressor(s, kFs));
    c.reset();
    Signal x(9600);
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = 0.1f * static_cast<float>(std::sin(2 * M_PI * 200 * static_cast<double>(i) / kFs));
    float* p[1];
    for (int start = 0; start < 9600; start += 64) {
        if (start == 4800) {
            s.makeup_db = 12;
            c.set_coefficients(dsp::design_compressor(s, kFs));
        }
        p[0] = x.data() + start;
        c.process({p, 1, 64});
    }
    const double louder_step = 2 * M_PI * 200 / kFs * 0.1 * std::pow(10.0, 12.0 / 20.0);
    for (size_t i = 1; i < x.size(); ++i)
        ASSERT_LT(std::fabs(x[i] - x[i - 1]), 1.05 * louder_step) << i;
    EXPECT_NEAR(db(std::fabs(x[9600 - 120])),
                db(std::fabs(0.1 * std::sin(2 * M_PI * 200 * 9480 / kFs))) + 12, 0.01);
}

TEST(Compressor, DisabledPassesUntouched) {
    dsp::Compressor c;
    c.prepare(kFs, 64);
    c.set_coefficients(dsp::design_compressor({}, kFs));
    Signal x(1000, 0.9f);
    run_mono(c, x, 64);
    EXPECT_EQ(x, Signal(1000, 0.9f));
    EXPECT_EQ(c.gain_reduction_db(), 0.0f);
}

TEST(Expander, StaticCurveMatchesTheFormula) {
    for (double knee : {0.0, 10.0})
        for (double ratio : {2.0, 4.0, 50.0}) {
            dsp::ExpanderSettings s;
            s.enabled = true;
            s.threshold_db = -40;
            s.ratio = ratio;
            s.range_db = 30;
            s.knee_db = knee;
            s.attack_ms = 0.1;
            s.hold_ms = 0;
            s.release_ms = 5;
            for (double level = -80; level <= 0; level += 2.5) {
                dsp::Expander e;
                e.prepare(kFs, 64);
                e.set_coefficients(dsp::design_expander(s, kFs));
                const double expected = expander_gain_db(level, -40, ratio, knee, 30);
                EXPECT_NEAR(settled_gain_db(e, level, 0.3), expected, 0.1)
                    << "knee " << knee << " ratio " << ratio << " level " << level;
            }
        }
}

// A gate (ratio 100, range 60 dB) holds open for hold_ms after the signal falls below the
// threshold, then closes with the release time constant.
TEST(Expander, GateHoldsThenReleases) {
    dsp::ExpanderSettings s;
    s.enabled = true;
    s.threshold_db = -40;
    s.ratio = 100;
    s.range_db = 60;
    s.attack_ms = 0.1;
    s.hold_ms = 50;
    s.release_ms = 20;
    dsp::Expander e;
    e.prepare(kFs, 64);
    e.set_coefficients(dsp::design_expander(s, kFs));
    const size_t open = 24000, fall = 33600, hold = 2400, release = 960;
    Signal x(fall + 24000, 0.001f);  // −60 dB: closed
    for (size_t i = open; i < fall; ++i)
        x[i] = 0.5f;
    const Signal in = x;
    run_mono(e, x, 64);
    auto gain_db_at = [&](size_t i) { return db(x[i] / in[i]); };
    EXPECT_NEAR(gain_db_at(open - 1), -60.0, 0.01);
    EXPECT_NEAR(gain_db_at(open + 48), 0.0, 0.01);        // 1 ms = 10 attack time constants
    EXPECT_NEAR(gain_db_at(fall + hold - 1), 0.0, 1e-6);  // held
    EXPECT_NEAR(gain_db_at(fall + hold + release - 1), -60.0 * (1 - std::exp(-1.0)), 0.1);
    EXPECT_NEAR(gain_db_at(x.size() - 1), -60.0, 0.01);
    EXPECT_NEAR(e.gain_reduction_db(), 60.0, 0.01);
}

}  // namespace
}  // namespace phantom::test
