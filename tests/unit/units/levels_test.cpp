#include <gtest/gtest.h>

#include "phantom/units/levels.hpp"

namespace phantom::units {
namespace {

TEST(Levels, ReferenceFiguresFromPhysicsReference) {
    EXPECT_NEAR(dbu_to_volts(4.0), 1.228, 0.001);          // +4 dBu = 1.228 V
    EXPECT_NEAR(dbv_to_volts(-10.0), 0.316, 0.001);        // -10 dBV = 0.316 V
    EXPECT_NEAR(dbv_to_dbu(-10.0), -7.78, 0.01);           // = -7.8 dBu
    EXPECT_NEAR(dbu_to_volts(24.0), 12.28, 0.01);          // +24 dBu = 12.28 V RMS
    EXPECT_NEAR(full_scale_peak_volts(24.0), 17.4, 0.05);  // 17.4 V peak
    EXPECT_NEAR(spl_to_pascal(94.0), 1.0, 0.003);          // 94 dB SPL ≈ 1 Pa
    EXPECT_DOUBLE_EQ(db_to_gain(-6.020599913279624), 0.5);
    EXPECT_EQ(db_to_gain(kMinusInfinityDb), 0.0);
    EXPECT_EQ(db_to_gain(0.0), 1.0);
    EXPECT_NEAR(volts_to_dbu(0.7746), 0.0, 0.001);  // sqrt(0.6 W·Ω): 1 mW in 600 Ω
}

}  // namespace
}  // namespace phantom::units
