#include "phantom/engine/insert_slot.hpp"

#include <algorithm>
#include <cmath>

#include "phantom/engine/channel_strip.hpp"

namespace phantom::engine {

void InsertSlot::prepare(double sample_rate_hz, int max_frames, int max_delay_frames,
                         int max_lag_frames) {
    fade_frames_ = std::max(1, static_cast<int>(std::lround(sample_rate_hz * kSectionFadeS)));
    max_delay_frames_ = max_delay_frames;
    max_lag_frames_ = max_lag_frames;
    line_.resize(max_delay_frames);
    const auto block = static_cast<size_t>(max_frames);
    send_.assign(block, 0.0f);
    send_gain_.assign(block, 0.0f);
    wet_gain_.assign(block, 0.0f);
    engaged_gain_.assign(block, 0.0f);
    sequence_.assign(kMaxSequenceFrames, 0.0f);
    recording_.assign(static_cast<size_t>(kMaxSequenceFrames) + static_cast<size_t>(max_lag_frames),
                      0.0f);
    engaged_.snap(0.0f);
    wet_.snap(1.0f);
    tap_.snap(0);
}

void InsertSlot::snap() {
    mailbox_.take(settings_);
    engaged_.snap(settings_.on ? 1.0f : 0.0f);
    wet_.snap(settings_.wet);
    tap_.snap(std::clamp(settings_.delay_frames, 0, max_delay_frames_));
}

bool InsertSlot::arm_measurement(const std::vector<float>& sequence) {
    if (sequence.empty() || sequence.size() > sequence_.size()) return false;
    // A finished measurement nobody took is discarded.
    const int state = state_.load(std::memory_order_acquire);
    if (state != kIdle && state != kDone) return false;
    std::copy(sequence.begin(), sequence.end(), sequence_.begin());
    sequence_frames_ = static_cast<int>(sequence.size());
    state_.store(kArmed, std::memory_order_release);
    return true;
}

std::vector<float> InsertSlot::take_recording() {
    if (state_.load(std::memory_order_acquire) != kDone) return {};
    std::vector<float> out(recording_.begin(),
                           recording_.begin() + sequence_frames_ + max_lag_frames_);
    state_.store(kIdle, std::memory_order_release);
    return out;
}

void InsertSlot::cancel_measurement() {
    int seen = kArmed;
    if (state_.compare_exchange_strong(seen, kIdle, std::memory_order_acq_rel)) return;
    if (seen == kRunning &&
        state_.compare_exchange_strong(seen, kAbandoned, std::memory_order_acq_rel))
        return;  // the audio thread stops at its next block and goes idle
    if (seen == kDone) state_.store(kIdle, std::memory_order_release);
}

void InsertSlot::pull() {
    mailbox_.take(settings_);
}

void InsertSlot::run(float* x, const float* ret, int frames) {
    int state = state_.load(std::memory_order_acquire);
    if (state == kAbandoned) {  // nobody waits for it any more
        state_.store(kIdle, std::memory_order_release);
        state = kIdle;
    }
    const bool measuring = state != kIdle;
    // While a measurement is armed, running or waiting to be read, the channel plays its dry
    // signal only: the sequence must not reach a mix.
    engaged_.set_target(settings_.on || measuring ? 1.0f : 0.0f, fade_frames_);
    wet_.set_target(measuring ? 0.0f : settings_.wet, fade_frames_);
    tap_.set_target(std::clamp(settings_.delay_frames, 0, max_delay_frames_), fade_frames_);
    int start = state;
    int armed = kArmed;
    // A compare-exchange: the control thread may cancel an armed measurement meanwhile.
    if (state == kArmed && wet_.silent() && !engaged_.ramping() &&
        state_.compare_exchange_strong(armed, kRunning, std::memory_order_acq_rel)) {
        position_ = 0;
        start = kRunning;
    }

    if (engaged_.silent()) {  // out: the delay line keeps the channel's past, nothing else
        for (int k = 0; k < frames; ++k) {
            line_.write(x[k]);
            line_.advance();
            tap_.advance();
        }
        wet_.skip(frames);
        sending_ = false;
        return;
    }
    engaged_.fill(engaged_gain_.data(), frames);
    wet_.fill(wet_gain_.data(), frames);
    const auto lag_end = static_cast<int>(recording_.size());
    for (int k = 0; k < frames; ++k) {
        line_.write(x[k]);
        const float dry = tap_.read(line_);
        line_.advance();
        tap_.advance();
        const float r = ret ? ret[k] : 0.0f;
        if (start == kRunning) {
            send_[static_cast<size_t>(k)] =
                position_ < sequence_frames_ ? sequence_[static_cast<size_t>(position_)] : 0.0f;
            if (position_ < sequence_frames_ + max_lag_frames_ && position_ < lag_end)
                recording_[static_cast<size_t>(position_)] = r;
            ++position_;
        } else {
            send_[static_cast<size_t>(k)] = start == kIdle ? x[k] : 0.0f;
        }
        const float w = wet_gain_[static_cast<size_t>(k)];
        const float g = engaged_gain_[static_cast<size_t>(k)];
        // Written as weights that sum to one, so 100 % is the return bit for bit and 50 % of a
        // return that is the inverted dry is exactly zero.
        const float y = (1.0f - w) * dry + w * r;
        x[k] = (1.0f - g) * x[k] + g * y;
    }
    std::copy(engaged_gain_.begin(), engaged_gain_.begin() + frames, send_gain_.begin());
    sending_ = true;
    int running = kRunning;
    if (start == kRunning && position_ >= sequence_frames_ + max_lag_frames_ &&
        !state_.compare_exchange_strong(running, kDone, std::memory_order_acq_rel))
        state_.store(kIdle, std::memory_order_release);  // abandoned meanwhile
}

void InsertSlot::mix_send_into(float* y, int frames) const {
    for (int k = 0; k < frames; ++k) {
        const float g = send_gain_[static_cast<size_t>(k)];
        y[k] = (1.0f - g) * y[k] + g * send_[static_cast<size_t>(k)];
    }
}

}  // namespace phantom::engine
