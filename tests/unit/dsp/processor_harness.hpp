// Test helpers for the built-in processors: run whole signals through a processor in blocks,
// and measure a response with a DFT evaluated at any frequency (the DTFT of a finite impulse
// response), written here so that it shares nothing with the code under test.
#pragma once

#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "phantom/dsp/processor.hpp"

namespace phantom::test {

using Signal = std::vector<float>;

// Runs the channels through `p` in blocks of `block_frames` (the last one shorter).
inline void run_blocks(dsp::Processor& p, std::vector<Signal>& channels, int block_frames) {
    const int frames = static_cast<int>(channels[0].size());
    float* ptr[dsp::kMaxChannels] = {};
    for (int start = 0; start < frames; start += block_frames) {
        const int n = std::min(block_frames, frames - start);
        for (size_t c = 0; c < channels.size(); ++c)
            ptr[c] = channels[c].data() + start;
        p.process({ptr, static_cast<int>(channels.size()), n});
    }
}

inline void run_mono(dsp::Processor& p, Signal& x, int block_frames) {
    std::vector<Signal> channels{std::move(x)};
    run_blocks(p, channels, block_frames);
    x = std::move(channels[0]);
}

// |Σ h[n]·e^(−jωn)| in dB at f_hz. The phasor turns by one complex multiply a frame and is
// renormalised every 1024 frames from std::polar (the drift over 1024 double multiplies is
// around 1e-13, far below what is measured).
inline double dtft_magnitude_db(const Signal& h, double f_hz, double sample_rate_hz) {
    const double w = 2.0 * M_PI * f_hz / sample_rate_hz;
    const std::complex<double> step = std::polar(1.0, -w);
    std::complex<double> sum = 0, phasor = 1;
    for (size_t n = 0; n < h.size(); ++n) {
        if (n % 1024 == 0) phasor = std::polar(1.0, -w * static_cast<double>(n));
        sum += static_cast<double>(h[n]) * phasor;
        phasor *= step;
    }
    return 20.0 * std::log10(std::abs(sum));
}

// Log-spaced frequencies from 20 Hz to 20 kHz, `per_octave` a octave.
inline std::vector<double> audio_band_frequencies(int per_octave) {
    std::vector<double> f;
    for (double x = 20.0; x <= 20000.0 * 1.0001; x *= std::pow(2.0, 1.0 / per_octave))
        f.push_back(x);
    return f;
}

inline double db(double linear) {
    return 20.0 * std::log10(linear);
}

}  // namespace phantom::test
