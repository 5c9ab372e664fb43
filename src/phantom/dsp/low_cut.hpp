// Low cut (high-pass) of an input channel: a Butterworth high-pass of order 2, 3 or 4
// (12, 18, 24 dB/octave), 20–500 Hz, run by a BiquadChain. [any-thread] design is pure.
#pragma once

#include "phantom/dsp/biquad_chain.hpp"

namespace phantom::dsp {

enum class LowCutSlope { k12DbPerOctave = 2, k18DbPerOctave = 3, k24DbPerOctave = 4 };

struct LowCutSettings {
    bool enabled = false;
    double cutoff_hz = 80.0;  // the −3 dB point; clamped to 20–500 Hz
    LowCutSlope slope = LowCutSlope::k12DbPerOctave;
};

inline constexpr double kLowCutMinHz = 20.0;
inline constexpr double kLowCutMaxHz = 500.0;

// Disabled: an empty chain (the signal passes untouched).
BiquadChainCoefficients design_low_cut(const LowCutSettings& s, double sample_rate_hz);

}  // namespace phantom::dsp
