// The engine's LV2 plugin slots (plugin_slot.hpp): [audio-thread] all of it.
//
// The slots run after every input strip and before the hardware inserts: a plugin is
// processing inside the box, which TotalMix FX and UA Console put after the channel's own EQ
// and dynamics; an outboard insert sends the channel as the plugins left it.
#include <algorithm>

#include "phantom/dsp/block_ops.hpp"
#include "phantom/engine/engine.hpp"
#include "phantom/params/strip_param_ids.hpp"

namespace phantom::engine {

void Engine::run_plugins(const BlockIo& io, int offset, int frames) {
    if (!strips_ || strips_->plugins.empty()) return;
    const auto& slots = strips_->plugins;
    const size_t per = static_cast<size_t>(params::kPluginSlots);
    const size_t count = std::min(slots.size() / per, layout_.sources);
    // A linked pair's slots are its first input's and run on both (plugin_slot.hpp): what
    // they did to the second input is carried to its own turn, for its guard and capture.
    bool carried = false, carried_rec_fx = false;
    for (size_t s = 0; s < count; ++s) {
        const bool from_pair = carried, from_pair_rec_fx = carried_rec_fx;
        carried = carried_rec_fx = false;
        bool loaded = from_pair;
        for (size_t n = 0; n < per; ++n)
            loaded = loaded || slots[s * per + n] != nullptr;
        if (!loaded) continue;
        if (!source_connected_[s]) {
            // Nothing plays into the channel, but a loaded plugin runs on its silence, as in
            // hardware: a tail rings out, and its latency is known before the signal comes
            // (compensation does not jump then). The channel's silence is written, so what
            // the plugin makes reaches the buses.
            dsp::clear(source_buffer(s), frames);
            source_connected_[s] = 1;
            connectivity_changed_ = true;
        }
        bool ran = from_pair, rec_fx = from_pair_rec_fx;
        for (size_t n = 0; n < per; ++n) {
            PluginSlot* slot = slots[s * per + n].get();
            if (!slot) continue;
            float* x = source_buffer(s);
            if (slot->channels() == 2 && s + 1 < count) {
                float* second = nullptr;
                if (slot->pair_wanted()) {
                    if (!source_connected_[s + 1]) {  // silent, as the first input above
                        dsp::clear(source_buffer(s + 1), frames);
                        source_connected_[s + 1] = 1;
                        connectivity_changed_ = true;
                    }
                    second = source_buffer(s + 1);
                    carried = true;
                    carried_rec_fx = slot->pair_rec_fx();
                }
                slot->run_pair(x, second, frames);
            } else {
                slot->run(&x, 1, frames);
            }
            ran = true;
            rec_fx = slot->rec_fx();
        }
        if (!ran) continue;
        float* buf = source_buffer(s);
        const std::uint32_t peak_bits = dsp::max_abs_bits(buf, frames);
        if (peak_bits > kFaultThresholdBits) {  // the processors' own guards should prevent it
            dsp::clear(buf, frames);
            source_silent_[s] = 1;
        } else {
            source_silent_[s] = peak_bits == 0;
        }
        if (rec_fx && io.capture && static_cast<int>(s) < layout_.capture && io.capture[s])
            dsp::copy(buf, io.capture[s] + offset, frames);
    }
}

const std::shared_ptr<PluginSlot>* Engine::output_plugin_slots(size_t o) const {
    const auto per = static_cast<size_t>(params::kPluginSlots);
    const size_t first = (layout_.sources + o) * per;
    if (!strips_ || first + per > strips_->plugins.size()) return nullptr;
    return strips_->plugins.data() + first;
}

bool Engine::output_plugins_loaded(size_t o) const {
    // A loaded plugin runs whatever the output plays: a tail (a delay, a reverb) goes on
    // after the mix has fallen silent, as it would in a hardware processor.
    const std::shared_ptr<PluginSlot>* slots = output_plugin_slots(o);
    if (!slots) return false;
    for (int n = 0; n < params::kPluginSlots; ++n)
        if (slots[n]) return true;
    return false;
}

void Engine::run_output_plugins(size_t o, float* l, float* r, int frames) {
    const std::shared_ptr<PluginSlot>* slots = output_plugin_slots(o);
    if (!slots) return;
    float* channels[2] = {l, r};
    for (int n = 0; n < params::kPluginSlots; ++n)
        if (PluginSlot* slot = slots[n].get()) slot->run(channels, r ? 2 : 1, frames);
}

}  // namespace phantom::engine
