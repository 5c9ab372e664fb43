#include "phantom/engine/engine.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "phantom/dsp/block_ops.hpp"
#include "phantom/rt/denormal_guard.hpp"

namespace phantom::engine {

static_assert(std::bit_cast<std::uint32_t>(Engine::kFaultThreshold) == Engine::kFaultThresholdBits);

namespace {
constexpr double kRampSeconds = 0.005;  // long enough not to click, short enough to feel instant
constexpr size_t kEventCapacity = 1024;

// out_l += src * gl; out_r += src * gr, both ramps advanced together. One pass over the source.
void accumulate_stereo(const float* src, float* out_l, float* out_r, dsp::GainRamp& left,
                       dsp::GainRamp& right, int frames) {
    if (left.ramping() || right.ramping()) {
        left.accumulate(src, out_l, frames);
        right.accumulate(src, out_r, frames);
        return;
    }
    const float gl = left.current(), gr = right.current();
    if (gl == 0.0f) {
        if (gr != 0.0f) dsp::mix_add(src, out_r, gr, frames);
    } else if (gr == 0.0f) {
        dsp::mix_add(src, out_l, gl, frames);
    } else {
        dsp::mix_add_stereo(src, out_l, out_r, gl, gr, frames);
    }
}
}  // namespace

size_t EngineLayout::bus_channel_count() const {
    size_t n = 0;
    for (int c : bus_channels)
        n += static_cast<size_t>(c);
    return n;
}

size_t EngineLayout::output_channel_count() const {
    size_t n = 0;
    for (int c : output_channels)
        n += static_cast<size_t>(c);
    return n;
}

Engine::Engine(EngineLayout layout, double sample_rate_hz, int max_frames)
    : layout_(std::move(layout)),
      sample_rate_hz_(sample_rate_hz),
      max_frames_(max_frames),
      ramp_frames_(std::max(1, static_cast<int>(std::lround(sample_rate_hz * kRampSeconds)))),
      stride_(stride_for(max_frames)),
      targets_(layout_.sources, layout_.bus_channels.size(), layout_.output_channels.size(),
               layout_.fx_send_bus.size() * kFxKinds),
      bus_base_(layout_.sources),
      output_base_(bus_base_ + layout_.bus_channel_count()),
      scratch_base_(output_base_ + layout_.output_channel_count()),
      audio_((scratch_base_ + 2) * stride_),
      input_ramp_(layout_.sources),
      trim_ramp_(layout_.sources),
      filter_state_(layout_.sources),
      fault_latched_(layout_.sources, 0),
      source_silent_(layout_.sources, 1),
      source_connected_(layout_.sources, 0),
      batch_source_(layout_.bus_channels.size() * layout_.sources),
      batch_left_(layout_.bus_channels.size() * layout_.sources),
      batch_right_(layout_.bus_channels.size() * layout_.sources),
      batch_count_(layout_.bus_channels.size(), 0),
      ramping_routes_(layout_.bus_channels.size() * layout_.sources),
      bus_written_(layout_.bus_channels.size(), max_frames),
      output_silent_(layout_.output_channel_count(), 0),
      route_left_(layout_.bus_channels.size() * layout_.sources),
      route_right_(layout_.bus_channels.size() * layout_.sources),
      outputs_(layout_.output_channels.size()),
      output_fault_latched_(layout_.output_channels.size(), 0),
      send_of_channel_(layout_.output_channel_count(), nullptr),
      comp_gr_db_(layout_.sources),
      gate_gr_db_(layout_.sources),
      limiter_gr_db_(layout_.output_channels.size()),
      fx_return_(layout_.fx_send_bus.size() * kFxKinds),
      fx_builtin_(layout_.fx_send_bus.size() * kFxKinds),
      fx_dry_(2 * static_cast<size_t>(max_frames), 0.0f),
      meters_(layout_.sources + layout_.output_channel_count()),
      meter_bank_(layout_.sources + layout_.output_channel_count()),
      analysis_(layout_.first_playback, sample_rate_hz),
      events_(kEventCapacity) {
    for (size_t b = 0; b < layout_.bus_channels.size(); ++b)
        for (int c = 0; c < layout_.bus_channels[b]; ++c)
            bus_of_channel_.push_back(static_cast<std::uint16_t>(b));
}

void Engine::snap_to_targets() {
    batched_plan_ = kNoPlan;  // the snapped gains must reach the batches
    for (size_t s = 0; s < layout_.sources; ++s) {
        input_ramp_[s].snap(targets_.input_gain.load(s));
        trim_ramp_[s].snap(targets_.trim_gain.load(s));
    }
    for (size_t x = 0; x < route_left_.size(); ++x) {
        route_left_[x].snap(targets_.route_left.load(x));
        route_right_[x].snap(targets_.route_right.load(x));
    }
    for (size_t i = 0; i < fx_return_.size(); ++i) {
        fx_return_[i].snap(targets_.fx_return.load(i));
        fx_builtin_[i].snap(targets_.fx_builtin.load(i));
    }
    for (size_t o = 0; o < outputs_.size(); ++o) {
        OutputState& st = outputs_[o];
        st.bus = st.previous_bus = targets_.output_bus.load(o);
        st.fade_in.snap(1.0f);
        st.fade_out.snap(0.0f);
        st.gain.snap(targets_.output_gain.load(o));
        st.mono.snap(targets_.output_mono.load(o));
        st.talkback.snap(targets_.output_talkback.load(o));
        st.solo.snap(targets_.output_solo.load(o));
    }
}

void Engine::process(const BlockIo& io) {
    rt::DenormalGuard denormals;
    if (io.frames <= 0) return;
    // Channels lie one block apart in the buffers, not max_frames apart. At 64 frames a cycle
    // then touches a few pages instead of one per channel, which is what a cycle that finds the
    // caches and the TLB cold (a shared host, between two JACK cycles) pays for (BM_Cold).
    const size_t stride = stride_for(std::min(io.frames, max_frames_));
    if (stride != stride_) relayout(stride);
    for (int offset = 0; offset < io.frames; offset += max_frames_)
        process_chunk(io, offset, std::min(max_frames_, io.frames - offset));
}

void Engine::process_chunk(const BlockIo& io, int offset, int frames) {
    const Plan* plan = plans_.acquire();
    if (!plan) {
        if (io.outputs)
            for (size_t ch = 0; ch < layout_.output_channel_count(); ++ch)
                if (io.outputs[ch]) dsp::clear(io.outputs[ch] + offset, frames);
        return;
    }
    if (meter_reset_.exchange(false, std::memory_order_acq_rel))
        for (auto& m : meters_)
            m.reset();
    if (frames != ballistics_frames_) {
        ballistics_ = dsp::MeterBallistics::make(sample_rate_hz_, frames);
        ballistics_frames_ = frames;
    }
    run_sources(*plan, io, offset, frames);
    run_input_strips(*plan, io, offset, frames);
    run_plugins(io, offset, frames);
    run_inserts(io, offset, frames);
    run_compensation(*plan, frames);
    run_routes(*plan, frames);
    run_fx(*plan, frames);
    run_output_solos(frames);
    run_outputs(io, offset, frames);
    run_loops(*plan, frames);
    if (power_silent_frames_ > 0)
        power_silent_frames_ -= frames;
    else
        power_ramp_pending_ = false;  // the power-on ramps have started
    run_loopback(io, offset, frames);
    meter_bank_.publish(meters_.data(), meters_.size());
    frames_.fetch_add(static_cast<std::uint64_t>(frames), std::memory_order_release);
}

void Engine::emit(EngineEventKind kind, std::uint32_t channel) {
    if (!events_.try_enqueue(EngineEvent{kind, channel, frames_.load(std::memory_order_relaxed)}))
        dropped_events_.fetch_add(1, std::memory_order_relaxed);
}

void Engine::run_sources(const Plan& plan, const BlockIo& io, int offset, int frames) {
    for (size_t s = 0; s < layout_.sources; ++s) {
        float* buf = source_buffer(s);
        const SourcePlan& sp = plan.sources[s];
        const bool playback = s >= layout_.first_playback;
        const bool from_host = playback ? io.playback != nullptr : io.hw_inputs != nullptr;
        const float* host_in = !from_host ? nullptr
                               : playback ? io.playback[s - layout_.first_playback]
                                          : io.hw_inputs[s];
        if (!sp.live || (from_host ? !host_in : !sp.signal)) {
            // Nothing is connected: O(1), apart from the host's capture buffer, which must be
            // written every block. The source buffer is not touched: a silent source is never read.
            source_silent_[s] = 1;
            fault_latched_[s] = 0;
            if (source_connected_[s]) {
                source_connected_[s] = 0;
                connectivity_changed_ = true;
            }
            input_ramp_[s].set_target(targets_.input_gain.load(s), ramp_frames_);
            trim_ramp_[s].set_target(targets_.trim_gain.load(s), ramp_frames_);
            input_ramp_[s].skip(frames);
            trim_ramp_[s].skip(frames);
            meters_[s].update_silent(frames, ballistics_);
            if (io.capture && static_cast<int>(s) < layout_.capture && io.capture[s])
                dsp::clear(io.capture[s] + offset, frames);
            continue;
        }
        if (!source_connected_[s]) {
            source_connected_[s] = 1;
            connectivity_changed_ = true;
        }
        if (from_host) {
            dsp::copy(host_in + offset, buf, frames);
        } else {
            sp.signal->render(buf, frames);
        }

        input_ramp_[s].set_target(targets_.input_gain.load(s), ramp_frames_);
        trim_ramp_[s].set_target(targets_.trim_gain.load(s), ramp_frames_);
        dsp::MeterState& meter = meters_[s];

        // The guard looks at what arrives, before any gain: Inf × 0 would be NaN. One pass finds
        // NaN/Inf (their bits are above every finite value) and absurd values alike.
        if (dsp::max_abs_bits(buf, frames) > kFaultThresholdBits) {
            dsp::clear(buf, frames);
            filter_state_[s].reset();
            meter.reset_level();
            input_ramp_[s].skip(frames);
            trim_ramp_[s].skip(frames);
            if (!fault_latched_[s]) {
                fault_latched_[s] = 1;
                emit(EngineEventKind::InputFault, static_cast<std::uint32_t>(s));
            }
            meter.update(buf, frames, 0, ballistics_);
            source_silent_[s] = 1;
            continue;
        }
        fault_latched_[s] = 0;

        if (!from_host) {  // the virtual analog world: transducer, pad, preamp, scale to dBFS
            if (sp.has_filter) dsp::biquad_process(sp.filter, filter_state_[s], buf, frames);
            input_ramp_[s].apply(buf, buf, frames);
        }
        // How far over full scale, for the doctor: looked at only when the last block was loud.
        if (sp.converter && meter.reading().peak >= 0.5f)
            analysis_.note_peak_rt(s, dsp::bits_to_float(dsp::max_abs_bits(buf, frames)));
        // The converter's clip and the meter share one pass when no trim comes between them.
        const bool trimmed = trim_ramp_[s].ramping() || trim_ramp_[s].current() != 1.0f;
        const bool fused = sp.converter && !trimmed;
        dsp::BlockLevel level{};
        int clipped = 0;
        if (fused)
            clipped = dsp::hard_clip_measure(buf, frames, 1.0f, level);
        else if (sp.converter)
            clipped = dsp::hard_clip(buf, frames, 1.0f);
        if (clipped > 0 && meter.reading().clips == 0)
            emit(EngineEventKind::InputClip, static_cast<std::uint32_t>(s));
        if (trimmed) trim_ramp_[s].apply(buf, buf, frames);
        if (!fused) level = dsp::measure(buf, frames);
        meter.update(level, frames, clipped, ballistics_);
        source_silent_[s] = meter.reading().peak == 0.0f;
        if (io.capture && static_cast<int>(s) < layout_.capture && io.capture[s])
            dsp::copy(buf, io.capture[s] + offset, frames);
        if (s < layout_.first_playback) analysis_.push_rt(s, buf, frames);
    }
}

// Steady routes are mixed bus by bus from batches that are rebuilt only when something could
// have changed them: a new plan, new targets (the generation counter), a ramp still running, or
// a source being connected or disconnected. In the steady state the audio thread does no
// per-route bookkeeping at all, which is what a dense matrix at 32 frames needs.
void Engine::rebuild_batches(const Plan& plan) {
    std::fill(batch_count_.begin(), batch_count_.end(), 0);
    ramping_count_ = 0;
    const size_t sources = layout_.sources;
    for (size_t k = 0; k < plan.routes.size(); ++k) {
        const Route& r = plan.routes[k];
        dsp::GainRamp& left = route_left_[r.crosspoint];
        dsp::GainRamp& right = route_right_[r.crosspoint];
        left.set_target(targets_.route_left.load(r.crosspoint), ramp_frames_);
        if (r.stereo) right.set_target(targets_.route_right.load(r.crosspoint), ramp_frames_);
        if (left.ramping() || (r.stereo && right.ramping())) {
            ramping_routes_[ramping_count_++] = static_cast<std::uint32_t>(k);
            continue;
        }
        if (!source_connected_[r.source]) continue;
        const float gl = left.current(), gr = r.stereo ? right.current() : 0.0f;
        if (gl == 0.0f && gr == 0.0f) continue;
        const size_t bus = bus_of_channel_[r.bus_channel];
        const size_t at = bus * sources + static_cast<size_t>(batch_count_[bus]++);
        batch_source_[at] = source_buffer(r.source);
        batch_left_[at] = gl;
        batch_right_[at] = gr;
    }
}

// Once per change of block size, not per block: what lay under the old stride would be stale
// data in the new places of the buses (which must be zero beyond bus_written_) and of the quiet
// outputs (which clear once and then stay zero).
void Engine::relayout(size_t stride) {
    dsp::clear(audio_.data(), static_cast<int>((scratch_base_ + 2) * stride_));
    std::fill(bus_written_.begin(), bus_written_.end(), 0);
    std::fill(output_silent_.begin(), output_silent_.end(), 1);
    stride_ = stride;
    batched_plan_ = kNoPlan;  // the batches hold pointers into the old layout
}

void Engine::run_routes(const Plan& plan, int frames) {
    // Invariant: a bus buffer is zero beyond bus_written_[b] frames. Clearing what was written
    // (not this block's length, which may be longer) keeps it so.
    for (size_t b = 0; b < bus_written_.size(); ++b) {
        if (bus_written_[b] == 0) continue;
        const auto first = static_cast<size_t>(layout_.bus_first_channel[b]);
        for (int c = 0; c < layout_.bus_channels[b]; ++c)
            dsp::clear(bus_buffer(first + static_cast<size_t>(c)), bus_written_[b]);
        bus_written_[b] = 0;
    }
    const std::uint64_t generation = targets_.route_generation.load(std::memory_order_acquire);
    if (plan.id != batched_plan_ || generation != batched_generation_ || ramping_count_ > 0 ||
        connectivity_changed_) {
        rebuild_batches(plan);
        batched_plan_ = plan.id;
        batched_generation_ = generation;
        connectivity_changed_ = false;
    }
    const size_t sources = layout_.sources;
    for (size_t b = 0; b < batch_count_.size(); ++b) {
        const int count = batch_count_[b];
        if (count == 0) continue;
        const size_t at = b * sources;
        float* out = bus_buffer(static_cast<size_t>(layout_.bus_first_channel[b]));
        if (layout_.bus_channels[b] == 2)
            dsp::mix_bus_stereo(&batch_source_[at], &batch_left_[at], &batch_right_[at], count, out,
                                out + stride_, frames);
        else
            dsp::mix_bus_mono(&batch_source_[at], &batch_left_[at], count, out, frames);
        bus_written_[b] = frames;
    }
    for (size_t k = 0; k < ramping_count_; ++k) {
        const Route& r = plan.routes[ramping_routes_[k]];
        dsp::GainRamp& left = route_left_[r.crosspoint];
        dsp::GainRamp& right = route_right_[r.crosspoint];
        if (source_silent_[r.source]) {  // adds exactly nothing: only keep the ramps moving
            left.skip(frames);
            if (r.stereo) right.skip(frames);
            continue;
        }
        const float* src = source_buffer(r.source);
        float* out_l = bus_buffer(r.bus_channel);
        bus_written_[bus_of_channel_[r.bus_channel]] = frames;
        if (r.stereo)
            accumulate_stereo(src, out_l, bus_buffer(r.bus_channel + 1u), left, right, frames);
        else
            left.accumulate(src, out_l, frames);
    }
}

// Soloed outputs into the solo bus: each one's mix (a mono mix on both sides) at its solo gain
// (1 for PFL, its volume for AFL), ramped. The mixes themselves are only read.
void Engine::run_output_solos(int frames) {
    if (layout_.solo_bus < 0) return;
    const auto solo = static_cast<size_t>(layout_.solo_bus);
    float* dst_l = bus_buffer(static_cast<size_t>(layout_.bus_first_channel[solo]));
    float* dst_r = dst_l + stride_;
    for (size_t o = 0; o < outputs_.size(); ++o) {
        dsp::GainRamp& ramp = outputs_[o].solo;
        ramp.set_target(targets_.output_solo.load(o), ramp_frames_);
        const int bus = targets_.output_solo_bus.load(o);
        if (ramp.silent() || bus == layout_.solo_bus || !bus_has_signal(bus)) {
            ramp.skip(frames);
            continue;
        }
        const auto b = static_cast<size_t>(bus);
        const float* l = bus_buffer(static_cast<size_t>(layout_.bus_first_channel[b]));
        const float* r = layout_.bus_channels[b] == 2 ? l + stride_ : l;
        float* g = scratch(0);
        ramp.fill(g, frames);
        for (int k = 0; k < frames; ++k) {
            dst_l[k] += l[k] * g[k];
            dst_r[k] += r[k] * g[k];
        }
        bus_written_[solo] = frames;
    }
}

void Engine::fetch_bus(int bus, int channel, int out_channels, float* dst, int frames) const {
    if (bus < 0) {
        dsp::clear(dst, frames);
        return;
    }
    const int bus_channels = layout_.bus_channels[static_cast<size_t>(bus)];
    const auto first = static_cast<size_t>(layout_.bus_first_channel[static_cast<size_t>(bus)]);
    const float* l = bus_buffer(first);
    if (bus_channels == out_channels) {
        dsp::copy(l + static_cast<size_t>(channel) * stride_, dst, frames);
    } else if (bus_channels == 1) {  // mono mix on a stereo output: both sides
        dsp::copy(l, dst, frames);
    } else {  // stereo mix on a mono output: (L + R) / 2
        const float* r = l + stride_;
        for (int k = 0; k < frames; ++k)
            dst[k] = 0.5f * (l[k] + r[k]);
    }
}

// One ramp applied to one or two channels.
void Engine::apply_shared(dsp::GainRamp& ramp, float* a, float* b, int frames) {
    if (!ramp.ramping()) {
        const float g = ramp.current();
        if (g == 1.0f) return;
        dsp::scale(a, g, frames);
        if (b) dsp::scale(b, g, frames);
        return;
    }
    float* g = scratch(0);
    ramp.fill(g, frames);
    for (int k = 0; k < frames; ++k)
        a[k] *= g[k];
    if (b)
        for (int k = 0; k < frames; ++k)
            b[k] *= g[k];
}

void Engine::run_outputs(const BlockIo& io, int offset, int frames) {
    const int talkback_source = targets_.talkback_source.load(std::memory_order_relaxed);
    for (size_t o = 0; o < outputs_.size(); ++o) {
        OutputState& st = outputs_[o];
        const int channels = layout_.output_channels[o];
        const auto first = static_cast<size_t>(layout_.output_first_channel[o]);
        float* l = output_buffer(first);
        float* r = channels == 2 ? output_buffer(first + 1) : nullptr;

        // Mirror switch: crossfade from the bus it played to the new one.
        const int bus = targets_.output_bus.load(o);
        if (bus != st.bus) {
            st.previous_bus = st.bus;
            st.bus = bus;
            st.fade_in.snap(0.0f);
            st.fade_in.set_target(1.0f, ramp_frames_);
            st.fade_out.snap(1.0f);
            st.fade_out.set_target(0.0f, ramp_frames_);
        }
        st.talkback.set_target(targets_.output_talkback.load(o), ramp_frames_);
        if (power_silent_frames_ <= 0)
            st.gain.set_target(targets_.output_gain.load(o),
                               power_ramp_pending_ ? power_ramp_frames_ : ramp_frames_);
        if (layout_.output_is_monitor[o])
            st.mono.set_target(targets_.output_mono.load(o), ramp_frames_);
        const bool quiet = !bus_has_signal(st.bus) &&
                           !(st.fade_in.ramping() && bus_has_signal(st.previous_bus)) &&
                           (talkback_source < 0 || st.talkback.silent() ||
                            source_silent_[static_cast<size_t>(talkback_source)]) &&
                           !output_strip_active(o) && !output_sending(o);
        if (quiet) {  // nothing reaches this output: zeros, ramps and meters advanced in O(1)
            st.fade_in.skip(frames);
            st.fade_out.skip(frames);
            st.mono.skip(frames);
            st.talkback.skip(frames);
            st.gain.skip(frames);
            for (int c = 0; c < channels; ++c) {
                const size_t ch = first + static_cast<size_t>(c);
                if (!output_silent_[ch])
                    dsp::clear(output_buffer(ch), static_cast<int>(stride_));  // blocks vary
                output_silent_[ch] = 1;
                meters_[layout_.sources + ch].update_silent(frames, ballistics_);
                if (io.outputs && io.outputs[ch]) dsp::clear(io.outputs[ch] + offset, frames);
            }
            continue;
        }
        fetch_bus(st.bus, 0, channels, l, frames);
        if (r) fetch_bus(st.bus, 1, channels, r, frames);
        if (st.fade_in.ramping()) {
            apply_shared(st.fade_in, l, r, frames);
            float* tmp = scratch(1);
            float* g = scratch(0);
            st.fade_out.fill(g, frames);
            for (int c = 0; c < channels; ++c) {
                fetch_bus(st.previous_bus, c, channels, tmp, frames);
                float* dst = c == 0 ? l : r;
                for (int k = 0; k < frames; ++k)
                    dst[k] += tmp[k] * g[k];
            }
        }

        // Mono: L' = L + (R − L)·m/2, R' = R + (L − R)·m/2; m ramps 0 … 1.
        if (r && layout_.output_is_monitor[o]) {
            if (st.mono.ramping() || st.mono.current() != 0.0f) {
                float* m = scratch(0);
                st.mono.fill(m, frames);
                for (int k = 0; k < frames; ++k) {
                    const float half = 0.5f * m[k];
                    const float left = l[k], right = r[k];
                    l[k] = left + (right - left) * half;
                    r[k] = right + (left - right) * half;
                }
            }
        }

        if (talkback_source >= 0 && !st.talkback.silent() &&
            !source_silent_[static_cast<size_t>(talkback_source)]) {
            const float* tb = source_buffer(static_cast<size_t>(talkback_source));
            float* g = scratch(0);
            st.talkback.fill(g, frames);
            for (int k = 0; k < frames; ++k)
                l[k] += tb[k] * g[k];
            if (r)
                for (int k = 0; k < frames; ++k)
                    r[k] += tb[k] * g[k];
        } else {
            st.talkback.skip(frames);
        }

        apply_shared(st.gain, l, r, frames);
        run_output_strip(o, l, r, frames);

        // DAC: guard, clip at 0 dBFS, meter, deliver.
        for (int c = 0; c < channels; ++c) {
            float* x = c == 0 ? l : r;
            const size_t ch = first + static_cast<size_t>(c);
            // An insert's send plays the channel at unity in place of the output's mix.
            if (send_of_channel_[ch]) send_of_channel_[ch]->mix_send_into(x, frames);
            if (!dsp::all_finite(x, frames)) {
                dsp::clear(x, frames);
                if (!output_fault_latched_[o]) {
                    output_fault_latched_[o] = 1;
                    emit(EngineEventKind::OutputFault, static_cast<std::uint32_t>(o));
                }
            }
            dsp::MeterState& meter = meters_[layout_.sources + ch];
            output_silent_[ch] = 0;
            dsp::BlockLevel level{};
            const int clipped = dsp::hard_clip_measure(x, frames, 1.0f, level);
            if (clipped > 0 && meter.reading().clips == 0)
                emit(EngineEventKind::OutputClip, static_cast<std::uint32_t>(o));
            meter.update(level, frames, clipped, ballistics_);
            if (io.outputs && io.outputs[ch]) dsp::copy(x, io.outputs[ch] + offset, frames);
        }
    }
}

void Engine::power_on(int silent_frames, int ramp_frames) {
    for (auto& st : outputs_)
        st.gain.snap(0.0f);
    power_silent_frames_ = std::max(silent_frames, 0);
    power_ramp_frames_ = std::max(ramp_frames, ramp_frames_);
    power_ramp_pending_ = true;
}

void Engine::run_loopback(const BlockIo& io, int offset, int frames) {
    if (!io.capture || layout_.loopback == 0) return;
    const int source_output = targets_.loopback_output.load(std::memory_order_relaxed);
    for (int k = 0; k < layout_.loopback; ++k) {
        if (!io.capture[layout_.capture + k]) continue;
        float* dst = io.capture[layout_.capture + k] + offset;
        if (source_output < 0) {
            dsp::clear(dst, frames);
            continue;
        }
        const auto o = static_cast<size_t>(source_output);
        const int c = std::min(k, layout_.output_channels[o] - 1);
        dsp::copy(output_buffer(static_cast<size_t>(layout_.output_first_channel[o]) +
                                static_cast<size_t>(c)),
                  dst, frames);
    }
}

}  // namespace phantom::engine
