// The hardware insert slot of one input channel (issue 16 §4; params/insert_params.hpp): the
// channel, after its input stage and its strip, goes out of the send (an output, at unity, in
// place of that output's mix), through outboard gear, and comes back on the return (another
// input), `delay` frames late. The slot mixes the return (wet) with the channel's own signal
// delayed by the same `delay` frames (dry), so a parallel mix of the two is sample-aligned,
// and that mix continues down the channel to the buses.
//
// Invariants:
//  - Everything is sized in prepare(): the dry delay line, the send and the measurement's
//    buffers. run() never allocates, locks or waits.
//  - Nothing steps: the slot going in or out crossfades the channel (and the send output)
//    over kSectionFadeS, the wet share ramps, a new delay crossfades between the two taps.
//  - The dry delay line is written every block while the slot exists, so switching the slot
//    in finds the channel's past there, not silence.
//  - A measurement (one MLS out of the send, the return recorded) starts only once the wet
//    share has faded to zero, so the sequence is never heard in the mixes; the channel plays
//    its delayed dry signal meanwhile. The control thread arms it and reads the recording once
//    the audio thread has marked it done; the two never touch the buffers at once.
// [control-thread] prepare, post, snap, the measurement's arm/take/cancel; [audio-thread] the
// rest.
#pragma once

#include <atomic>
#include <vector>

#include "phantom/dsp/delay_line.hpp"
#include "phantom/dsp/gain_ramp.hpp"
#include "phantom/engine/coefficient_mailbox.hpp"

namespace phantom::engine {

struct InsertSettings {
    bool on = false;
    int send_channel = -1;   // output channel (engine order), -1: none
    int return_source = -1;  // source index, -1: none
    float wet = 1.0f;        // 0 … 1
    int delay_frames = 0;
    bool rec_fx = false;  // the capture channel carries the slot's output
};

class InsertSlot {
  public:
    // The longest sequence the slot can play: an MLS of order 13 (8191 frames).
    static constexpr int kMaxSequenceFrames = 8191;

    // [control-thread] May allocate. `max_lag_frames`: the longest loop a measurement looks for.
    void prepare(double sample_rate_hz, int max_frames, int max_delay_frames, int max_lag_frames);
    void post(const InsertSettings& s) { mailbox_.post(s); }
    // [control-thread, engine idle] The last post in force at once, without fades.
    void snap();

    // [control-thread] Arm a measurement with `sequence` (at most kMaxSequenceFrames); the
    // return is recorded for sequence + max_lag frames. False if one is armed or running.
    bool arm_measurement(const std::vector<float>& sequence);
    bool measurement_done() const { return state_.load(std::memory_order_acquire) == kDone; }
    bool measurement_pending() const { return state_.load(std::memory_order_acquire) != kIdle; }
    // [control-thread, once done] The recording (sequence + max_lag frames); the slot is idle
    // again and the wet share comes back.
    std::vector<float> take_recording();
    // [control-thread] Give up a measurement: an armed one is dropped at once, a running one
    // by the audio thread at its next block (arming again is refused until then).
    void cancel_measurement();
    int max_lag_frames() const { return max_lag_frames_; }

    // [audio-thread] At a block boundary: take new settings.
    void pull();
    // The slot touches the channel this block: in, fading, or measuring.
    bool active() const {
        return settings_.on || !engaged_.silent() || state_.load(std::memory_order_relaxed) != 0;
    }
    const InsertSettings& settings() const { return settings_; }
    // The channel `x` in place; `ret` is the return's block, null when nothing arrives.
    void run(float* x, const float* ret, int frames);
    // After run(): the send's share of its output this block (0: the output plays its own mix,
    // untouched), and the output channel `y` crossfaded from its mix to the send.
    bool sending() const { return sending_; }
    void mix_send_into(float* y, int frames) const;
    // After a non-finite block: silence in the delay line.
    void reset() { line_.reset(); }

  private:
    static constexpr int kIdle = 0, kArmed = 1, kRunning = 2, kDone = 3, kAbandoned = 4;

    CoefficientMailbox<InsertSettings> mailbox_;
    InsertSettings settings_;
    int fade_frames_ = 1;
    int max_delay_frames_ = 0, max_lag_frames_ = 0;
    dsp::DelayLine line_;
    dsp::FadingTap tap_;
    dsp::GainRamp engaged_;  // 0: the channel as it comes … 1: the slot's output (and the send)
    dsp::GainRamp wet_;
    std::vector<float> send_, send_gain_, wet_gain_, engaged_gain_;
    bool sending_ = false;

    std::atomic<int> state_{kIdle};
    std::vector<float> sequence_, recording_;
    int sequence_frames_ = 0;
    int position_ = 0;
};

}  // namespace phantom::engine
