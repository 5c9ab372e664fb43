// Constant-power pan, sin/cos law: -3.01 dB in each side at centre, unity on the hard side.
// pan p in [-1, 1]: left = cos((p+1)·π/4), right = sin((p+1)·π/4).
#pragma once

#include <cmath>

namespace phantom::dsp {

struct StereoGains {
    double left;
    double right;
};

inline StereoGains constant_power_pan(double pan) {
    constexpr double kQuarterPi = 0.78539816339744830962;
    double angle = (pan + 1.0) * kQuarterPi;
    // Exact 0/1 at the hard positions so a hard-panned route is bit-transparent.
    if (pan <= -1.0) return {1.0, 0.0};
    if (pan >= 1.0) return {0.0, 1.0};
    return {std::cos(angle), std::sin(angle)};
}

}  // namespace phantom::dsp
