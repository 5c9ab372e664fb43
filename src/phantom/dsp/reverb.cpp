#include "phantom/dsp/reverb.hpp"

#include <algorithm>
#include <cmath>

namespace phantom::dsp {

namespace {

// Base line lengths at room size 1 (48 kHz frames ÷ 48 = ms): mutually prime, spread over a
// bit more than an octave so that the modes do not bunch.
constexpr std::array<double, kReverbLines> kBaseLineMs = {31.7, 37.9, 41.3, 47.1,
                                                          53.9, 59.3, 67.1, 73.7};
constexpr std::array<double, 2> kDiffuserMs = {4.77, 3.59};
constexpr float kDiffuserGain = 0.6f;
constexpr double kMaxSizeScale = 1.5;
constexpr double kMinSizeScale = 0.3;
// ±1 patterns that tap the lines into left and right: orthogonal, so the two sides decorrelate.
constexpr std::array<float, kReverbLines> kLeftTaps = {1, -1, 1, -1, 1, -1, 1, -1};
constexpr std::array<float, kReverbLines> kRightTaps = {1, 1, -1, -1, 1, 1, -1, -1};
constexpr std::array<float, kReverbLines> kInputSigns = {1, 1, 1, 1, -1, -1, -1, -1};

int frames_of(double ms, double sample_rate_hz) {
    return static_cast<int>(std::lround(ms / 1000.0 * sample_rate_hz));
}

// In place, orthonormal: the fast Walsh–Hadamard transform scaled by 1/√8.
inline void hadamard8(std::array<float, kReverbLines>& v) {
    for (size_t h = 1; h < kReverbLines; h *= 2)
        for (size_t i = 0; i < kReverbLines; i += 2 * h)
            for (size_t j = i; j < i + h; ++j) {
                const float a = v[j], b = v[j + h];
                v[j] = a + b;
                v[j + h] = a - b;
            }
    const float scale = 0.35355339f;  // 1/√8
    for (auto& x : v)
        x *= scale;
}

}  // namespace

ReverbCoefficients design_reverb(const ReverbSettings& s, double sample_rate_hz) {
    ReverbCoefficients c;
    const double decay_s = clamp_setting(s.decay_s, 0.2, 20.0);
    const double size = clamp_setting(s.room_size, 0.0, 1.0);
    const double damping = clamp_setting(s.damping, 0.0, 1.0);
    const double scale = kMinSizeScale + (kMaxSizeScale - kMinSizeScale) * size;
    const double decay_nyquist_s = decay_s * (1.0 - 0.9 * damping);
    for (size_t i = 0; i < kReverbLines; ++i) {
        const int d = frames_of(kBaseLineMs[i] * scale, sample_rate_hz);
        c.line_frames[i] = d;
        // Per pass through line i: −60 dB · D_i / (RT60 · fs).
        const double g_dc = std::pow(10.0, -3.0 * d / (decay_s * sample_rate_hz));
        const double g_ny = std::pow(10.0, -3.0 * d / (decay_nyquist_s * sample_rate_hz));
        // One-pole b / (1 − p z⁻¹): DC gain b/(1 − p) = g_dc, Nyquist gain b/(1 + p) = g_ny.
        const double ratio = g_ny / g_dc;
        const double p = (1.0 - ratio) / (1.0 + ratio);
        c.absorb_pole[i] = static_cast<float>(p);
        c.absorb_gain[i] = static_cast<float>(g_dc * (1.0 - p));
    }
    for (size_t i = 0; i < 2; ++i)
        c.diffuser_frames[i] = std::max(1, frames_of(kDiffuserMs[i] * scale, sample_rate_hz));
    c.predelay_frames =
        frames_of(clamp_setting(s.predelay_ms, 0.0, kReverbMaxPredelayMs), sample_rate_hz);
    c.width = static_cast<float>(clamp_setting(s.width, 0.0, 2.0));
    return c;
}

void Reverb::prepare(double sample_rate_hz, int) {
    predelay_.resize(frames_of(kReverbMaxPredelayMs, sample_rate_hz) + 1);
    for (size_t i = 0; i < 2; ++i)
        diffusers_[i].resize(frames_of(kDiffuserMs[i] * kMaxSizeScale, sample_rate_hz) + 1);
    max_line_frames_ = frames_of(kBaseLineMs.back() * kMaxSizeScale, sample_rate_hz) + 1;
    for (auto& l : lines_)
        l.resize(max_line_frames_);
    fade_frames_ = std::max(1, frames_of(20.0, sample_rate_hz));
    set_coefficients(requested_);
    reset();
}

void Reverb::set_coefficients(const ReverbCoefficients& c) {
    requested_ = c;
    coefficients_ = c;
    // A coefficient struct designed at another rate must not read past the lines (before
    // prepare() they are empty: prepare() applies the request again).
    for (auto& d : coefficients_.line_frames)
        d = std::max(1, std::min(d, max_line_frames_));
    for (size_t i = 0; i < 2; ++i)
        coefficients_.diffuser_frames[i] = std::max(
            1, std::min(coefficients_.diffuser_frames[i], diffusers_[i].max_delay_frames()));
    predelay_tap_.set_target(std::min(c.predelay_frames, predelay_.max_delay_frames()),
                             fade_frames_);
}

void Reverb::reset() {
    predelay_.reset();
    for (auto& d : diffusers_)
        d.reset();
    for (auto& l : lines_)
        l.reset();
    absorb_state_.fill(0.0f);
    predelay_tap_.snap(predelay_tap_.target());
}

void Reverb::process(const AudioBlock& block) {
    if (block.channel_count < 1) return;
    if (!sanitize_block(block)) {
        reset();
        return;
    }
    const auto& k = coefficients_;
    float* left = block.channels[0];
    float* right = block.channel_count > 1 ? block.channels[1] : nullptr;
    const float w = k.width;
    // The line taps carry the sum of 8 lines: 1/√8 keeps the tail's level near the input's.
    const float out_scale = 0.35355339f;
    std::array<float, kReverbLines> state = absorb_state_;
    std::array<float, kReverbLines> v{};
    for (int i = 0; i < block.frames; ++i) {
        const float in = right ? 0.5f * (left[i] + right[i]) : left[i];
        predelay_.write(in);
        float x = predelay_tap_.read(predelay_);
        predelay_.advance();
        predelay_tap_.advance();
        // Schroeder all-pass: y = −g·x + d, d' = x + g·y (d: the line's delayed value).
        for (size_t a = 0; a < 2; ++a) {
            auto& ap = diffusers_[a];
            const float delayed = ap.read(k.diffuser_frames[a]);
            const float y = delayed - kDiffuserGain * x;
            ap.write(flush_denormal(x + kDiffuserGain * y));
            ap.advance();
            x = y;
        }
        float out_l = 0, out_r = 0;
        for (size_t n = 0; n < kReverbLines; ++n) {
            // Read before this frame's write: read(D) is the frame D back.
            const float o = lines_[n].read(k.line_frames[n]);
            state[n] = flush_denormal(k.absorb_gain[n] * o + k.absorb_pole[n] * state[n]);
            v[n] = state[n];
            out_l += kLeftTaps[n] * state[n];
            out_r += kRightTaps[n] * state[n];
        }
        hadamard8(v);
        for (size_t n = 0; n < kReverbLines; ++n) {
            lines_[n].write(flush_denormal(v[n] + kInputSigns[n] * x));
            lines_[n].advance();
        }
        out_l *= out_scale;
        out_r *= out_scale;
        const float mid = 0.5f * (out_l + out_r), side = 0.5f * w * (out_l - out_r);
        if (right) {
            left[i] = mid + side;
            right[i] = mid - side;
        } else {
            left[i] = mid;
        }
    }
    for (size_t n = 0; n < kReverbLines; ++n)
        absorb_state_[n] = state[n];
}

}  // namespace phantom::dsp
