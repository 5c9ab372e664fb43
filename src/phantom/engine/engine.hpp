// Engine: the audio-thread half of the interface. It owns every buffer and every piece of
// per-channel DSP state, sized once in the constructor; process() runs one block of the
// signal flow in DESIGN.md:
//
//   sources (hardware, host playback, or the virtual analog world) ─► input stage (front-end
//   gain and pickup filter on virtual hardware, converter clip, NaN guard, trim, polarity,
//   meter, capture) ─► buses (every live crosspoint, ramped; soloed outputs into the solo bus)
//   ─► outputs (mirror crossfade, mono, talkback, volume, DAC clip, guard, meter) ─► loopback
//   capture.
//
// Invariants:
//  - process() never allocates, locks, logs, throws or makes a system call (tested with an
//    allocation guard on every device and block size);
//  - every gain change ramps over ramp_frames; snap_to_targets() (engine idle) skips the ramp;
//  - a non-finite or absurd sample on a source silences that source for the block, resets its
//    filter, and is reported once; it never reaches a bus. Outputs are guarded again.
#pragma once

#include <readerwriterqueue/readerwriterqueue.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <vector>

#include "phantom/dsp/biquad.hpp"
#include "phantom/dsp/gain_ramp.hpp"
#include "phantom/dsp/meter.hpp"
#include "phantom/engine/analysis_tap.hpp"
#include "phantom/engine/engine_event.hpp"
#include "phantom/engine/meter_bank.hpp"
#include "phantom/engine/plan.hpp"
#include "phantom/engine/rt_targets.hpp"
#include "phantom/rt/plan_exchange.hpp"

namespace phantom::engine {

// Channel pointers of one block. Null arrays mean "not connected": hw_inputs null runs the
// virtual analog world, playback null plays the plan's sources (or silence) on pb channels.
// A null entry in an array that is there is a port nothing is connected to: an input reads as
// silence (and is not read); a capture or output channel is not written.
struct BlockIo {
    int frames = 0;
    const float* const* hw_inputs = nullptr;  // one per hardware source (analog then digital)
    const float* const* playback = nullptr;   // one per playback channel
    float* const* capture = nullptr;          // host capture channels, then loopback
    float* const* outputs = nullptr;          // every output channel in device order
};

struct EngineLayout {
    size_t sources = 0;
    size_t first_playback = 0;  // sources [0, first_playback) are hardware inputs
    std::vector<int> bus_first_channel, bus_channels;
    std::vector<int> output_first_channel, output_channels;
    std::vector<bool> output_is_monitor;
    // The control room's own stereo buses (-1: none), after the mixes: the solo bus (soloed
    // sources by their routes, soloed outputs by run_output_solos) and the bus that plays a
    // pair of sources on the monitors (/monitor/source).
    int solo_bus = -1, room_bus = -1;
    // The FX sends of each mix bus (fx_bus.hpp), by mix bus: the bus its reverb's and its echo's
    // sends mix into, of the mix's own channel count, after the control room's buses.
    std::vector<std::array<int, kFxKinds>> fx_send_bus;
    int capture = 0;
    int loopback = 0;

    size_t bus_channel_count() const;
    size_t output_channel_count() const;
};

class Engine {
  public:
    // [control-thread] Allocates everything process() will ever touch.
    Engine(EngineLayout layout, double sample_rate_hz, int max_frames);

    // [audio-thread] One block of any size; blocks longer than max_frames are split.
    void process(const BlockIo& io);

    // [control-thread, engine idle] Jump every ramp to its target (state given at start).
    void snap_to_targets();
    // [control-thread, engine idle, after snap_to_targets] Power-on: every output stays silent
    // for `silent_frames`, then rises to its volume over `ramp_frames`, so a restart never
    // greets the listener with a thump or the full restored volume at once.
    void power_on(int silent_frames, int ramp_frames);

    RtTargets& targets() { return targets_; }
    rt::PlanExchange<Plan>& plans() { return plans_; }
    const EngineLayout& layout() const { return layout_; }
    double sample_rate_hz() const { return sample_rate_hz_; }
    int max_frames() const { return max_frames_; }
    int ramp_frames() const { return ramp_frames_; }

