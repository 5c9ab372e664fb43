// The FX buses of the mixer: every submix has a reverb and an echo of its own (TotalMix FX's
// Reverb and Echo, one sound shared by all), fed by the sources' sends and returned into that
// submix.
//
// Aims and invariants:
//  - The sends are crosspoints into buses of their own (EngineLayout::fx_send_bus: per mix bus
//    one for its reverb, one for its echo), derived, ramped, batched and pruned by the same
//    code as the mixes' crosspoints: a send glides, and a send at -inf costs nothing.
//  - An FX is an object, owned by a copy-on-write FxBank that every Plan carries (as the
//    StripBank): made and prepared on the control thread when its return first leaves -inf
//    (and its /output/<bus>/<kind>_builtin switch is on), shared by every later plan, so a
//    plan swap keeps its tail and adding an FX to hp2 leaves hp1's FX as it was. Once its
//    return has been at -inf (or its switch off) for a ramp and two blocks it is
//    dropped (Interface::maintain), and dies with the last plan holding it, on the control
//    thread: an unused FX holds no memory and costs nothing, and one turned on again starts
//    from silence without the audio thread clearing seconds of delay line.
//  - The sound travels without a plan: the control thread designs the coefficients and posts
//    them to each FX's mailbox; the audio thread takes them at the next block boundary, and
//    the processor glides or crossfades to them (dsp/reverb.hpp, dsp/echo.hpp).
//  - Each FX bus has LV2 plugin slots after its built-in FX (plugin_slot.hpp; in the
//    StripBank with the channels' slots). With the built-in switched off, the sends reach
//    them dry, crossfaded over a ramp: an LV2 reverb there is the submix's reverb.
//  - The wet signal is added into the submix after its crosspoints, with the return's ramp, so
//    every output that plays the submix (its own, a mirror, the control room's source) hears it.
//  - A plugin's latency on an FX bus delays the return only, like a longer pre-delay; the
//    dry paths are not held back for it (monitoring latency matters more than an aligned
//    reverb onset), and it is not part of any source's or output's latency.
// [control-thread] prepare, post, settle; [audio-thread] pull, process.
#pragma once

#include <array>
#include <memory>
#include <vector>

#include "phantom/dsp/echo.hpp"
#include "phantom/dsp/reverb.hpp"
#include "phantom/engine/coefficient_mailbox.hpp"
#include "phantom/params/fx_params.hpp"

namespace phantom::engine {

inline constexpr int kFxKinds = params::kFxKinds;

// One FX of one submix: a processor and the mailbox its coefficients arrive in.
template <typename P, typename K>
class FxSlot {
  public:
    // [control-thread] May allocate. The coefficients are given before prepare(), so the
    // processor starts in them (an echo's time does not glide in from one frame).
    void prepare(const K& k, double sample_rate_hz, int max_frames) {
        processor_.set_coefficients(k);
        processor_.prepare(sample_rate_hz, max_frames);
    }
    // [control-thread, wait-free] The settings to use from the next block.
    void post(const K& k) { mailbox_.post(k); }
    // [control-thread, engine idle] The last post in force at once, from silence: the state
    // given at start.
    void settle() {
        pull();
        processor_.reset();
    }
    // [audio-thread] At a block boundary: take new coefficients, if any.
    void pull() {
        K k;
        if (mailbox_.take(k)) processor_.set_coefficients(k);
    }
    // [audio-thread] In place, wet only.
    void process(const dsp::AudioBlock& block) { processor_.process(block); }

  private:
    CoefficientMailbox<K> mailbox_;
    P processor_;
};

using ReverbSlot = FxSlot<dsp::Reverb, dsp::ReverbCoefficients>;
using EchoSlot = FxSlot<dsp::Echo, dsp::EchoCoefficients>;

// Copy-on-write: a new FX makes a new bank that shares every other one (and its state).
struct FxBank {
    std::vector<std::shared_ptr<ReverbSlot>> reverb;  // by mix bus; null: none
    std::vector<std::shared_ptr<EchoSlot>> echo;
};

}  // namespace phantom::engine
