#include "phantom/dsp/biquad.hpp"

#include <cmath>
#include <complex>

namespace phantom::dsp {

double biquad_magnitude(const BiquadCoefficients& c, double frequency_hz, double sample_rate_hz) {
    const double w = 2.0 * M_PI * frequency_hz / sample_rate_hz;
    const std::complex<double> z1 = std::polar(1.0, -w);
    const std::complex<double> z2 = z1 * z1;
    std::complex<double> num = c.b0 + c.b1 * z1 + c.b2 * z2;
    std::complex<double> den = 1.0 + c.a1 * z1 + c.a2 * z2;
    return std::abs(num / den);
}

BiquadCoefficients bilinear_lowpass2(double a2, double a1, double a0, double warp_hz,
                                     double sample_rate_hz) {
    const double w = 2.0 * M_PI * warp_hz;
    const double k = w / std::tan(w / (2.0 * sample_rate_hz));
    const double k2 = k * k;
    const double d0 = a2 * k2 + a1 * k + a0;
    const double d1 = 2.0 * (a0 - a2 * k2);
    const double d2 = a2 * k2 - a1 * k + a0;
    BiquadCoefficients c;
    c.b0 = 1.0 / d0;
    c.b1 = 2.0 / d0;
    c.b2 = 1.0 / d0;
    c.a1 = d1 / d0;
    c.a2 = d2 / d0;
    return c;
}

}  // namespace phantom::dsp