    // [any-thread] Readings: sources first, then output channels.
    void read_meters(std::vector<dsp::MeterReading>& out) const { meter_bank_.read(out); }
    // [any-thread] The channel strips' gain reduction in the last block, in dB (>= 0): the
    // compressor and the gate of source `s`, the limiter of output `o` (engine/engine_strips.cpp).
    float compressor_gain_reduction_db(size_t s) const { return comp_gr_db_.load(s); }
    float gate_gain_reduction_db(size_t s) const { return gate_gr_db_.load(s); }
    float limiter_gain_reduction_db(size_t o) const { return limiter_gr_db_.load(o); }
    // [control-thread] The studio doctor's look at the hardware inputs (analysis_tap.hpp).
    AnalysisTap& analysis() { return analysis_; }
    void request_meter_reset() { meter_reset_.store(true, std::memory_order_release); }
    // [control-thread] single consumer
    bool pop_event(EngineEvent& event) { return events_.try_dequeue(event); }
    std::uint64_t dropped_events() const { return dropped_events_.load(std::memory_order_relaxed); }
    std::uint64_t frames_processed() const { return frames_.load(std::memory_order_acquire); }

    // Above this a sample is a fault, not audio: 1e4 is +80 dBFS (0x461c4000 as float bits).
    static constexpr float kFaultThreshold = 1e4f;
    static constexpr std::uint32_t kFaultThresholdBits = 0x461c4000u;

  private:
    // Whole cache lines per channel, so that no two channels share one.
    static size_t stride_for(int frames) {
        return (static_cast<size_t>(std::max(frames, 1)) + 15u) & ~size_t{15};
    }
    void relayout(size_t stride);
    void process_chunk(const BlockIo& io, int offset, int frames);
    void run_sources(const Plan& plan, const BlockIo& io, int offset, int frames);
    void run_routes(const Plan& plan, int frames);
    // The submixes' FX (engine_fx.cpp): each send bus through its FX, returned into its mix.
    void run_fx(const Plan& plan, int frames);
    void rebuild_batches(const Plan& plan);
    void run_output_solos(int frames);
    void run_outputs(const BlockIo& io, int offset, int frames);
    void run_loopback(const BlockIo& io, int offset, int frames);
    // The processor slots (engine_strips.cpp): every input strip after the input stage, and an
    // output's strip after its volume.
    void run_input_strips(const Plan& plan, const BlockIo& io, int offset, int frames);
    // The LV2 plugin slots (engine_plugins.cpp): after the strips, before the inserts.
    void run_plugins(const BlockIo& io, int offset, int frames);
    // An output's plugin slots, in place on its channel or pair (called by run_output_strip).
    void run_output_plugins(size_t o, float* l, float* r, int frames);
    bool output_plugins_loaded(size_t o) const;
    const std::shared_ptr<PluginSlot>* output_plugin_slots(size_t o) const;
    // An FX bus's plugin slots (mix bus b, kind k), or null: kPluginSlots of them.
    const std::shared_ptr<PluginSlot>* fx_plugin_slots(size_t b, size_t k) const;
    // The hardware insert slots (engine_inserts.cpp): after the strips, each slot's channel
    // sent, its return mixed back in; the sends replace their outputs' mixes in run_outputs,
    // and the virtual hardware's outboard loops take the outputs after them.
    void run_inserts(const BlockIo& io, int offset, int frames);
    bool output_sending(size_t o) const;
    // Latency compensation (engine_compensation.cpp): after the inserts, every compensated
    // source delayed in place so that all reach the mixes together.
    void run_compensation(const Plan& plan, int frames);
    void run_loops(const Plan& plan, int frames);
    bool output_strip_active(size_t o) const;
    void run_output_strip(size_t o, float* l, float* r, int frames);
    void fetch_bus(int bus, int channel, int out_channels, float* dst, int frames) const;
    void apply_shared(dsp::GainRamp& ramp, float* a, float* b, int frames);
    void emit(EngineEventKind kind, std::uint32_t channel);

