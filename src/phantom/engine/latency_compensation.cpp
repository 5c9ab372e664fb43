#include "phantom/engine/latency_compensation.hpp"

#include <algorithm>
#include <cmath>

#include "phantom/engine/channel_strip.hpp"

namespace phantom::engine {

static_assert((CompensationDelay::kMaxDelayFrames & (CompensationDelay::kMaxDelayFrames - 1)) == 0,
              "the ring is masked: its length must be a power of two");

void CompensationDelay::prepare(double sample_rate_hz) {
    fade_frames_ = std::max(1, static_cast<int>(std::lround(sample_rate_hz * kSectionFadeS)));
    buffer_.assign(static_cast<size_t>(kMaxDelayFrames), 0.0f);
    mask_ = buffer_.size() - 1;
    write_ = 0;
    skipped_ = 0;
    quiet_frames_ = 1LL << 40;
    from_ = to_ = target_.load(std::memory_order_relaxed);
    fade_left_ = 0;
}

void CompensationDelay::set_delay(int frames) {
    target_.store(std::clamp(frames, 0, kMaxDelayFrames), std::memory_order_relaxed);
}

void CompensationDelay::snap() {
    from_ = to_ = target_.load(std::memory_order_relaxed);
    fade_left_ = 0;
}

void CompensationDelay::fill_skipped() {
    for (size_t k = skipped_; k > 0; --k)
        buffer_[(write_ - k) & mask_] = 0.0f;
    skipped_ = 0;
}

void CompensationDelay::skip(int frames) {
    write_ += static_cast<size_t>(frames);
    skipped_ = std::min(skipped_ + static_cast<size_t>(frames), buffer_.size());
    quiet_frames_ += frames;
}

bool CompensationDelay::run(float* x, int frames, bool silent) {
    // A new delay: fade from the tap in force (a fade under way is finished at its target
    // first, as dsp::FadingTap does).
    const int target = target_.load(std::memory_order_relaxed);
    if (target != to_) {
        from_ = to_;
        to_ = target;
        fade_left_ = fade_frames_;
    }
    quiet_frames_ = silent ? quiet_frames_ + frames : 0;
    const int longest = std::max(from_, to_);
    // Nothing in, and what the taps read lies in the silence too: the ring need not be written
    // (the positions are owed zeros), and x is zeros already.
    if (silent && quiet_frames_ >= static_cast<long long>(longest) + frames) {
        fade_left_ = std::max(fade_left_ - frames, 0);
        if (fade_left_ == 0) from_ = to_;
        skip(frames);
        quiet_frames_ -= frames;  // counted once above
        return true;
    }
    fill_skipped();
    for (int k = 0; k < frames; ++k) {
        const float now = x[k];
        // Read before the write: a ring of N frames then holds delays up to N.
        float y = tap(to_, now);
        if (fade_left_ > 0) {
            const float w = static_cast<float>(fade_left_) / static_cast<float>(fade_frames_);
            y = w * tap(from_, now) + (1.0f - w) * y;
            if (--fade_left_ == 0) from_ = to_;
        }
        buffer_[write_ & mask_] = now;
        ++write_;
        x[k] = y;
    }
    return silent && quiet_frames_ >= static_cast<long long>(longest) + frames;
}

}  // namespace phantom::engine
