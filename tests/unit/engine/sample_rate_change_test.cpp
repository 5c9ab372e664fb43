// Interface::change_sample_rate: a JACK server that comes back at another rate gets the same
// interface at that rate — same parameters, same sources, signals generated at the new rate.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "rig.hpp"

namespace phantom::test {
namespace {

int rising_zero_crossings(const std::vector<float>& x, size_t from, size_t count) {
    int n = 0;
    for (size_t k = from + 1; k < from + count; ++k)
        if (x[k - 1] < 0.0f && x[k] >= 0.0f) ++n;
    return n;
}

void set_up_phones(Rig& rig) {
    rig.source("in1", "sine:1k:-20dBu");
    rig.set("/mix/hp1/in1/gain", "0");
    rig.set("/output/hp1/volume", "-6");
}

TEST(SampleRateChange, TheInterfaceRunsAtTheNewRateWithTheSameSettings) {
    Rig rig("studio-8x8", 48000, 256);
    set_up_phones(rig);
    rig.iface().change_sample_rate(44100);
    EXPECT_EQ(rig.iface().sample_rate_hz(), 44100u);
    const auto& tree = rig.iface().params();
    EXPECT_EQ(tree.value(tree.require("/output/hp1/volume")), -6.0);
    rig.start();
    rig.run(44100, 256);
    // A 1 kHz sine generated at 44.1 kHz: 1000 cycles in a second, not 1000 × 48/44.1.
    EXPECT_NEAR(rising_zero_crossings(rig.out("hp1.L"), 0, 44100), 1000, 1);

    // The same level as an interface built at 44.1 kHz from the start.
    Rig reference("studio-8x8", 44100, 256);
    set_up_phones(reference);
    reference.start();
    reference.run(44100, 256);
    const float expected = peak(reference.out("hp1.L"), 4410);
    ASSERT_GT(expected, 1e-3f);
    EXPECT_NEAR(peak(rig.out("hp1.L"), 4410), expected, expected * 1e-3f);
}

TEST(SampleRateChange, ARateTheDeviceCannotRunAtIsRefusedAndChangesNothing) {
    Rig rig("studio-8x8", 48000, 256);
    EXPECT_THROW(rig.iface().change_sample_rate(32000), std::invalid_argument);
    EXPECT_EQ(rig.iface().sample_rate_hz(), 48000u);
    EXPECT_EQ(rig.iface().engine().sample_rate_hz(), 48000.0);
}

}  // namespace
}  // namespace phantom::test
