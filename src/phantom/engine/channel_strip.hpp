// Processor slots of the engine: the channel strip of a hardware input (low cut → EQ →
// compressor → expander/gate, as TotalMix FX and UA Console order them) and of an output
// (room EQ → alignment delay → limiter).
//
// Aims and invariants:
//  - A strip is an object of its own, made and prepared on the control thread, owned by a
//    copy-on-write StripBank that every Plan carries (plan.hpp). A plan swap that keeps a
//    strip keeps the very object, so its filters keep their memory and its envelopes their
//    level: adding a strip on in3 does not touch in1's.
//  - A settings change is not a plan: the control thread designs the coefficients and posts
//    them to the strip's mailbox (coefficient_mailbox.hpp); the audio thread takes them at the
//    next block boundary. No new plan, no route generation, no state lost.
//  - Each section switches on and off with a crossfade between its input and its output over
//    kSectionFadeS, so nothing clicks; a section faded out is reset and then costs nothing.
//  - A strip with every section off and faded does not touch the samples: a session whose
//    strips are all off sounds bit for bit as one without strips.
//  - The engine frees nothing: a strip dropped from the bank dies with the last plan holding
//    it, on the control thread (rt/plan_exchange.hpp).
// [control-thread] prepare, post, snap; [audio-thread] everything else.
#pragma once

#include <memory>
#include <vector>

#include "phantom/dsp/alignment_delay.hpp"
#include "phantom/dsp/biquad_chain.hpp"
#include "phantom/dsp/compressor.hpp"
#include "phantom/dsp/expander.hpp"
#include "phantom/dsp/gain_ramp.hpp"
#include "phantom/dsp/limiter.hpp"
#include "phantom/dsp/stereo_width.hpp"
#include "phantom/engine/coefficient_mailbox.hpp"
#include "phantom/engine/insert_slot.hpp"
#include "phantom/engine/plugin_slot.hpp"

namespace phantom::engine {

// Long enough that a filter's phase shift fading in is not heard as a step, short enough to
// feel immediate.
inline constexpr double kSectionFadeS = 0.01;

struct InputStripCoefficients {
    dsp::BiquadChainCoefficients low_cut, eq;
    dsp::CompressorCoefficients comp;
    dsp::ExpanderCoefficients gate;
    bool low_cut_on = false, eq_on = false, comp_on = false, gate_on = false;
    bool rec_fx = false;  // the capture channel carries the strip's output
    // A linked pair (/link/<id>): the first channel's dynamics run on both channels with one
    // detector; the second channel's own dynamics do not run.
    bool links_next = false;
    bool dynamics_elsewhere = false;
    // Width and M/S decoding of a linked pair, after its dynamics (the first channel's strip).
    dsp::StereoMatrix width;
    bool width_on = false;
};

struct OutputStripCoefficients {
    dsp::BiquadChainCoefficients eq;
    dsp::AlignmentDelayCoefficients delay;
    dsp::LimiterCoefficients limiter;
    bool eq_on = false, delay_on = false, limiter_on = false;
};

// The buffers a crossfade needs, sized at prepare: the dry (or old) signal of kMaxChannels
// channels `stride` apart, and one block of gains. [control-thread] prepare.
struct FadeScratch {
    std::vector<float> dry, gains;
    size_t stride = 0;
    int fade_frames = 1;
    void prepare(double sample_rate_hz, int max_frames);
    float* channel(int c) { return dry.data() + static_cast<size_t>(c) * stride; }
};

// One section's on/off crossfade. [audio-thread] apart from snap().
class SectionFade {
  public:
    // [control-thread, engine idle] On or off from the first sample.
    void snap(bool on) {
        fade_.snap(on ? 1.0f : 0.0f);
        parked_ = !on;
    }
    // Runs `p` in place on `block`, faded in or out against the dry signal while switching.
    template <typename P>
    void run(P& p, bool on, const dsp::AudioBlock& block, FadeScratch& scratch);
    // The section touches the samples this block: it is on (a section just switched on must
    // run to start its fade) or still fading out.
    bool active(bool on) const { return on || !fade_.silent(); }
    bool parked() const { return parked_; }

  private:
    dsp::GainRamp fade_;
    bool parked_ = true;  // faded out and reset
};

// A filter section whose coefficients change while it plays: the chain with the old
// coefficients and the chain with the new ones (its state carried over) both run for
// kSectionFadeS and their outputs crossfade. Keeping the state alone (BiquadChain) does not
// do for a large step (a bell moved by 6 dB): the state no longer matches the new filter and
// the transient is a click; faded in from zero, it is not heard. [audio-thread] but prepare.
class MorphingChain final : public dsp::Processor {
  public:
    void prepare(double sample_rate_hz, int max_block_frames) override;
    void set_coefficients(const dsp::BiquadChainCoefficients& c);
    void process(const dsp::AudioBlock& block) override;
    void reset() override;
    int latency_frames() const override { return 0; }
    // [control-thread, engine idle] The coefficients in force at once, without a morph.
    void settle() { morph_.snap(1.0f); }

