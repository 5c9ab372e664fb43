#include "phantom/analog/outboard.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "phantom/dsp/biquad_design.hpp"

namespace phantom::analog {

namespace {

constexpr double kButterworthQ = 0.70710678118654752;

void check(double value, double lo, double hi, const char* what, const char* unit) {
    if (!std::isfinite(value) || value < lo || value > hi)
        throw std::invalid_argument(fmt::format("outboard {} {}{} is not within {:g} … {:g} {}",
                                                what, value, unit, lo, hi, unit));
}

}  // namespace

Outboard::Outboard(const OutboardSettings& s, double sample_rate_hz) {
    check(s.delay_ms, 0.0, kMaxOutboardDelayMs, "delay", " ms");
    check(s.gain_db, -60.0, 40.0, "gain", " dB");
    if (s.highpass_hz != 0.0) check(s.highpass_hz, 1.0, 0.45 * sample_rate_hz, "high-pass", " Hz");
    if (s.lowpass_hz != 0.0) check(s.lowpass_hz, 1.0, 0.45 * sample_rate_hz, "low-pass", " Hz");
    delay_frames_ = static_cast<int>(std::lround(s.delay_ms * 1e-3 * sample_rate_hz));
    gain_ = std::pow(10.0, (s.gain_db + (s.reamp ? kReampGainDb : 0.0)) / 20.0) *
            (s.invert ? -1.0 : 1.0);
    if (s.highpass_hz > 0)
        filters_.push_back(dsp::rbj_highpass(s.highpass_hz, kButterworthQ, sample_rate_hz));
    if (s.lowpass_hz > 0)
        filters_.push_back(dsp::rbj_lowpass(s.lowpass_hz, kButterworthQ, sample_rate_hz));
    states_.resize(filters_.size());
    ring_.assign(static_cast<size_t>(delay_frames_) + 1, 0.0f);
}

void Outboard::process(const float* in, float* out, int frames) {
    const size_t size = ring_.size();
    const auto g = static_cast<float>(gain_);
    for (int i = 0; i < frames; ++i) {
        ring_[write_] = in[i];
        const size_t read = (write_ + 1) % size;  // delay_frames_ back (itself when 0)
        out[i] = ring_[read] * g;
        write_ = (write_ + 1) % size;
    }
    for (size_t f = 0; f < filters_.size(); ++f)
        dsp::biquad_process(filters_[f], states_[f], out, frames);
}

}  // namespace phantom::analog
