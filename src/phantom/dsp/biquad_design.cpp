#include "phantom/dsp/biquad_design.hpp"

#include <cmath>

namespace phantom::dsp {
namespace {

struct Raw {
    double b0, b1, b2, a0, a1, a2;
};

BiquadCoefficients normalise(const Raw& r) {
    BiquadCoefficients c;
    c.b0 = r.b0 / r.a0;
    c.b1 = r.b1 / r.a0;
    c.b2 = r.b2 / r.a0;
    c.a1 = r.a1 / r.a0;
    c.a2 = r.a2 / r.a0;
    return c;
}

double omega(double f0_hz, double sample_rate_hz) {
    return 2.0 * M_PI * f0_hz / sample_rate_hz;
}

}  // namespace

BiquadCoefficients rbj_lowpass(double f0_hz, double q, double sample_rate_hz) {
    const double w0 = omega(f0_hz, sample_rate_hz);
    const double cw = std::cos(w0), alpha = std::sin(w0) / (2.0 * q);
    return normalise({(1 - cw) / 2, 1 - cw, (1 - cw) / 2, 1 + alpha, -2 * cw, 1 - alpha});
}

BiquadCoefficients rbj_highpass(double f0_hz, double q, double sample_rate_hz) {
    const double w0 = omega(f0_hz, sample_rate_hz);
    const double cw = std::cos(w0), alpha = std::sin(w0) / (2.0 * q);
    return normalise({(1 + cw) / 2, -(1 + cw), (1 + cw) / 2, 1 + alpha, -2 * cw, 1 - alpha});
}

BiquadCoefficients rbj_peaking(double f0_hz, double q, double gain_db, double sample_rate_hz) {
    const double a = std::pow(10.0, gain_db / 40.0);
    const double w0 = omega(f0_hz, sample_rate_hz);
    const double cw = std::cos(w0), alpha = std::sin(w0) / (2.0 * q);
    return normalise(
        {1 + alpha * a, -2 * cw, 1 - alpha * a, 1 + alpha / a, -2 * cw, 1 - alpha / a});
}

BiquadCoefficients rbj_low_shelf(double f0_hz, double q, double gain_db, double sample_rate_hz) {
    const double a = std::pow(10.0, gain_db / 40.0);
    const double w0 = omega(f0_hz, sample_rate_hz);
    const double cw = std::cos(w0), alpha = std::sin(w0) / (2.0 * q);
    const double k = 2.0 * std::sqrt(a) * alpha;
    return normalise({a * ((a + 1) - (a - 1) * cw + k), 2 * a * ((a - 1) - (a + 1) * cw),
                      a * ((a + 1) - (a - 1) * cw - k), (a + 1) + (a - 1) * cw + k,
                      -2 * ((a - 1) + (a + 1) * cw), (a + 1) + (a - 1) * cw - k});
}

BiquadCoefficients rbj_high_shelf(double f0_hz, double q, double gain_db, double sample_rate_hz) {
    const double a = std::pow(10.0, gain_db / 40.0);
    const double w0 = omega(f0_hz, sample_rate_hz);
    const double cw = std::cos(w0), alpha = std::sin(w0) / (2.0 * q);
    const double k = 2.0 * std::sqrt(a) * alpha;
    return normalise({a * ((a + 1) + (a - 1) * cw + k), -2 * a * ((a - 1) + (a + 1) * cw),
                      a * ((a + 1) + (a - 1) * cw - k), (a + 1) - (a - 1) * cw + k,
                      2 * ((a - 1) - (a + 1) * cw), (a + 1) - (a - 1) * cw - k});
}

BiquadCoefficients first_order_highpass(double f0_hz, double sample_rate_hz) {
    // s → (1/K)(1 − z⁻¹)/(1 + z⁻¹) with K = tan(w0/2) puts the corner exactly at f0.
    const double k = std::tan(omega(f0_hz, sample_rate_hz) / 2.0);
    BiquadCoefficients c;
    c.b0 = 1.0 / (1.0 + k);
    c.b1 = -c.b0;
    c.b2 = 0;
    c.a1 = (k - 1.0) / (k + 1.0);
    c.a2 = 0;
    return c;
}

BiquadCoefficients first_order_lowpass(double f0_hz, double sample_rate_hz) {
    const double k = std::tan(omega(f0_hz, sample_rate_hz) / 2.0);
    BiquadCoefficients c;
    c.b0 = k / (1.0 + k);
    c.b1 = c.b0;
    c.b2 = 0;
    c.a1 = (k - 1.0) / (k + 1.0);
    c.a2 = 0;
    return c;
}

double butterworth_section_q(int order, int k) {
    const double angle = M_PI * (2.0 * k + 1.0) / (2.0 * order);
    return 1.0 / (2.0 * std::sin(angle));
}

}  // namespace phantom::dsp
