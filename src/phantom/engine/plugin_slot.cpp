#include "phantom/engine/plugin_slot.hpp"

#include <algorithm>
#include <cmath>

#include "phantom/dsp/block_ops.hpp"
#include "phantom/engine/channel_strip.hpp"

namespace phantom::engine {

PluginSlot::PluginSlot(std::shared_ptr<Processor> now, std::shared_ptr<Processor> before,
                       bool bypassed, double sample_rate_hz, int max_frames, bool paired)
    : now_(std::move(now)), before_(std::move(before)) {
    channels_ = now_ ? now_->channels() : before_ ? before_->channels() : 1;
    stride_ = static_cast<size_t>(std::max(max_frames, 1));
    dry_.assign(stride_ * dsp::kMaxChannels, 0.0f);
    old_.assign(stride_ * dsp::kMaxChannels, 0.0f);
    gains_.assign(stride_, 0.0f);
    if (channels_ == 2) side_.assign(stride_, 0.0f);
    pair_.snap(paired ? 1.0f : 0.0f);
    pair_on_.store(paired, std::memory_order_relaxed);
    fade_frames_ = std::max(1, static_cast<int>(std::lround(kSectionFadeS * sample_rate_hz)));
    morph_.snap(0.0f);
    morph_.set_target(1.0f, fade_frames_);
    wet_.snap(bypassed ? 0.0f : 1.0f);
    bypass_.store(bypassed, std::memory_order_relaxed);
    settled_.store(!now_ && !before_, std::memory_order_relaxed);
}

void PluginSlot::snap() {
    morph_.snap(1.0f);
    wet_.snap(bypass_.load(std::memory_order_relaxed) ? 0.0f : 1.0f);
    pair_.snap(pair_on_.load(std::memory_order_relaxed) ? 1.0f : 0.0f);
    settled_.store(true, std::memory_order_release);
}

void PluginSlot::skip(int frames) {
    wet_.set_target(bypass_.load(std::memory_order_relaxed) ? 0.0f : 1.0f, fade_frames_);
    wet_.skip(frames);
    morph_.skip(frames);
    if (!morph_.ramping()) settled_.store(true, std::memory_order_release);
}

void PluginSlot::run_pair(float* first, float* second, int frames) {
    if (!second) {
        // Unlinked and faded out (pair_wanted() was false, so the fade stands at 0): the
        // second input is not this slot's; the plugin's second side plays silence.
        dsp::clear(side_.data(), frames);
        float* both[2] = {first, side_.data()};
        run(both, 2, frames);
        return;
    }
    pair_.set_target(pair_on_.load(std::memory_order_relaxed) ? 1.0f : 0.0f, fade_frames_);
    if (!now_ && !morph_.ramping()) {  // emptied and faded out: both inputs pass untouched
        pair_.skip(frames);
        settled_.store(true, std::memory_order_release);
        return;
    }
    float* both[2] = {first, second};
    run(both, 2, frames);  // dry_'s second channel keeps the second input as it came
    if (pair_.ramping() || pair_.current() != 1.0f) {
        pair_.fill(gains_.data(), frames);
        dsp::crossfade_from_dry(second, dry_.data() + stride_, gains_.data(), frames);
    }
}

void PluginSlot::run(float* const* channels, int channel_count, int frames) {
    wet_.set_target(bypass_.load(std::memory_order_relaxed) ? 0.0f : 1.0f, fade_frames_);
    const bool morphing = morph_.ramping();
    if (!now_ && !morphing) {  // emptied and faded out: the dry signal, untouched
        settled_.store(true, std::memory_order_release);
        return;
    }
    const int count = std::min(channel_count, dsp::kMaxChannels);
    auto dry = [&](int c) { return dry_.data() + static_cast<size_t>(c) * stride_; };
    for (int c = 0; c < count; ++c)
        dsp::copy(channels[c], dry(c), frames);
    if (now_) now_->process({channels, count, frames});
    if (morphing) {
        float* old[dsp::kMaxChannels] = {old_.data(), old_.data() + stride_};
        for (int c = 0; c < count; ++c)
            dsp::copy(dry(c), old[c], frames);
        if (before_) before_->process({old, count, frames});
        morph_.fill(gains_.data(), frames);
        const float* g = gains_.data();
        for (int c = 0; c < count; ++c) {
            float* x = channels[c];
            const float* o = old[c];
            for (int i = 0; i < frames; ++i)
                x[i] = o[i] + (x[i] - o[i]) * g[i];
        }
        if (!morph_.ramping()) settled_.store(true, std::memory_order_release);
    }
    if (wet_.ramping() || wet_.current() != 1.0f) {
        wet_.fill(gains_.data(), frames);
        for (int c = 0; c < count; ++c)
            dsp::crossfade_from_dry(channels[c], dry(c), gains_.data(), frames);
    }
}

}  // namespace phantom::engine
