#include "phantom/dsp/limiter.hpp"

#include <algorithm>
#include <cmath>

#include "phantom/dsp/compressor.hpp"

namespace phantom::dsp {

LimiterCoefficients design_limiter(const LimiterSettings& s, double sample_rate_hz) {
    LimiterCoefficients c;
    c.enabled = s.enabled;
    c.ceiling = static_cast<float>(std::pow(10.0, clamp_setting(s.ceiling_db, -40.0, 0.0) / 20.0));
    c.release_coefficient = time_constant_coefficient(
        clamp_setting(s.release_ms, 10.0, 2000.0) / 1000.0, sample_rate_hz);
    return c;
}

void Limiter::prepare(double sample_rate_hz, int) {
    lookahead_ = std::max(1, static_cast<int>(std::lround(kLimiterLookaheadS * sample_rate_hz)));
    for (auto& l : lines_)
        l.resize(lookahead_);
    size_t capacity = 1;
    while (capacity < static_cast<size_t>(lookahead_) + 2)
        capacity <<= 1;
    min_queue_.assign(capacity, MinEntry{0, 1.0f});
    min_mask_ = capacity - 1;
    recent_.assign(static_cast<size_t>(lookahead_), 1.0f);
    reset();
}

void Limiter::reset() {
    for (auto& l : lines_)
        l.reset();
    min_head_ = min_tail_ = 0;
    std::fill(recent_.begin(), recent_.end(), 1.0f);
    recent_pos_ = 0;
    recent_sum_ = static_cast<double>(lookahead_);
    release_gain_ = 1.0f;
    frame_ = 0;
    gain_reduction_db_ = 0.0f;
}

void Limiter::recompute_sum() {
    double sum = 0;
    for (float r : recent_)
        sum += r;
    recent_sum_ = sum;
}

void Limiter::process(const AudioBlock& block) {
    if (!sanitize_block(block)) {
        reset();
        return;
    }
    // Disabled, it still runs the delay, so that turning it on or off does not move the
    // signal in time (its latency is reported either way).
    const auto& k = coefficients_;
    const float ceiling = k.enabled ? k.ceiling : 1e30f;
    const int channels = std::min(block.channel_count, kMaxChannels);
    const std::uint32_t window = static_cast<std::uint32_t>(lookahead_);
    const double inverse_length = 1.0 / static_cast<double>(lookahead_);
    float smallest = 1.0f;
    for (int i = 0; i < block.frames; ++i) {
        float peak = 0.0f;
        for (int c = 0; c < channels; ++c)
            peak = std::max(peak, std::fabs(block.channels[c][i]));
        const float required = peak > ceiling ? ceiling / peak : 1.0f;

        // Sliding minimum over frames [n − L, n].
        while (min_tail_ != min_head_ && min_queue_[(min_tail_ - 1) & min_mask_].gain >= required)
            --min_tail_;
        min_queue_[min_tail_++ & min_mask_] = {frame_, required};
        while (frame_ - min_queue_[min_head_ & min_mask_].frame > window)
            ++min_head_;
        const float held = min_queue_[min_head_ & min_mask_].gain;

        // r: down at once to the held minimum, up by the release.
        const float released = 1.0f - k.release_coefficient * (1.0f - release_gain_);
        release_gain_ = std::min(held, released);

        recent_sum_ +=
            static_cast<double>(release_gain_) - recent_[static_cast<size_t>(recent_pos_)];
        recent_[static_cast<size_t>(recent_pos_)] = release_gain_;
        if (++recent_pos_ == lookahead_) {
            recent_pos_ = 0;
            recompute_sum();  // once per L frames: the running sum cannot drift
        }
        const float gain = static_cast<float>(recent_sum_ * inverse_length);
        smallest = std::min(smallest, gain);

        for (int c = 0; c < channels; ++c) {
            auto& line = lines_[static_cast<size_t>(c)];
            line.write(block.channels[c][i]);
            const float y = line.read(lookahead_) * gain;
            block.channels[c][i] = std::clamp(y, -ceiling, ceiling);
            line.advance();
        }
        ++frame_;
    }
    gain_reduction_db_ = smallest < 1.0f ? -20.0f * std::log10(smallest) : 0.0f;
}

}  // namespace phantom::dsp
