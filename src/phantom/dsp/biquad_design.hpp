// Biquad designs from Robert Bristow-Johnson's "Cookbook formulae for audio EQ biquad filter
// coefficients" (the bilinear transform of an analog prototype, prewarped at f0), and the
// sections of Butterworth high-passes. [any-thread] pure functions, used on the control thread.
#pragma once

#include "phantom/dsp/biquad.hpp"

namespace phantom::dsp {

// The cookbook forms. `q` is the analog prototype's Q (for shelves: the cookbook's Q, 0.7071
// gives the steepest slope without overshoot).
BiquadCoefficients rbj_lowpass(double f0_hz, double q, double sample_rate_hz);
BiquadCoefficients rbj_highpass(double f0_hz, double q, double sample_rate_hz);
BiquadCoefficients rbj_peaking(double f0_hz, double q, double gain_db, double sample_rate_hz);
BiquadCoefficients rbj_low_shelf(double f0_hz, double q, double gain_db, double sample_rate_hz);
BiquadCoefficients rbj_high_shelf(double f0_hz, double q, double gain_db, double sample_rate_hz);

// First-order high-pass s / (s + 1) by the bilinear transform prewarped at f0 (b2 = a2 = 0).
BiquadCoefficients first_order_highpass(double f0_hz, double sample_rate_hz);
// First-order low-pass 1 / (s + 1), the same way.
BiquadCoefficients first_order_lowpass(double f0_hz, double sample_rate_hz);

// The Q of the k-th second-order section (k = 0 … order/2 − 1) of a Butterworth filter of the
// given order: the poles sit on the unit circle at angles (2k + 1)π / (2·order) from the
// imaginary axis, Q = 1 / (2 sin(that angle)). An odd order adds one first-order section.
double butterworth_section_q(int order, int k);

}  // namespace phantom::dsp
