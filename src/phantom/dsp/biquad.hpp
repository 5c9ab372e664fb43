// Transposed direct form II biquad. Coefficients are designed on the control thread; the
// state lives with the channel so a coefficient change (a new plan) does not reset it.
#pragma once

namespace phantom::dsp {

struct BiquadCoefficients {
    double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;  // a0 normalised to 1
    bool identity() const { return b0 == 1 && b1 == 0 && b2 == 0 && a1 == 0 && a2 == 0; }
};

struct BiquadState {
    double z1 = 0, z2 = 0;
    void reset() { z1 = z2 = 0; }
};

// [audio-thread] In place. Double-precision state: an RLC low-pass at a few kHz stays exact.
inline void biquad_process(const BiquadCoefficients& c, BiquadState& s, float* x, int frames) {
    double z1 = s.z1, z2 = s.z2;
    for (int i = 0; i < frames; ++i) {
        double in = x[i];
        double out = c.b0 * in + z1;
        z1 = c.b1 * in - c.a1 * out + z2;
        z2 = c.b2 * in - c.a2 * out;
        x[i] = static_cast<float>(out);
    }
    s.z1 = z1;
    s.z2 = z2;
}

// Magnitude of the filter at a frequency, for tests and spec sheets. [any-thread]
double biquad_magnitude(const BiquadCoefficients& c, double frequency_hz, double sample_rate_hz);

// Bilinear transform of H(s) = 1 / (a2·s² + a1·s + a0), prewarped at `warp_hz`.
BiquadCoefficients bilinear_lowpass2(double a2, double a1, double a0, double warp_hz,
                                     double sample_rate_hz);

}  // namespace phantom::dsp
