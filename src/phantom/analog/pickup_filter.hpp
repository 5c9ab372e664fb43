// The loaded guitar pickup as a filter: H(s) = 1 / (s²LC + s(L/R_L + RC) + (1 + R/R_L))
// (physics.md §4). Into 1 MΩ it keeps its resonant peak; into a 10 kΩ line input it turns into
// a ~1 kHz roll-off, the "dull and weak" sound of a guitar plugged into the wrong input.
#pragma once

#include "phantom/analog/transducers.hpp"
#include "phantom/dsp/biquad.hpp"

namespace phantom::analog {

// Load = the pickup's pots in parallel with the input impedance.
double pickup_load_ohm(const PickupModel& p, double input_impedance_ohm);

// Analog response |H(j2πf)|, for tests and spec sheets.
double pickup_magnitude(const PickupModel& p, double input_impedance_ohm, double frequency_hz);

// The same response as a biquad at the given sample rate (bilinear, prewarped at resonance).
dsp::BiquadCoefficients pickup_filter(const PickupModel& p, double input_impedance_ohm,
                                      double sample_rate_hz);

}  // namespace phantom::analog
