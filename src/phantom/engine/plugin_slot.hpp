// One LV2 plugin slot, on the audio thread (/input/<id>/insert/<n>/…, /output/<id>/insert/<n>/…;
// params/plugin_params.hpp): in place on a hardware input's channel after its strip, or on an
// output's one or two channels before its own strip.
//
// Aims and invariants:
//  - The processor (processors/lv2) is made, instantiated and prepared on the control thread;
//    the slot object holding it is swapped in with a plan, as strips are, and dies on the
//    control thread with the last plan holding it.
//  - Nothing clicks. A slot made for a new plugin holds the processor it replaces (null when
//    the slot was empty) and crossfades from that one's output, or from the dry channel, to
//    the new one's over kSectionFadeS; an unloaded plugin is a slot whose new processor is
//    null, fading out to dry. Bypass crossfades the same way.
//  - The plugin keeps running while bypassed: its state and its latency stay, and coming
//    back is not a restart (Ardour and TotalMix FX's bypass work the same way to the ear).
//  - Controls reach the processor through its own atomics (Lv2Processor::set), at the next
//    block; a bypass through an atomic here.
// [control-thread] construction, set_bypass, settled; [audio-thread] run.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "phantom/dsp/gain_ramp.hpp"
#include "phantom/processors/lv2/lv2_processor.hpp"

namespace phantom::engine {

class PluginSlot {
  public:
    using Processor = processors::lv2::Lv2Processor;
    // `now`: the plugin from now on (null: the slot empties); `before`: the one it replaces
    // (null: the dry channel); `bypassed`: where the bypass stands.
    PluginSlot(std::shared_ptr<Processor> now, std::shared_ptr<Processor> before, bool bypassed,
               double sample_rate_hz, int max_frames);

    void set_bypass(bool bypassed) { bypass_.store(bypassed, std::memory_order_relaxed); }
    // The channel's capture carries what the slots made of it (/input/<id>/rec_fx).
    void set_rec_fx(bool on) { rec_fx_.store(on, std::memory_order_relaxed); }
    bool rec_fx() const { return rec_fx_.load(std::memory_order_relaxed); }
    // [control-thread, engine idle] In its settings from the first sample, without fades (a
    // render's --set, a session loaded before the start).
    void snap();
    const std::shared_ptr<Processor>& processor() const { return now_; }
    // [any-thread] The crossfade from the processor before has ended: it no longer runs.
    bool settled() const { return settled_.load(std::memory_order_acquire); }

    // [audio-thread] In place on `channel_count` channels (1, or 2 for a pair's slot).
    void run(float* const* channels, int channel_count, int frames);
    // [audio-thread] A block the slot's bus does not play (an FX bus whose return is off):
    // the plugins do not run, and the fades move on as if they had, so a slot emptied there
    // settles and its old plugin can be let go.
    void skip(int frames);

  private:
    std::shared_ptr<Processor> now_, before_;
    // dry_ and old_: kMaxChannels channels, stride_ apart.
    std::vector<float> dry_, old_, gains_;
    size_t stride_ = 1;
    dsp::GainRamp morph_;  // 0: before_'s output (or dry) … 1: now_'s (or dry)
    dsp::GainRamp wet_;    // 0: bypassed … 1: the plugin's output
    int fade_frames_ = 1;
    std::atomic<bool> bypass_{false}, settled_{false}, rec_fx_{false};
};

}  // namespace phantom::engine
