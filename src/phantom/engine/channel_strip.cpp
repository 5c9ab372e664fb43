#include "phantom/engine/channel_strip.hpp"

#include <algorithm>
#include <cmath>

#include "phantom/dsp/block_ops.hpp"

namespace phantom::engine {

namespace {
int fade_frames_for(double sample_rate_hz) {
    return std::max(1, static_cast<int>(std::lround(kSectionFadeS * sample_rate_hz)));
}
}  // namespace

void FadeScratch::prepare(double sample_rate_hz, int max_frames) {
    stride = static_cast<size_t>(std::max(max_frames, 1));
    dry.assign(stride * dsp::kMaxChannels, 0.0f);
    gains.assign(stride, 0.0f);
    fade_frames = fade_frames_for(sample_rate_hz);
}

template <typename P>
void SectionFade::run(P& p, bool on, const dsp::AudioBlock& block, FadeScratch& scratch) {
    fade_.set_target(on ? 1.0f : 0.0f, scratch.fade_frames);
    if (fade_.silent()) {  // off: the samples pass untouched
        if (!parked_) {
            p.reset();  // so that switching on again starts from silence, not a stale tail
            parked_ = true;
        }
        return;
    }
    parked_ = false;
    if (!fade_.ramping()) {  // a ramp at rest is exactly 0 (above) or exactly 1
        p.process(block);
        return;
    }
    for (int c = 0; c < block.channel_count; ++c)
        dsp::copy(block.channels[c], scratch.channel(c), block.frames);
    p.process(block);
    float* gains = scratch.gains.data();
    fade_.fill(gains, block.frames);
    for (int c = 0; c < block.channel_count; ++c)
        dsp::crossfade_from_dry(block.channels[c], scratch.channel(c), gains, block.frames);
}

namespace {
bool same(const dsp::BiquadChainCoefficients& a, const dsp::BiquadChainCoefficients& b) {
    if (a.section_count != b.section_count) return false;
    for (int k = 0; k < a.section_count; ++k) {
        const auto& x = a.sections[static_cast<size_t>(k)];
        const auto& y = b.sections[static_cast<size_t>(k)];
        if (x.b0 != y.b0 || x.b1 != y.b1 || x.b2 != y.b2 || x.a1 != y.a1 || x.a2 != y.a2)
            return false;
    }
    return true;
}
}  // namespace

void MorphingChain::prepare(double sample_rate_hz, int max_block_frames) {
    scratch_.prepare(sample_rate_hz, max_block_frames);
    now_.prepare(sample_rate_hz, max_block_frames);
    before_.prepare(sample_rate_hz, max_block_frames);
    morph_.snap(1.0f);
}

void MorphingChain::set_coefficients(const dsp::BiquadChainCoefficients& c) {
    if (same(c, now_.coefficients())) return;
    before_ = now_;  // coefficients and state: a fixed-size copy
    now_.set_coefficients(c);
    morph_.snap(0.0f);
    morph_.set_target(1.0f, scratch_.fade_frames);
}

void MorphingChain::process(const dsp::AudioBlock& block) {
    if (!morph_.ramping()) {
        now_.process(block);
        return;
    }
    float* old_channels[dsp::kMaxChannels] = {scratch_.channel(0), scratch_.channel(1)};
    for (int c = 0; c < block.channel_count; ++c)
        dsp::copy(block.channels[c], old_channels[c], block.frames);
    before_.process({old_channels, block.channel_count, block.frames});
    now_.process(block);
    float* gains = scratch_.gains.data();
    morph_.fill(gains, block.frames);
    for (int c = 0; c < block.channel_count; ++c) {
        float* x = block.channels[c];
        const float* o = old_channels[c];
        for (int i = 0; i < block.frames; ++i)
            x[i] = o[i] + (x[i] - o[i]) * gains[i];
    }
}

void MorphingChain::reset() {
    now_.reset();
    before_.reset();
    morph_.snap(1.0f);
}

void InputStrip::prepare(double sample_rate_hz, int max_frames) {
    scratch_.prepare(sample_rate_hz, max_frames);
    low_cut_.prepare(sample_rate_hz, max_frames);
    eq_.prepare(sample_rate_hz, max_frames);
    comp_.prepare(sample_rate_hz, max_frames);
    gate_.prepare(sample_rate_hz, max_frames);
    width_.prepare(sample_rate_hz, max_frames);
    for (SectionFade* f : {&low_cut_fade_, &eq_fade_, &comp_fade_, &gate_fade_, &width_fade_})
        f->snap(false);
}

void InputStrip::apply(const InputStripCoefficients& c) {
    k_ = c;
    low_cut_.set_coefficients(c.low_cut);
    eq_.set_coefficients(c.eq);
    comp_.set_coefficients(c.comp);
    gate_.set_coefficients(c.gate);
    width_.set_coefficients(c.width);
}

void InputStrip::snap() {
    InputStripCoefficients c;
    if (mailbox_.take(c)) apply(c);
    low_cut_.settle();
    eq_.settle();
    low_cut_fade_.snap(k_.low_cut_on);
    eq_fade_.snap(k_.eq_on);
    comp_fade_.snap(k_.comp_on && !k_.dynamics_elsewhere);
    gate_fade_.snap(k_.gate_on && !k_.dynamics_elsewhere);
    width_fade_.snap(k_.width_on);
}

void InputStrip::pull() {
    InputStripCoefficients c;
    if (mailbox_.take(c)) apply(c);
}

bool InputStrip::active() const {
    return low_cut_fade_.active(k_.low_cut_on) || eq_fade_.active(k_.eq_on) || dynamics_active() ||
           width_active();
}

void InputStrip::run_filters(float* x, int frames) {
    float* channels[1] = {x};
    const dsp::AudioBlock block{channels, 1, frames};
    low_cut_fade_.run(low_cut_, k_.low_cut_on, block, scratch_);
    eq_fade_.run(eq_, k_.eq_on, block, scratch_);
}

void InputStrip::run_dynamics(float* const* channels, int channel_count, int frames) {
    const dsp::AudioBlock block{channels, channel_count, frames};
    const bool here = !k_.dynamics_elsewhere;
    comp_fade_.run(comp_, here && k_.comp_on, block, scratch_);
    gate_fade_.run(gate_, here && k_.gate_on, block, scratch_);
}

void InputStrip::run_width(float* const* pair, int frames) {
    const dsp::AudioBlock block{pair, 2, frames};
    width_fade_.run(width_, k_.width_on, block, scratch_);
}

void InputStrip::reset() {
    low_cut_.reset();
    eq_.reset();
    comp_.reset();
    gate_.reset();
    width_.reset();
}

void OutputStrip::prepare(double sample_rate_hz, int max_frames) {
    scratch_.prepare(sample_rate_hz, max_frames);
    eq_.prepare(sample_rate_hz, max_frames);
    delay_.prepare(sample_rate_hz, max_frames);
    limiter_.prepare(sample_rate_hz, max_frames);
    limiter_primed_frames_ = 0;
    for (SectionFade* f : {&eq_fade_, &delay_fade_, &limiter_fade_})
        f->snap(false);
}

void OutputStrip::apply(const OutputStripCoefficients& c) {
    k_ = c;
    eq_.set_coefficients(c.eq);
    delay_.set_coefficients(c.delay);
    limiter_.set_coefficients(c.limiter);
}

void OutputStrip::snap() {
    OutputStripCoefficients c;
    if (mailbox_.take(c)) apply(c);
    eq_.settle();
    // On from the first sample, as set (its lookahead fills like any delay's at start).
    limiter_primed_frames_ = k_.limiter_on ? limiter_.latency_frames() : 0;
    eq_fade_.snap(k_.eq_on);
    delay_fade_.snap(k_.delay_on);
    limiter_fade_.snap(k_.limiter_on);
}

void OutputStrip::pull() {
    OutputStripCoefficients c;
    if (mailbox_.take(c)) apply(c);
}

void OutputStrip::run(float* l, float* r, int frames) {
    float* channels[2] = {l, r};
    const dsp::AudioBlock block{channels, r ? 2 : 1, frames};
    eq_fade_.run(eq_, k_.eq_on, block, scratch_);
    delay_fade_.run(delay_, k_.delay_on, block, scratch_);
    // Switched on, the limiter first fills its lookahead with the signal (its output unused)
    // and only then fades in: a fade from the signal to the limiter's delayed output that
    // began while its delay line held silence would bring the signal in with a step.
    if (limiter_fade_.parked()) {
        if (!k_.limiter_on) {
            if (limiter_primed_frames_ > 0) limiter_.reset();  // switched off while filling
            limiter_primed_frames_ = 0;
        } else if (limiter_primed_frames_ < limiter_.latency_frames()) {
            float* copies[dsp::kMaxChannels];
            for (int c = 0; c < block.channel_count; ++c) {
                copies[c] = scratch_.channel(c);
                dsp::copy(block.channels[c], copies[c], frames);
            }
            limiter_.process({copies, block.channel_count, frames});
            limiter_primed_frames_ += frames;
            return;
        }
    }
    limiter_fade_.run(limiter_, k_.limiter_on, block, scratch_);
}

void OutputStrip::reset() {
    eq_.reset();
    delay_.reset();
    limiter_.reset();
}

}  // namespace phantom::engine