    // One arena, channel after channel: sources, buses, outputs, two scratch buffers.
    float* channel(size_t k) { return audio_.data() + k * stride_; }
    const float* channel(size_t k) const { return audio_.data() + k * stride_; }
    float* source_buffer(size_t s) { return channel(s); }
    bool bus_has_signal(int bus) const {
        return bus >= 0 && bus_written_[static_cast<size_t>(bus)] > 0;
    }
    float* bus_buffer(size_t ch) { return channel(bus_base_ + ch); }
    const float* bus_buffer(size_t ch) const { return channel(bus_base_ + ch); }
    float* output_buffer(size_t ch) { return channel(output_base_ + ch); }
    float* scratch(size_t k) { return channel(scratch_base_ + k); }

    EngineLayout layout_;
    double sample_rate_hz_;
    int max_frames_;
    int ramp_frames_;
    size_t stride_;  // floats from one channel's buffer to the next: the block in use, rounded up

    RtTargets targets_;
    rt::PlanExchange<Plan> plans_;

    size_t bus_base_, output_base_, scratch_base_;  // in channels, from the arena's start
    std::vector<float> audio_;

    // Per-source state
    std::vector<dsp::GainRamp> input_ramp_, trim_ramp_;
    std::vector<dsp::BiquadState> filter_state_;
    std::vector<char> fault_latched_;
    // This block's source is all zeros. Invariant: a source buffer is read only if it was written
    // this block: connected sources always are (render, copy, or the fault guard's clear); an
    // idle source is not, may hold anything, and is never read (routes and talkback check).
    std::vector<char> source_silent_;
    std::vector<char> source_connected_;  // something plays into the source (host or signal)
    bool connectivity_changed_ = true;
    // Steady routes, bus by bus: [bus * sources + k] for k < batch_count_[bus].
    std::vector<const float*> batch_source_;
    std::vector<float> batch_left_, batch_right_;
    std::vector<int> batch_count_;
    std::vector<std::uint32_t> ramping_routes_;  // indices into Plan::routes
    size_t ramping_count_ = 0;
    static constexpr std::uint64_t kNoPlan = ~std::uint64_t{0};
    std::uint64_t batched_plan_ = kNoPlan;
    std::uint64_t batched_generation_ = 0;
    std::vector<int> bus_written_;  // frames of the bus written since it was last cleared
    std::vector<std::uint16_t> bus_of_channel_;
    std::vector<char> output_silent_;  // the output buffer holds zeros
    // Per-crosspoint state
    std::vector<dsp::GainRamp> route_left_, route_right_;
    // Per-output state
    struct OutputState {
        int bus = -1;
        int previous_bus = -1;
        dsp::GainRamp fade_in, fade_out, gain, mono, talkback, solo;
    };
    std::vector<OutputState> outputs_;
    int power_silent_frames_ = 0;  // power-on: outputs held at zero for this many more frames
    int power_ramp_frames_ = 0;    // then ramp this long (once, from the first loud block)
    bool power_ramp_pending_ = false;
    std::vector<char> output_fault_latched_;

    const StripBank* strips_ = nullptr;               // this block's, from the plan
    std::vector<const InsertSlot*> send_of_channel_;  // by output channel: the slot sending there
    AtomicArray<float> comp_gr_db_, gate_gr_db_, limiter_gr_db_;
    std::vector<dsp::GainRamp> fx_return_;   // per [mix bus * kFxKinds + kind]
    std::vector<dsp::GainRamp> fx_builtin_;  // the same: 0 the bus passes dry … 1 its FX's output
    std::vector<float>
        fx_dry_;  // a send bus before its built-in FX: 2 × max_frames_, while it fades

    std::vector<dsp::MeterState> meters_;  // sources, then output channels
    dsp::MeterBallistics ballistics_;
    int ballistics_frames_ = 0;
    MeterBank meter_bank_;
    std::atomic<bool> meter_reset_{false};
    AnalysisTap analysis_;

    moodycamel::ReaderWriterQueue<EngineEvent> events_;
    std::atomic<std::uint64_t> dropped_events_{0};
    std::atomic<std::uint64_t> frames_{0};
};

}  // namespace phantom::engine
