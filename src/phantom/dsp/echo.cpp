#include "phantom/dsp/echo.hpp"

#include <algorithm>
#include <cmath>

#include "phantom/dsp/biquad_design.hpp"

namespace phantom::dsp {

double note_value_beats(NoteValue v) {
    switch (v) {
        case NoteValue::kWhole:
            return 4.0;
        case NoteValue::kHalf:
            return 2.0;
        case NoteValue::kQuarter:
            return 1.0;
        case NoteValue::kDottedEighth:
            return 0.75;
        case NoteValue::kEighth:
            return 0.5;
        case NoteValue::kEighthTriplet:
            return 1.0 / 3.0;
        case NoteValue::kSixteenth:
            return 0.25;
    }
    return 1.0;
}

EchoCoefficients design_echo(const EchoSettings& s, double sample_rate_hz) {
    EchoCoefficients c;
    double time_s = clamp_setting(s.time_ms, 1.0, kEchoMaxTimeS * 1000.0) / 1000.0;
    if (s.tempo_sync)
        time_s = 60.0 / clamp_setting(s.tempo_bpm, 20.0, 300.0) * note_value_beats(s.note);
    time_s = clamp_setting(time_s, 0.001, kEchoMaxTimeS);
    c.delay_frames = std::max(1, static_cast<int>(std::lround(time_s * sample_rate_hz)));
    c.feedback = static_cast<float>(clamp_setting(s.feedback, 0.0, 0.95));
    if (s.high_cut_enabled) {
        const double f =
            clamp_setting(s.high_cut_hz, 500.0, std::min(20000.0, 0.45 * sample_rate_hz));
        c.high_cut = rbj_lowpass(f, 0.70710678, sample_rate_hz);
    }
    c.ping_pong = s.ping_pong;
    return c;
}

void Echo::prepare(double sample_rate_hz, int) {
    max_delay_frames_ = static_cast<int>(std::ceil(kEchoMaxTimeS * sample_rate_hz));
    for (auto& l : lines_)
        l.resize(max_delay_frames_);
    fade_frames_ = std::max(1, static_cast<int>(std::lround(0.02 * sample_rate_hz)));
    tap_.snap(std::max(1, std::min(coefficients_.delay_frames, max_delay_frames_)));
    reset();
}

void Echo::set_coefficients(const EchoCoefficients& c) {
    coefficients_ = c;
    tap_.set_target(std::max(1, std::min(c.delay_frames, max_delay_frames_)), fade_frames_);
}

void Echo::reset() {
    for (auto& l : lines_)
        l.reset();
    for (auto& h : high_cut_)
        h.reset();
    tap_.snap(tap_.target());
}

namespace {
// One sample of a transposed direct form II biquad (biquad_process, per sample: the loop
// closes through it).
inline float tick(const BiquadCoefficients& c, BiquadState& s, float x) {
    const double in = x;
    const double out = c.b0 * in + s.z1;
    s.z1 = c.b1 * in - c.a1 * out + s.z2;
    s.z2 = c.b2 * in - c.a2 * out;
    return static_cast<float>(out);
}
}  // namespace

void Echo::process(const AudioBlock& block) {
    if (block.channel_count < 1) return;
    if (!sanitize_block(block)) {
        reset();
        return;
    }
    const auto& k = coefficients_;
    float* left = block.channels[0];
    float* right = block.channel_count > 1 ? block.channels[1] : nullptr;
    const bool filtered = !k.high_cut.identity();
    auto& line_l = lines_[0];
    auto& line_r = lines_[1];
    for (int i = 0; i < block.frames; ++i) {
        float y_l = tap_.read(line_l);
        float y_r = tap_.read(line_r);
        if (filtered) {
            y_l = flush_denormal(tick(k.high_cut, high_cut_[0], y_l));
            y_r = flush_denormal(tick(k.high_cut, high_cut_[1], y_r));
        }
        const float in_l = left[i];
        const float in_r = right ? right[i] : in_l;
        if (k.ping_pong) {
            line_l.write(flush_denormal(0.5f * (in_l + in_r) + k.feedback * y_r));
            line_r.write(flush_denormal(k.feedback * y_l));
        } else {
            line_l.write(flush_denormal(in_l + k.feedback * y_l));
            line_r.write(flush_denormal(in_r + k.feedback * y_r));
        }
        line_l.advance();
        line_r.advance();
        tap_.advance();
        left[i] = right ? y_l : 0.5f * (y_l + y_r);
        if (right) right[i] = y_r;
    }
    for (auto& h : high_cut_) {
        h.z1 = flush_denormal(h.z1);
        h.z2 = flush_denormal(h.z2);
    }
}

}  // namespace phantom::dsp
