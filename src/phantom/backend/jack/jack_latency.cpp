// The latency ranges of Phantom's JACK ports (JACK's latency API, jack.h "LatencyFunctions").
//
// Phantom is a mixer: every input port may reach every output port through the mix, except a
// host capture port of an input (capture_<k>, the input's dry signal), which only hw_in_<k>
// reaches. A path adds what its input's strip, insert and latency compensation add plus what
// its output's strip adds (a headphone limiter's lookahead). With rec_fx the capture port
// carries the input's processing (its insert's loop) too. So, as jack.h asks of a client that
// adds latency:
//   capture mode:  each output port = the union over the input ports that reach it of
//                  (their capture range + the input's own) + the output's own;
//   playback mode: each input port  = the union over the output ports it reaches of
//                  (their playback range + the output's own) + the input's own.
// Only connected ports count: a path into nothing is not one a signal takes. The own
// latencies are atomics the control thread writes (update_own_latencies, from poll()); when
// one changes it asks the server to run every client's callback again.
#include <jack/jack.h>

#include <algorithm>
#include <limits>

#include "phantom/backend/jack/jack_backend.hpp"

namespace phantom::backend {

namespace {

struct Range {
    jack_nframes_t min = std::numeric_limits<jack_nframes_t>::max();
    jack_nframes_t max = 0;
    bool any = false;

    void add(jack_latency_range_t r, int own_frames) {
        const auto own = static_cast<jack_nframes_t>(std::max(own_frames, 0));
        min = std::min(min, r.min + own);
        max = std::max(max, r.max + own);
        any = true;
    }
    Range shifted(int own_frames) const {
        Range r = *this;
        if (r.any) {
            r.min += static_cast<jack_nframes_t>(std::max(own_frames, 0));
            r.max += static_cast<jack_nframes_t>(std::max(own_frames, 0));
        }
        return r;
    }
    // The range to set on a port whose own latency is `own_frames` ({0, 0} + own when nothing
    // reaches it: the latency is then only ours).
    jack_latency_range_t plus(int own_frames) const {
        const auto own = static_cast<jack_nframes_t>(std::max(own_frames, 0));
        return any ? jack_latency_range_t{min + own, max + own} : jack_latency_range_t{own, own};
    }
};

}  // namespace

void JackBackend::latency_cb(jack_latency_callback_mode_t mode, void* self) {
    static_cast<JackBackend*>(self)->set_latencies(mode);
}

void JackBackend::set_latencies(jack_latency_callback_mode_t mode) {
    // Global port index: hw_in, hw_out, capture, playback (as connected_ and own_latency_).
    const size_t first_hw_out = hw_in_.size();
    const size_t first_capture = first_hw_out + hw_out_.size();
    const size_t first_playback = first_capture + capture_.size();
    auto own = [&](size_t index) { return own_latency_[index].load(std::memory_order_relaxed); };
    // The port's range in `mode` plus `own_frames`, into `into` when the port is connected.
    auto gather = [&](const Port& p, int own_frames, Range& into) {
        if (!p.handle || !jack_port_connected(p.handle)) return;
        jack_latency_range_t r{};
        jack_port_get_latency_range(p.handle, mode, &r);
        into.add(r, own_frames);
    };
    auto set = [&](const Port& p, jack_latency_range_t r) {
        if (p.handle) jack_port_set_latency_range(p.handle, mode, &r);
    };

    if (mode == JackCaptureLatency) {
        Range mix;     // what reaches every output of the mix
        Range beyond;  // up to the hardware inputs alone (the card's), for the status
        for (size_t k = 0; k < hw_in_.size(); ++k) {
            gather(hw_in_[k], own(k), mix);
            gather(hw_in_[k], 0, beyond);
        }
        for (size_t k = 0; k < playback_.size(); ++k)
            gather(playback_[k], own(first_playback + k), mix);
        upstream_frames_.store(beyond.any ? beyond.max : 0, std::memory_order_relaxed);
        for (size_t k = 0; k < hw_out_.size(); ++k)
            set(hw_out_[k], mix.plus(own(first_hw_out + k)));
        for (size_t k = 0; k < capture_.size(); ++k) {
            if (k >= direct_capture_) {  // the loopback: an output of the mix
                set(capture_[k], mix.plus(own(first_capture + k)));
                continue;
            }
            // The input's dry signal: its own capture range, none of the strip's.
            Range dry;
            gather(hw_in_[k], 0, dry);
            set(capture_[k], dry.plus(own(first_capture + k)));
        }
        return;
    }

    // Playback: what follows each output, plus that output's own latency.
    Range mix;     // after every output of the mix (the hardware outputs and the loopback)
    Range beyond;  // after the hardware outputs alone (the card's), for the status
    for (size_t k = 0; k < hw_out_.size(); ++k) {
        gather(hw_out_[k], own(first_hw_out + k), mix);
        gather(hw_out_[k], 0, beyond);
    }
    for (size_t k = direct_capture_; k < capture_.size(); ++k)
        gather(capture_[k], own(first_capture + k), mix);
    downstream_frames_.store(beyond.any ? beyond.max : 0, std::memory_order_relaxed);
    for (size_t k = 0; k < hw_in_.size(); ++k) {
        Range reach = mix.shifted(own(k));  // through the input's strip into the mix
        if (k < direct_capture_) gather(capture_[k], own(first_capture + k), reach);  // dry
        set(hw_in_[k], reach.plus(0));
    }
    for (size_t k = 0; k < playback_.size(); ++k)
        set(playback_[k], mix.plus(own(first_playback + k)));
}

void JackBackend::update_own_latencies() {
    if (!iface_ || own_latency_.empty()) return;
    bool changed = false;
    auto put = [&](size_t index, int frames) {
        if (own_latency_[index].exchange(frames, std::memory_order_relaxed) != frames)
            changed = true;
    };
    // An input's path into the mixes: its own processing and what compensation adds to align
    // it with the slowest (so with compensation on, every path into the mixes states the
    // slowest's latency, which is what the mixes then carry).
    auto into_mix = [&](size_t s) {
        return iface_->input_latency_frames(s) + iface_->input_compensation_frames(s);
    };
    size_t index = 0;
    for (size_t s = 0; s < hw_in_.size(); ++s)
        put(index++, into_mix(s));
    const auto& outputs = iface_->spec().outputs;
    for (size_t o = 0; o < outputs.size(); ++o)
        for (int c = 0; c < outputs[o].channels; ++c)
            put(index++, iface_->output_latency_frames(o));
    // The loopback carries the output /loopback/source names (after its strip); an input's
    // capture channel its dry signal, or with rec_fx its processed one (an insert's loop
    // included), never compensated.
    const auto& layout = iface_->layout();
    int loopback_output = -1;
    if (layout.loopback_source >= 0)
        loopback_output = layout.loopback_choice_output[static_cast<size_t>(
            iface_->params().value(layout.loopback_source))];
    for (size_t k = 0; k < capture_.size(); ++k)
        put(index++, k < direct_capture_ ? iface_->capture_latency_frames(k)
                     : loopback_output >= 0
                         ? iface_->output_latency_frames(static_cast<size_t>(loopback_output))
                         : 0);
    const size_t first_pb = iface_->layout().sources.size() - playback_.size();
    for (size_t n = 0; n < playback_.size(); ++n)
        put(index++, into_mix(first_pb + n));
    // The server calls every client's latency callback again, on its own thread: ours reads
    // the atomics just written.
    if (changed && client_ && active_.load()) jack_recompute_total_latencies(client_);
}

}  // namespace phantom::backend
