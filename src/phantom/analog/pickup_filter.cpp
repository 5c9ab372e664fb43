#include "phantom/analog/pickup_filter.hpp"

#include <algorithm>
#include <cmath>
#include <complex>

namespace phantom::analog {

namespace {
struct Poly {
    double a2, a1, a0;
};
Poly pickup_poly(const PickupModel& p, double input_impedance_ohm) {
    double rl = pickup_load_ohm(p, input_impedance_ohm);
    return {p.inductance_h * p.capacitance_f,
            p.inductance_h / rl + p.resistance_ohm * p.capacitance_f, 1.0 + p.resistance_ohm / rl};
}
}  // namespace

double pickup_load_ohm(const PickupModel& p, double input_impedance_ohm) {
    return 1.0 / (1.0 / p.pot_load_ohm + 1.0 / input_impedance_ohm);
}

double pickup_magnitude(const PickupModel& p, double input_impedance_ohm, double frequency_hz) {
    Poly q = pickup_poly(p, input_impedance_ohm);
    std::complex<double> s(0.0, 2.0 * M_PI * frequency_hz);
    return std::abs(1.0 / (q.a2 * s * s + q.a1 * s + q.a0));
}

dsp::BiquadCoefficients pickup_filter(const PickupModel& p, double input_impedance_ohm,
                                      double sample_rate_hz) {
    Poly q = pickup_poly(p, input_impedance_ohm);
    // Prewarp at the undamped resonance, kept below Nyquist.
    double f0 = std::sqrt(q.a0 / q.a2) / (2.0 * M_PI);
    f0 = std::min(f0, 0.4 * sample_rate_hz);
    return dsp::bilinear_lowpass2(q.a2, q.a1, q.a0, f0, sample_rate_hz);
}

}  // namespace phantom::analog
