// The doctor's analysis against signals made with math: a tone's RMS, mains hum with its
// harmonics (and none in music-like signals or noise), a steady DC offset (and none in a sine
// or in noise), and the correlation of a pair with one leg inverted.
#include "phantom/doctor/signal_analysis.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace phantom::doctor {
namespace {

constexpr double kRate = 1500.0;  // the analysis tap's rate at 48 kHz (48000 / 32)
constexpr size_t kN = 1500;       // one second, as the doctor's window

std::vector<float> sine(double freq, double amplitude, double phase = 0.0, size_t n = kN) {
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i)
        x[i] = static_cast<float>(
            amplitude * std::sin(2 * M_PI * freq * static_cast<double>(i) / kRate + phase));
    return x;
}

void add(std::vector<float>& x, const std::vector<float>& y) {
    for (size_t i = 0; i < x.size(); ++i)
        x[i] += y[i];
}

// Brown-ish noise (integrated white, leaky): most of its energy low, as music's is.
std::vector<float> low_noise(double rms, std::uint32_t seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> d(0.0, 1.0);
    std::vector<float> x(kN);
    double y = 0, sum = 0;
    std::vector<double> raw(kN);
    for (size_t i = 0; i < kN; ++i) {
        y = 0.97 * y + d(rng);
        raw[i] = y;
        sum += y * y;
    }
    const double scale = rms / std::sqrt(sum / kN);
    for (size_t i = 0; i < kN; ++i)
        x[i] = static_cast<float>(raw[i] * scale);
    return x;
}

TEST(ToneRms, ASineAtTheFrequencyGivesItsRms) {
    const auto x = sine(50.0, 0.1, 0.3);
    EXPECT_NEAR(tone_rms(x.data(), x.size(), 50.0, kRate), 0.1 / std::sqrt(2.0), 0.002);
    // 20 Hz away, a Hann window leaves nothing of it.
    EXPECT_LT(tone_rms(x.data(), x.size(), 70.0, kRate), 1e-4);
}

TEST(FindHum, FiftyHertzAndHarmonicsAreFoundWithTheirLevel) {
    // -50 dBFS fundamental, 2nd at 1/4, 3rd at 1/2, 5th at 1/5 (the virtual fault's recipe).
    const double a = std::pow(10.0, -50.0 / 20.0) * std::sqrt(2.0);
    auto x = sine(50.0, a);
    add(x, sine(100.0, a * 0.25));
    add(x, sine(150.0, a * 0.5));
    add(x, sine(250.0, a * 0.2));
    const HumReading h = find_hum(x.data(), x.size(), kRate);
    EXPECT_EQ(h.mains_hz, 50.0);
    EXPECT_NEAR(20 * std::log10(h.fundamental_rms), -50.0, 0.2);
    const double total = a / std::sqrt(2.0) * std::sqrt(1 + 0.0625 + 0.25 + 0.04);
    EXPECT_NEAR(h.total_rms, total, total * 0.02);
}

TEST(FindHum, SixtyHertzUnderATestToneIsFound) {
    auto x = sine(440.0, 0.3);
    add(x, sine(60.0, 0.003));  // -53 dBFS under a -13 dBFS tone
    EXPECT_EQ(find_hum(x.data(), x.size(), kRate).mains_hz, 60.0);
}

TEST(FindHum, NoHumInATone100HzOffMainsOrInNoise) {
    const auto tone = sine(220.0, 0.5);
    EXPECT_EQ(find_hum(tone.data(), tone.size(), kRate).mains_hz, 0.0);
    // Loud low noise has plenty at 50 Hz, but no line standing out of its neighbourhood.
    for (std::uint32_t seed = 1; seed <= 20; ++seed) {
        const auto noise = low_noise(0.3, seed);
        EXPECT_EQ(find_hum(noise.data(), noise.size(), kRate).mains_hz, 0.0) << "seed " << seed;
    }
}

TEST(FindHum, HumBelowMinus70DbfsIsNotReported) {
    const auto x = sine(50.0, std::pow(10.0, -75.0 / 20.0) * std::sqrt(2.0));
    EXPECT_EQ(find_hum(x.data(), x.size(), kRate).mains_hz, 0.0);
}

TEST(FindDc, ASteadyOffsetUnderASineIsFoundAndMeasured) {
    auto x = sine(330.0, 0.5);
    for (auto& v : x)
        v += 0.03f;
    const DcReading dc = find_dc(x.data(), x.size());
    EXPECT_TRUE(dc.steady);
    EXPECT_NEAR(dc.mean, 0.03, 0.001);
}

TEST(FindDc, ASineAndLowNoiseHaveNoSteadyOffset) {
    const auto tone = sine(330.0, 0.5);
    EXPECT_FALSE(find_dc(tone.data(), tone.size()).steady &&
                 std::abs(find_dc(tone.data(), tone.size()).mean) > 0.01);
    for (std::uint32_t seed = 1; seed <= 20; ++seed) {
        const auto noise = low_noise(0.3, seed);
        EXPECT_FALSE(find_dc(noise.data(), noise.size()).steady) << "seed " << seed;
    }
}

TEST(Correlation, OneLegInvertedIsMinusOneInPhaseIsPlusOneQuadratureIsZero) {
    const auto a = sine(200.0, 0.4);
    const auto b = sine(200.0, -0.2);
    const auto q = sine(200.0, 0.4, M_PI / 2);
    EXPECT_NEAR(correlation(a.data(), b.data(), kN), -1.0, 1e-6);
    EXPECT_NEAR(correlation(a.data(), a.data(), kN), 1.0, 1e-6);
    EXPECT_NEAR(correlation(a.data(), q.data(), kN), 0.0, 0.01);
    const std::vector<float> silent(kN, 0.0f);
    EXPECT_EQ(correlation(a.data(), silent.data(), kN), 0.0);
}

TEST(SampleWindow, KeepsTheLastValuesInOrder) {
    SampleWindow w(4);
    const float x[] = {1, 2, 3, 4, 5, 6};
    w.push(x, 3);
    EXPECT_FALSE(w.full());
    w.push(x + 3, 3);
    EXPECT_TRUE(w.full());
    EXPECT_EQ(w.ordered(), (std::vector<float>{3, 4, 5, 6}));
    w.clear();
    w.push(x, 2);
    EXPECT_EQ(w.ordered(), (std::vector<float>{1, 2}));
}

}  // namespace
}  // namespace phantom::doctor
