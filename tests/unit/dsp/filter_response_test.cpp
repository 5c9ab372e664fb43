// The low cut, the parametric EQ and the room EQ measured from their impulse responses (DTFT of
// the IR) against analytic magnitudes computed here from the analog prototypes: every RBJ
// cookbook filter is the bilinear transform of its prototype prewarped at f0, so the digital
// magnitude at f is the prototype's at Ω = tan(πf/fs) / tan(πf0/fs). Limit: 0.05 dB from 20 Hz
// to 20 kHz (issue 16 §5) wherever the response is above −100 dB. Below that (only a 24 dB/oct
// low cut at 500 Hz gets there, −112 dB at 20 Hz) the measurement itself is the limit: the
// impulse response comes out as float samples, whose rounding is a floor about 150 dB under
// the response's peak, i.e. within 40 dB of the point measured; there the limit is 0.2 dB.
#include <gtest/gtest.h>

#include <complex>
#include <cstdio>
#include <random>

#include "phantom/dsp/equalizer.hpp"
#include "phantom/dsp/low_cut.hpp"
#include "processor_harness.hpp"

namespace phantom::test {
namespace {

using Complex = std::complex<double>;

constexpr double kToleranceDb = 0.05;
constexpr double kDeepStopbandDb = -100.0;
constexpr double kDeepStopbandToleranceDb = 0.2;

double warped(double f_hz, double f0_hz, double fs) {
    return std::tan(M_PI * f_hz / fs) / std::tan(M_PI * f0_hz / fs);
}

// Analog prototypes at s = jΩ.
double butterworth_highpass_db(int order, double omega) {
    const double w2n = std::pow(omega, 2.0 * order);
    return 10.0 * std::log10(w2n / (1.0 + w2n));
}
double peaking_db(double omega, double gain_db, double q) {
    const double a = std::pow(10.0, gain_db / 40.0);
    const Complex s(0, omega);
    return db(std::abs((s * s + s * (a / q) + 1.0) / (s * s + s / (a * q) + 1.0)));
}
double low_shelf_db(double omega, double gain_db, double q) {
    const double a = std::pow(10.0, gain_db / 40.0), r = std::sqrt(a) / q;
    const Complex s(0, omega);
    return db(std::abs(a * (s * s + r * s + a) / (a * s * s + r * s + 1.0)));
}
double high_shelf_db(double omega, double gain_db, double q) {
    const double a = std::pow(10.0, gain_db / 40.0), r = std::sqrt(a) / q;
    const Complex s(0, omega);
    return db(std::abs(a * (a * s * s + r * s + 1.0) / (s * s + r * s + a)));
}
double lowpass_db(double omega, double q) {
    const Complex s(0, omega);
    return db(std::abs(1.0 / (s * s + s / q + 1.0)));
}
double highpass_db(double omega, double q) {
    const Complex s(0, omega);
    return db(std::abs(s * s / (s * s + s / q + 1.0)));
}

double band_db(const dsp::EqBand& b, double f, double fs) {
    if (!b.enabled) return 0;
    const double w = warped(f, b.frequency_hz, fs);
    switch (b.type) {
        case dsp::EqBandType::kBell:
            return peaking_db(w, b.gain_db, b.q);
        case dsp::EqBandType::kLowShelf:
            return low_shelf_db(w, b.gain_db, b.q);
        case dsp::EqBandType::kHighShelf:
            return high_shelf_db(w, b.gain_db, b.q);
        case dsp::EqBandType::kLowPass:
            return lowpass_db(w, b.q);
        case dsp::EqBandType::kHighPass:
            return highpass_db(w, b.q);
    }
    return 0;
}

Signal impulse_response(dsp::BiquadChain& chain, int frames) {
    Signal x(static_cast<size_t>(frames), 0.0f);
    x[0] = 1.0f;
    run_mono(chain, x, 64);
    return x;
}

constexpr int kIrFrames = 1 << 16;

// Compares at every frequency; reports the worst point.
template <typename Expected>
void expect_response(const Signal& ir, double fs, Expected expected, const std::string& what) {
    double worst = 0, worst_f = 0;
    for (double f : audio_band_frequencies(6)) {
        if (f >= 0.5 * fs) break;
        const double e = expected(f);
        const double m = dtft_magnitude_db(ir, f, fs);
        if (e < kDeepStopbandDb) {
            EXPECT_NEAR(m, e, kDeepStopbandToleranceDb) << what << " at " << f << " Hz";
            continue;
        }
        if (std::fabs(m - e) > worst) {
            worst = std::fabs(m - e);
            worst_f = f;
        }
        EXPECT_NEAR(m, e, kToleranceDb) << what << " at " << f << " Hz";
    }
    std::printf("[ measured ] %s: worst %.4f dB at %.0f Hz (above -100 dB)\n", what.c_str(), worst,
                worst_f);
}

TEST(LowCut, ButterworthMagnitudesFrom20HzTo20kHz) {
    for (double fs : {44100.0, 48000.0, 96000.0})
        for (auto slope : {dsp::LowCutSlope::k12DbPerOctave, dsp::LowCutSlope::k18DbPerOctave,
                           dsp::LowCutSlope::k24DbPerOctave})
            for (double cutoff : {20.0, 80.0, 500.0}) {
                dsp::BiquadChain chain;
                chain.prepare(fs, 64);
                chain.set_coefficients(dsp::design_low_cut({true, cutoff, slope}, fs));
                const Signal ir = impulse_response(chain, kIrFrames);
                const int order = static_cast<int>(slope);
                expect_response(
                    ir, fs,
                    [&](double f) { return butterworth_highpass_db(order, warped(f, cutoff, fs)); },
                    "lowcut fs=" + std::to_string(fs) + " order=" + std::to_string(order) +
                        " fc=" + std::to_string(cutoff));
            }
}

TEST(LowCut, MinusThreeDbAtTheCutoffAndSlopePerOctave) {
    const double fs = 48000;
    for (auto slope : {dsp::LowCutSlope::k12DbPerOctave, dsp::LowCutSlope::k18DbPerOctave,
                       dsp::LowCutSlope::k24DbPerOctave}) {
        dsp::BiquadChain chain;
        chain.prepare(fs, 64);
        chain.set_coefficients(dsp::design_low_cut({true, 200.0, slope}, fs));
        const Signal ir = impulse_response(chain, kIrFrames);
        EXPECT_NEAR(dtft_magnitude_db(ir, 200.0, fs), -3.0103, 0.01);
        // Two octaves down the slope is 6·order dB an octave, within a dB of the asymptote.
        const double drop = dtft_magnitude_db(ir, 25.0, fs) - dtft_magnitude_db(ir, 50.0, fs);
        EXPECT_NEAR(drop, -6.02 * static_cast<int>(slope), 0.1);
    }
}

TEST(LowCut, DisabledAndClampedCutoff) {
    EXPECT_EQ(
        dsp::design_low_cut({false, 80.0, dsp::LowCutSlope::k24DbPerOctave}, 48000).section_count,
        0);
    const auto low = dsp::design_low_cut({true, 5.0, dsp::LowCutSlope::k12DbPerOctave}, 48000);
    const auto at20 = dsp::design_low_cut({true, 20.0, dsp::LowCutSlope::k12DbPerOctave}, 48000);
    EXPECT_EQ(low.sections[0].b0, at20.sections[0].b0);
}

TEST(ParametricEq, ShelvesAndBellsMatchTheCookbookPrototypes) {
    for (double fs : {44100.0, 48000.0, 96000.0})
        for (bool shelves : {true, false}) {
            dsp::ParametricEqSettings s;
            s.enabled = true;
            s.low_is_shelf = shelves;
            s.high_is_shelf = shelves;
            s.bands[0] = {true, dsp::EqBandType::kBell, 100.0, 6.0, 0.7071};
            s.bands[1] = {true, dsp::EqBandType::kBell, 400.0, -9.0, 2.0};
            s.bands[2] = {true, dsp::EqBandType::kBell, 2500.0, 4.5, 0.5};
            s.bands[3] = {true, dsp::EqBandType::kBell, 9000.0, -12.0, 1.0};
            dsp::BiquadChain chain;
            chain.prepare(fs, 64);
            chain.set_coefficients(dsp::design_parametric_eq(s, fs));
            const Signal ir = impulse_response(chain, kIrFrames);
            auto bands = s.bands;
            bands[0].type = shelves ? dsp::EqBandType::kLowShelf : dsp::EqBandType::kBell;
            bands[3].type = shelves ? dsp::EqBandType::kHighShelf : dsp::EqBandType::kBell;
            expect_response(
                ir, fs,
                [&](double f) {
                    double sum = 0;
                    for (const auto& b : bands)
                        sum += band_db(b, f, fs);
                    return sum;
                },
                "peq fs=" + std::to_string(fs) + (shelves ? " shelves" : " bells"));
        }
}

// The curve the panel draws (chain_magnitude_db, from the coefficients) is the response the
// chain has (measured on its impulse response).
TEST(RoomEq, DrawnCurveIsTheMeasuredResponse) {
    const double fs = 48000;
    dsp::RoomEqSettings s;
    s.enabled = true;
    s.bands[0] = {true, dsp::EqBandType::kLowShelf, 100.0, -4.0, 0.7071};
    s.bands[3] = {true, dsp::EqBandType::kBell, 700.0, 5.0, 3.0};
    s.bands[9] = {true, dsp::EqBandType::kHighPass, 30.0, 0, 0.7071};
    const auto c = dsp::design_room_eq(s, fs);
    dsp::BiquadChain chain;
    chain.prepare(fs, 64);
    chain.set_coefficients(c);
    const Signal ir = impulse_response(chain, kIrFrames);
    for (double f : audio_band_frequencies(3))
        EXPECT_NEAR(dsp::chain_magnitude_db(c, f, fs), dtft_magnitude_db(ir, f, fs), 0.01) << f;
}

TEST(ParametricEq, BellGainAtItsCentre) {
    dsp::ParametricEqSettings s;
    s.enabled = true;
    s.bands[1] = {true, dsp::EqBandType::kBell, 1000.0, 7.5, 1.4};
    dsp::BiquadChain chain;
    chain.prepare(48000, 64);
    chain.set_coefficients(dsp::design_parametric_eq(s, 48000));
    EXPECT_NEAR(dtft_magnitude_db(impulse_response(chain, 1 << 14), 1000.0, 48000), 7.5, 0.001);
}

TEST(RoomEq, TwelveBandsOfEveryTypeMatchTheirPrototypes) {
    const double fs = 48000;
    dsp::RoomEqSettings s;
    s.enabled = true;
    s.bands = {{
        {true, dsp::EqBandType::kHighPass, 25.0, 0, 0.7071},
        {true, dsp::EqBandType::kLowShelf, 80.0, 3.0, 0.7071},
        {true, dsp::EqBandType::kBell, 63.0, -6.0, 4.0},
        {true, dsp::EqBandType::kBell, 125.0, -4.0, 6.0},
        {true, dsp::EqBandType::kBell, 250.0, 2.0, 2.0},
        {true, dsp::EqBandType::kBell, 500.0, -3.0, 3.0},
        {true, dsp::EqBandType::kBell, 1000.0, 1.5, 1.0},
        {true, dsp::EqBandType::kBell, 2000.0, -2.0, 2.5},
        {true, dsp::EqBandType::kBell, 4000.0, 2.5, 1.5},
        {true, dsp::EqBandType::kBell, 8000.0, -1.5, 2.0},
        {true, dsp::EqBandType::kHighShelf, 12000.0, -2.0, 0.7071},
        {true, dsp::EqBandType::kLowPass, 21000.0, 0, 0.7071},
    }};
    dsp::BiquadChain chain;
    chain.prepare(fs, 64);
    chain.set_coefficients(dsp::design_room_eq(s, fs));
    const Signal ir = impulse_response(chain, kIrFrames);
    expect_response(
        ir, fs,
        [&](double f) {
            double sum = 0;
            for (const auto& b : s.bands)
                sum += band_db(b, f, fs);
            return sum;
        },
        "room eq");
}

// Moving a band while a sine plays must not click: the filter keeps its memory, so the output
// goes on from where it was. The largest step between consecutive samples around the change
// stays within that of the louder steady state (a 1 kHz sine at +6 dB) plus 20 %.
TEST(ParametricEq, CoefficientChangeDoesNotClick) {
    const double fs = 48000, f = 1000;
    dsp::ParametricEqSettings s;
    s.enabled = true;
    s.bands[1] = {true, dsp::EqBandType::kBell, 1000.0, 0.0, 1.0};
    Signal y(9600);
    for (size_t i = 0; i < y.size(); ++i)
        y[i] = 0.5f * static_cast<float>(std::sin(2 * M_PI * f * static_cast<double>(i) / fs));
    dsp::BiquadChain chain;
    chain.prepare(fs, 64);
    chain.set_coefficients(dsp::design_parametric_eq(s, fs));
    float* p[1];
    for (int start = 0; start < 9600; start += 64) {
        if (start == 4800) {
            auto t = s;
            t.bands[1].gain_db = 6.0;
            chain.set_coefficients(dsp::design_parametric_eq(t, fs));
        }
        p[0] = y.data() + start;
        chain.process({p, 1, 64});
    }
    const double steady_step = 2 * M_PI * f / fs * 0.5 * std::pow(10.0, 6.0 / 20.0);
    double step = 0;
    for (size_t i = 4700; i < 5200; ++i)
        step = std::max(step, static_cast<double>(std::fabs(y[i] - y[i - 1])));
    EXPECT_LT(step, 1.2 * steady_step);
}

// Handing the same coefficients again mid-stream changes nothing, to the bit: the memory is
// the channel's, not the coefficients'.
TEST(BiquadChain, SetCoefficientsKeepsTheFilterMemory) {
    const double fs = 48000;
    const auto c = dsp::design_low_cut({true, 120.0, dsp::LowCutSlope::k24DbPerOctave}, fs);
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 0.3f);
    Signal a(4096);
    for (auto& v : a)
        v = noise(rng);
    Signal b = a;
    dsp::BiquadChain one, two;
    one.prepare(fs, 64);
    two.prepare(fs, 64);
    one.set_coefficients(c);
    two.set_coefficients(c);
    run_mono(one, a, 64);
    float* p[1];
    for (int start = 0; start < 4096; start += 64) {
        two.set_coefficients(c);
        p[0] = b.data() + start;
        two.process({p, 1, 64});
    }
    EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace phantom::test
