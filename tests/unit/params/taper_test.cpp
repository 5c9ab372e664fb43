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
