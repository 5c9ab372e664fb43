// The engine's hardware insert slots (insert_slot.hpp): [audio-thread] all of it.
//
// A slot runs after every input strip, so the channel goes out of the send as its strip left
// it (post-preamp, post-EQ and dynamics: TotalMix and UA Console put inserts after the
// preamp, and a strip's low cut belongs before a compressor), and the return, an input like
// any other, has been through its own input stage. Its mix of return and delayed dry replaces
// the channel for the buses. The send is played in run_outputs, after the output's own
// processing and before the DAC's clip and meter, at unity: the loop's level is the gear's.
#include <algorithm>

#include "phantom/dsp/block_ops.hpp"
#include "phantom/engine/engine.hpp"

namespace phantom::engine {

void Engine::run_inserts(const BlockIo& io, int offset, int frames) {
    std::fill(send_of_channel_.begin(), send_of_channel_.end(), nullptr);
    if (!strips_) return;
    const auto& inserts = strips_->inserts;
    const size_t count = std::min(inserts.size(), layout_.sources);
    for (size_t s = 0; s < count; ++s) {
        InsertSlot* slot = inserts[s].get();
        if (!slot) continue;
        slot->pull();
        const InsertSettings& k = slot->settings();
        float* x = source_buffer(s);
        if (!source_connected_[s]) {
            // Nothing plays into the channel, but the slot may still send (a measurement, a
            // tail): the channel is silence, written, so its mix reaches the buses.
            if (!slot->active()) continue;
            dsp::clear(x, frames);
            source_connected_[s] = 1;
            connectivity_changed_ = true;
        }
        const int r = k.return_source;
        const bool has_return = r >= 0 && static_cast<size_t>(r) < layout_.sources &&
                                static_cast<size_t>(r) != s &&
                                source_connected_[static_cast<size_t>(r)];
        slot->run(x, has_return ? source_buffer(static_cast<size_t>(r)) : nullptr, frames);
        if (slot->sending() && k.send_channel >= 0 &&
            static_cast<size_t>(k.send_channel) < send_of_channel_.size())
            send_of_channel_[static_cast<size_t>(k.send_channel)] = slot;
        const std::uint32_t peak_bits = dsp::max_abs_bits(x, frames);
        if (peak_bits > kFaultThresholdBits) {  // the gear returned garbage: never to a bus
            dsp::clear(x, frames);
            slot->reset();
            source_silent_[s] = 1;
        } else {
            source_silent_[s] = peak_bits == 0;
        }
        if (k.rec_fx && slot->active() && io.capture && static_cast<int>(s) < layout_.capture &&
            io.capture[s])
            dsp::copy(x, io.capture[s] + offset, frames);
    }
}

bool Engine::output_sending(size_t o) const {
    const auto first = static_cast<size_t>(layout_.output_first_channel[o]);
    for (int c = 0; c < layout_.output_channels[o]; ++c)
        if (send_of_channel_[first + static_cast<size_t>(c)]) return true;
    return false;
}

void Engine::run_loops(const Plan& plan, int frames) {
    for (const LoopTap& tap : plan.loops)
        tap.loop->push(output_buffer(tap.output_channel), frames);
}

}  // namespace phantom::engine
