// The fader law every surface shares: Ardour's gain_to_slider_position_with_max, whose 8th root
// moves 6/198 for every halving of the amplitude, with the range's top at position 1.
#include "phantom/params/taper.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace phantom::params {
namespace {

ParamSchema level(double max_db) {
    ParamSchema s;
    s.path = "/output/hp1/volume";
    s.min = -INFINITY;
    s.max = max_db;
    s.unit = "dB";
    return s;
}

TEST(Taper, AFaderReachesItsTopAtOneAndMinusInfinityAtZero) {
    const ParamSchema s = level(6.0);
    EXPECT_EQ(taper_of(s), Taper::Fader);
    EXPECT_DOUBLE_EQ(to_position(s, 6.0), 1.0);
    EXPECT_EQ(to_position(s, -INFINITY), 0.0);
    EXPECT_EQ(from_position(s, 0.0), -INFINITY);
    EXPECT_NEAR(from_position(s, 1.0), 6.0, 1e-9);
}

TEST(Taper, EachHalvingOfTheAmplitudeMovesTheEighthRootBySixOf198) {
    const ParamSchema s = level(0.0);
    const double halving_db = 20.0 * std::log10(0.5);
    for (int k = 1; k <= 8; ++k) {
        // k halvings below the top: the 8th root is (198 − 6k) / 198.
        const double expected = std::pow((198.0 - 6.0 * k) / 198.0, 8.0);
        EXPECT_NEAR(to_position(s, k * halving_db), expected, 1e-12) << k << " halvings";
        EXPECT_NEAR(from_position(s, expected), k * halving_db, 1e-9);
    }
}

TEST(Taper, BelowMinus90DbAFaderReadsMinusInfinity) {
    const ParamSchema s = level(0.0);
    EXPECT_EQ(from_position(s, to_position(s, -95.0)), -INFINITY);
    EXPECT_NEAR(from_position(s, to_position(s, -80.0)), -80.0, 1e-9);
}

ParamSchema span(const char* unit, double min, double max) {
    ParamSchema s;
    s.path = "/input/in1/eq/mid1/freq";
    s.min = min;
    s.max = max;
    s.unit = unit;
    return s;
}

TEST(Taper, AnEqFrequencyTurnsByOctavesAndItsMiddleIsTheGeometricMean) {
    const ParamSchema s = span("Hz", 20.0, 20000.0);
    EXPECT_EQ(taper_of(s), Taper::Log);
    EXPECT_STREQ(to_string(taper_of(s)), "log");
    // 20 Hz to 20 kHz is log2(1000) octaves: every octave is the same travel.
    const double octave = 1.0 / std::log2(1000.0);
    EXPECT_NEAR(to_position(s, 40.0), octave, 1e-12);
    EXPECT_NEAR(to_position(s, 1000.0) - to_position(s, 500.0), octave, 1e-12);
    EXPECT_NEAR(from_position(s, 0.5), std::sqrt(20.0 * 20000.0), 1e-9);  // 632.5 Hz
    EXPECT_DOUBLE_EQ(from_position(s, 0.0), 20.0);
    EXPECT_NEAR(from_position(s, 1.0), 20000.0, 1e-9);
    for (double hz : {20.0, 80.0, 440.0, 2500.0, 19999.0})
        EXPECT_NEAR(from_position(s, to_position(s, hz)), hz, hz * 1e-12);
    EXPECT_EQ(to_position(s, std::nan("")), 0.0);
    EXPECT_EQ(to_position(s, 1e9), 1.0);
    EXPECT_DOUBLE_EQ(from_position(s, -3.0), 20.0);
}

TEST(Taper, TimesOverADecadeAreLogAndNarrowOrZeroBasedRangesStayLinear) {
    EXPECT_EQ(taper_of(span("ms", 10.0, 2000.0)), Taper::Log);   // a release
    EXPECT_EQ(taper_of(span("s", 0.2, 20.0)), Taper::Log);       // a reverb's decay
    EXPECT_EQ(taper_of(span("ms", 0.0, 50.0)), Taper::Linear);   // an alignment delay from 0
    EXPECT_EQ(taper_of(span("Hz", 1.0, 4.0)), Taper::Linear);    // less than a decade
    EXPECT_EQ(taper_of(span("dB", 1.0, 100.0)), Taper::Linear);  // a level in dB is a log already
    EXPECT_EQ(taper_of(span("", -1.0, 1.0)), Taper::Linear);     // a pan
}

TEST(Taper, AQTurnsByRatiosAndItsMiddleIsTheGeometricMean) {
    const ParamSchema q = span("", 0.1, 20.0);
    EXPECT_EQ(taper_of(q), Taper::Log);
    EXPECT_NEAR(from_position(q, 0.5), std::sqrt(0.1 * 20.0), 1e-12);  // Q 1.41
    // A doubling of Q is the same travel anywhere: 0.7 to 1.4 as 7 to 14.
    EXPECT_NEAR(to_position(q, 1.4) - to_position(q, 0.7),
                to_position(q, 14.0) - to_position(q, 7.0), 1e-12);
}

TEST(Taper, OtherControlsAreLinearAndPositionsAreClamped) {
    ParamSchema pan;
    pan.path = "/mix/main/in1/pan";
    pan.min = -1.0;
    pan.max = 1.0;
    EXPECT_EQ(taper_of(pan), Taper::Linear);
    EXPECT_DOUBLE_EQ(to_position(pan, 0.0), 0.5);
    EXPECT_DOUBLE_EQ(from_position(pan, 0.25), -0.5);
    EXPECT_DOUBLE_EQ(from_position(pan, 7.0), 1.0);
    EXPECT_DOUBLE_EQ(from_position(pan, std::nan("")), -1.0);
    ParamSchema choice;
    choice.type = ParamType::Choice;
    choice.max = 3.0;                                   // four choices
    EXPECT_DOUBLE_EQ(from_position(choice, 0.5), 2.0);  // 1.5 rounds to the nearer index
}

}  // namespace
}  // namespace phantom::params