  private:
    dsp::BiquadChain now_, before_;
    dsp::GainRamp morph_;  // 0: before_'s output … 1: now_'s
    FadeScratch scratch_;  // before_'s output
};

class InputStrip {
  public:
    // [control-thread] May allocate; leaves every section off and reset.
    void prepare(double sample_rate_hz, int max_frames);
    // [control-thread, wait-free] The settings to use from the next block.
    void post(const InputStripCoefficients& c) { mailbox_.post(c); }
    // [control-thread, engine idle] Take the last post and stand in it, without fades.
    void snap();

    // [audio-thread] At a block boundary: take new coefficients, if any.
    void pull();
    // Low cut and EQ on one channel, in place.
    void run_filters(float* x, int frames);
    // Compressor and gate on one channel, or on a linked pair with one detector.
    void run_dynamics(float* const* channels, int channel_count, int frames);
    // Width and M/S on a linked pair (both channels), in place.
    void run_width(float* const* pair, int frames);
    // After a non-finite output (which the processors' own guards should make impossible).
    void reset();
    // Any section on or still fading: the samples are touched.
    bool active() const;
    bool dynamics_active() const {
        const bool here = !k_.dynamics_elsewhere;
        return comp_fade_.active(here && k_.comp_on) || gate_fade_.active(here && k_.gate_on);
    }
    bool width_active() const { return width_fade_.active(k_.width_on); }
    // The strip touches its partner's samples this block (dynamics or width of a linked pair).
    bool pair_active() const { return (k_.links_next && dynamics_active()) || width_active(); }
    const InputStripCoefficients& coefficients() const { return k_; }
    float comp_gain_reduction_db() const {
        return comp_fade_.active(false) ? comp_.gain_reduction_db() : 0.0f;
    }
    float gate_gain_reduction_db() const {
        return gate_fade_.active(false) ? gate_.gain_reduction_db() : 0.0f;
    }

  private:
    void apply(const InputStripCoefficients& c);

    CoefficientMailbox<InputStripCoefficients> mailbox_;
    InputStripCoefficients k_;
    MorphingChain low_cut_, eq_;
    dsp::Compressor comp_;
    dsp::Expander gate_;
    dsp::StereoWidth width_;
    SectionFade low_cut_fade_, eq_fade_, comp_fade_, gate_fade_, width_fade_;
    FadeScratch scratch_;
};

class OutputStrip {
  public:
    // [control-thread] May allocate; leaves every section off and reset.
    void prepare(double sample_rate_hz, int max_frames);
    void post(const OutputStripCoefficients& c) { mailbox_.post(c); }
    void snap();
    // [any-thread] The limiter's lookahead, fixed at prepare(): the output's latency while the
    // limiter is on.
    int limiter_latency_frames() const { return limiter_.latency_frames(); }

    // [audio-thread]
    void pull();
    // Room EQ → delay → limiter on one channel (r null) or a pair, in place.
    void run(float* l, float* r, int frames);
    void reset();
    bool active() const {
        return eq_fade_.active(k_.eq_on) || delay_fade_.active(k_.delay_on) ||
               limiter_fade_.active(k_.limiter_on);
    }
    float limiter_gain_reduction_db() const {
        return limiter_fade_.active(false) ? limiter_.gain_reduction_db() : 0.0f;
    }

  private:
    void apply(const OutputStripCoefficients& c);

    CoefficientMailbox<OutputStripCoefficients> mailbox_;
    OutputStripCoefficients k_;
    MorphingChain eq_;
    dsp::AlignmentDelay delay_;
    dsp::Limiter limiter_;
    SectionFade eq_fade_, delay_fade_, limiter_fade_;
    FadeScratch scratch_;
    int limiter_primed_frames_ = 0;  // of its lookahead, since it was switched on
};

// Copy-on-write: a new strip makes a new bank that shares every other strip (and its state).
struct StripBank {
    std::vector<std::shared_ptr<InputStrip>> inputs;    // by source; null: no strip, dry
    std::vector<std::shared_ptr<OutputStrip>> outputs;  // by output; null: no strip
    std::vector<std::shared_ptr<InsertSlot>> inserts;   // by source; null: no insert slot
    // [source * params::kPluginSlots + n]; null: an empty slot (plugin_slot.hpp)
    std::vector<std::shared_ptr<PluginSlot>> plugins;
};

}  // namespace phantom::engine
