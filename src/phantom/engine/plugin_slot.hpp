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
//  - The slot on the first input of a stereo pair (in1 of /link/in1) is the pair's slot: its
//    processor always carries two channels (a 2-in/2-out plugin, or a mono one on each side),
//    and run_pair() gives it the second input while the pair is linked (set_pair), fading that
//    side between dry and processed over kSectionFadeS at a link or an unlink. Unlinked, the
//    plugin's second side runs on silence, so a link starts it from a clean state.
// [control-thread] construction, set_bypass, set_pair, settled; [audio-thread] run, run_pair.
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
    // `paired`: a pair's slot, linked from the first sample (set_pair).
    PluginSlot(std::shared_ptr<Processor> now, std::shared_ptr<Processor> before, bool bypassed,
               double sample_rate_hz, int max_frames, bool paired = false);

    void set_bypass(bool bypassed) { bypass_.store(bypassed, std::memory_order_relaxed); }
    // The channel's capture carries what the slots made of it (/input/<id>/rec_fx).
    void set_rec_fx(bool on) { rec_fx_.store(on, std::memory_order_relaxed); }
    bool rec_fx() const { return rec_fx_.load(std::memory_order_relaxed); }
    // A pair's slot: the pair is linked, the second input joins (faded in); the second
    // input's own /input/<id>/rec_fx.
    void set_pair(bool linked) { pair_on_.store(linked, std::memory_order_relaxed); }
    void set_pair_rec_fx(bool on) { pair_rec_fx_.store(on, std::memory_order_relaxed); }
    bool pair_rec_fx() const { return pair_rec_fx_.load(std::memory_order_relaxed); }
    // The channels its processors carry: 2 on an output pair's or an input pair's slot.
    int channels() const { return channels_; }
    // [control-thread, engine idle] In its settings from the first sample, without fades (a
    // render's --set, a session loaded before the start).
    void snap();
    const std::shared_ptr<Processor>& processor() const { return now_; }
    // [any-thread] The crossfade from the processor before has ended: it no longer runs.
    bool settled() const { return settled_.load(std::memory_order_acquire); }

    // [audio-thread] In place on `channel_count` channels (1, or 2 for a pair's slot).
    void run(float* const* channels, int channel_count, int frames);
    // [audio-thread] A pair's slot (channels() == 2) on its first input: the second input is
    // wanted (linked, or fading out of the pair), so run_pair must be given it this block.
    bool pair_wanted() const {
        return pair_on_.load(std::memory_order_relaxed) || pair_.current() != 0.0f ||
               pair_.ramping();
    }
    // [audio-thread] In place on the pair's first input and, when pair_wanted(), its second
    // (`second` null otherwise: the plugin's second side runs on silence, its output unused).
    void run_pair(float* first, float* second, int frames);
    // [audio-thread] A block the slot's bus does not play (an FX bus whose return is off):
    // the plugins do not run, and the fades move on as if they had, so a slot emptied there
    // settles and its old plugin can be let go.
    void skip(int frames);

  private:
    std::shared_ptr<Processor> now_, before_;
    // dry_ and old_: kMaxChannels channels, stride_ apart.
    std::vector<float> dry_, old_, gains_, side_;  // side_: the silence of an unlinked pair
    size_t stride_ = 1;
    dsp::GainRamp morph_;  // 0: before_'s output (or dry) … 1: now_'s (or dry)
    dsp::GainRamp wet_;    // 0: bypassed … 1: the plugin's output
    dsp::GainRamp pair_;   // a pair's second input: 0 dry (unlinked) … 1 processed (linked)
    int fade_frames_ = 1;
    int channels_ = 1;
    std::atomic<bool> bypass_{false}, settled_{false}, rec_fx_{false};
    std::atomic<bool> pair_on_{false}, pair_rec_fx_{false};
};

}  // namespace phantom::engine
