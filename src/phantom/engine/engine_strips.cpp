// The engine's processor slots (channel_strip.hpp): [audio-thread] all of it.
//
// Input strips run after the whole input stage (run_sources), in three passes: the filters of
// every channel, then the dynamics (a linked pair's first strip runs on both channels, so
// both must be filtered first), then the guard and the capture. The input meters and the
// studio doctor's tap stay before the strip: they show what the converter delivers, which is
// what gain staging needs. Capture is taken before the strip unless /input/<id>/rec_fx.
#include <bit>

#include "phantom/dsp/block_ops.hpp"
#include "phantom/engine/engine.hpp"

namespace phantom::engine {

void Engine::run_input_strips(const Plan& plan, const BlockIo& io, int offset, int frames) {
    strips_ = plan.strips.get();
    if (!strips_) return;
    const auto& strips = strips_->inputs;
    const size_t count = std::min(strips.size(), layout_.sources);
    // Every strip takes its new settings at the block boundary, outputs included: an output
    // strip switched on must be seen as active before run_outputs decides the output is quiet.
    for (size_t s = 0; s < count; ++s)
        if (strips[s]) strips[s]->pull();
    for (const auto& out : strips_->outputs)
        if (out) out->pull();
    auto ready = [&](size_t s) { return strips[s] && source_connected_[s]; };

    for (size_t s = 0; s < count; ++s)
        if (ready(s) && strips[s]->active()) strips[s]->run_filters(source_buffer(s), frames);

    for (size_t s = 0; s < count; ++s) {
        InputStrip* strip = strips[s].get();
        if (!strip) continue;
        const InputStripCoefficients& k = strip->coefficients();
        if (strip->dynamics_active()) {
            if (k.links_next && s + 1 < layout_.sources) {
                // One side of the pair with nothing connected reads as silence (its buffer is
                // not written this block): a scratch of zeros stands in for it.
                const bool a = source_connected_[s] != 0, b = source_connected_[s + 1] != 0;
                if (a || b) {
                    float* zeros = scratch(1);
                    if (!a || !b) dsp::clear(zeros, frames);
                    float* pair[2] = {a ? source_buffer(s) : zeros,
                                      b ? source_buffer(s + 1) : zeros};
                    strip->run_dynamics(pair, 2, frames);
                }
            } else if (source_connected_[s]) {
                float* one[1] = {source_buffer(s)};
                strip->run_dynamics(one, 1, frames);
            }
        }
        // Width mixes the two sides, after the dynamics: it needs both connected (an idle
        // side's buffer is not written this block and is never read). A pair just unlinked
        // still fades its width out (width_on is only ever set on a linked pair's first
        // channel), so the unlink does not jump.
        if (strip->width_active() && s + 1 < count && source_connected_[s] &&
            source_connected_[s + 1]) {
            float* pair[2] = {source_buffer(s), source_buffer(s + 1)};
            strip->run_width(pair, frames);
        }
    }

    for (size_t s = 0; s < count; ++s) {
        InputStrip* strip = strips[s].get();
        if (strip) {
            comp_gr_db_.store(s, strip->comp_gain_reduction_db());
            gate_gr_db_.store(s, strip->gate_gain_reduction_db());
        }
        // Touched this block: by its own strip, or by its partner's linked dynamics or width
        // (the second channel of a pair needs no strip of its own for that).
        const bool partner = s > 0 && strips[s - 1] && strips[s - 1]->pair_active();
        if (!source_connected_[s] || (!(strip && strip->active()) && !partner)) continue;
        float* buf = source_buffer(s);
        const std::uint32_t peak_bits = dsp::max_abs_bits(buf, frames);
        if (peak_bits > kFaultThresholdBits) {  // NaN, Inf or absurd: never reaches a bus
            dsp::clear(buf, frames);
            if (strip) strip->reset();
            if (partner) strips[s - 1]->reset();
            source_silent_[s] = 1;
        } else {
            // A filter's tail after the input fell silent is still signal for the buses, and
            // so is what a pair's width moved into a silent side.
            source_silent_[s] = peak_bits == 0;
        }
        if (strip && strip->coefficients().rec_fx && io.capture &&
            static_cast<int>(s) < layout_.capture && io.capture[s])
            dsp::copy(buf, io.capture[s] + offset, frames);
    }
}

bool Engine::output_strip_active(size_t o) const {
    return (strips_ && o < strips_->outputs.size() && strips_->outputs[o] &&
            strips_->outputs[o]->active()) ||
           output_plugins_loaded(o);
}

void Engine::run_output_strip(size_t o, float* l, float* r, int frames) {
    run_output_plugins(o, l, r, frames);  // before the room EQ, delay and limiter
    if (!strips_ || o >= strips_->outputs.size() || !strips_->outputs[o]) return;
    OutputStrip& strip = *strips_->outputs[o];
    if (strip.active()) strip.run(l, r, frames);
    limiter_gr_db_.store(o, strip.limiter_gain_reduction_db());
}

}  // namespace phantom::engine
