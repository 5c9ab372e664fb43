// The submixes' FX (fx_bus.hpp): [audio-thread] all of it.
//
// After the crosspoints, each FX bus of a mix runs in place on its send bus (which the sends'
// crosspoints have just mixed, or which is zero: the tail still plays out): its built-in FX,
// then its plugin slots, and the result is added into the mix with the return's ramp. An FX
// bus the plan holds nothing for, or whose return sits at zero, is not run and touches
// nothing: a session without FX sounds bit for bit as before.
#include "phantom/dsp/block_ops.hpp"
#include "phantom/engine/engine.hpp"

namespace phantom::engine {

const std::shared_ptr<PluginSlot>* Engine::fx_plugin_slots(size_t b, size_t k) const {
    const auto per = static_cast<size_t>(params::kPluginSlots);
    const size_t first =
        (layout_.sources + layout_.output_channels.size() + b * static_cast<size_t>(kFxKinds) + k) *
        per;
    if (!strips_ || first + per > strips_->plugins.size()) return nullptr;
    const std::shared_ptr<PluginSlot>* slots = strips_->plugins.data() + first;
    for (size_t n = 0; n < per; ++n)
        if (slots[n]) return slots;
    return nullptr;
}

void Engine::run_fx(const Plan& plan, int frames) {
    const FxBank* bank = plan.fx.get();
    for (size_t b = 0; b < layout_.fx_send_bus.size(); ++b) {
        for (size_t k = 0; k < static_cast<size_t>(kFxKinds); ++k) {
            const size_t i = b * static_cast<size_t>(kFxKinds) + k;
            dsp::GainRamp& ret = fx_return_[i];
            dsp::GainRamp& builtin = fx_builtin_[i];
            ret.set_target(targets_.fx_return.load(i), ramp_frames_);
            builtin.set_target(targets_.fx_builtin.load(i), ramp_frames_);
            ReverbSlot* reverb = nullptr;
            EchoSlot* echo = nullptr;
            if (bank && k == static_cast<size_t>(params::kFxReverb) && b < bank->reverb.size())
                reverb = bank->reverb[b].get();
            if (bank && k == static_cast<size_t>(params::kFxEcho) && b < bank->echo.size())
                echo = bank->echo[b].get();
            const bool has_builtin = reverb || echo;
            const std::shared_ptr<PluginSlot>* plugins = fx_plugin_slots(b, k);
            // The sends pass on dry where the built-in FX is switched off and has faded out
            // (to the plugin slots, or straight to the return: the bus is a plain aux then);
            // while it is on but not yet in the plan (its return just raised), nothing plays.
            if ((!has_builtin && !builtin.silent()) || ret.silent()) {
                ret.skip(frames);
                builtin.skip(frames);
                if (plugins)
                    for (int n = 0; n < params::kPluginSlots; ++n)
                        if (PluginSlot* slot = plugins[n].get()) slot->skip(frames);
                continue;
            }
            const auto send = static_cast<size_t>(layout_.fx_send_bus[b][k]);
            const int channels = layout_.bus_channels[send];
            float* wet[2] = {bus_buffer(static_cast<size_t>(layout_.bus_first_channel[send])),
                             nullptr};
            wet[1] = wet[0] + stride_;
            const dsp::AudioBlock block{wet, channels, frames};
            if (has_builtin && !builtin.silent()) {
                const bool fading = builtin.ramping() || builtin.current() != 1.0f;
                if (fading)
                    for (int c = 0; c < channels; ++c)
                        dsp::copy(wet[c], fx_dry_.data() + static_cast<size_t>(c * max_frames_),
                                  frames);
                if (reverb) {
                    reverb->pull();
                    reverb->process(block);
                } else {
                    echo->pull();
                    echo->process(block);
                }
                if (fading) {
                    float* g = scratch(0);
                    builtin.fill(g, frames);
                    for (int c = 0; c < channels; ++c)
                        dsp::crossfade_from_dry(
                            wet[c], fx_dry_.data() + static_cast<size_t>(c * max_frames_), g,
                            frames);
                }
            } else {
                builtin.skip(frames);
            }
            if (plugins)
                for (int n = 0; n < params::kPluginSlots; ++n)
                    if (PluginSlot* slot = plugins[n].get()) slot->run(wet, channels, frames);
            bus_written_[send] = frames;  // the wet signal lies there now: cleared next block

            float* mix = bus_buffer(static_cast<size_t>(layout_.bus_first_channel[b]));
            if (ret.ramping()) {
                float* g = scratch(0);
                ret.fill(g, frames);
                for (int c = 0; c < channels; ++c) {
                    const float* x = wet[c];
                    float* y = mix + static_cast<size_t>(c) * stride_;
                    for (int n = 0; n < frames; ++n)
                        y[n] += x[n] * g[n];
                }
            } else {
                for (int c = 0; c < channels; ++c)
                    dsp::mix_add(wet[c], mix + static_cast<size_t>(c) * stride_, ret.current(),
                                 frames);
            }
            bus_written_[b] = frames;
        }
    }
}

}  // namespace phantom::engine
