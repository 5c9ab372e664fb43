#include "phantom/doctor/doctor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "phantom/doctor/rules.hpp"

namespace phantom::doctor {

namespace {

double seconds(Doctor::Clock::duration d) {
    return std::chrono::duration<double>(d).count();
}

bool flag(const std::vector<double>& v, params::ParamIndex i) {
    return i >= 0 && v[static_cast<size_t>(i)] != 0.0;
}

}  // namespace

std::vector<Finding> Doctor::examine(engine::Interface& iface, const backend::BackendStatus& status,
                                     bool virtual_hardware, Clock::time_point now) {
    return run_rules(gather(iface, status, virtual_hardware, now));
}

void Doctor::drain(engine::Interface& iface) {
    engine::AnalysisTap& tap = iface.engine().analysis();
    const size_t n = iface.hardware_input_count();
    if (tap_ != &tap || windows_.size() != n) {
        tap_ = &tap;
        windows_.assign(n, SampleWindow(static_cast<size_t>(kWindowS * tap.rate_hz())));
        clips_.assign(n, ClipState{});
        scratch_.resize(static_cast<size_t>(engine::AnalysisTap::kRingSeconds * tap.rate_hz()));
    }
    for (size_t s = 0; s < n; ++s) {
        const size_t got = tap.read(s, scratch_.data(), scratch_.size());
        windows_[s].push(scratch_.data(), got);
    }
}

Facts Doctor::gather(engine::Interface& iface, const backend::BackendStatus& status,
                     bool virtual_hardware, Clock::time_point now) {
    drain(iface);
    iface.engine().read_meters(meters_);
    Facts facts;
    facts.virtual_hardware = virtual_hardware;
    facts.sample_rate_hz = iface.sample_rate_hz();
    const std::vector<double>& v = iface.params().values();
    const size_t n = iface.hardware_input_count();
    facts.inputs.resize(n);
    for (size_t s = 0; s < n; ++s)
        gather_input(iface, s, v, virtual_hardware, now, facts.inputs[s]);
    // Pairs: the stereo pairs of the parameter tree (in1+in2, adat1+adat2 …), linked or not.
    const auto& layout = iface.layout();
    std::vector<float> a, b;
    for (size_t s = 0; s + 1 < n; ++s) {
        if (layout.source_links[s] < 0) continue;
        PairFacts p;
        p.a = s;
        p.b = s + 1;
        if (windows_[s].full() && windows_[s + 1].full()) {
            a = windows_[s].ordered();
            b = windows_[s + 1].ordered();
            p.correlation = correlation(a.data(), b.data(), std::min(a.size(), b.size()));
            p.analysed = true;
        }
        facts.pairs.push_back(p);
    }
    gather_listen(iface, v, facts);
    gather_system(status, now, facts.system);
    facts.system.clock = iface.clock();
    gather_loopback(iface, v, status, facts.loopback);
    return facts;
}

// The output loopback returns, and every host path from a loopback channel straight back into
// a playback channel: JACK's connections (the backend reads them from the graph), or the
// virtual host's echo (its routing, as an engineer sees a DAW's, not a hidden fault).
void Doctor::gather_loopback(engine::Interface& iface, const std::vector<double>& v,
                             const backend::BackendStatus& status, LoopbackFacts& lb) {
    const auto& layout = iface.layout();
    if (layout.loopback_source < 0) return;
    const int o = layout.loopback_choice_output[static_cast<size_t>(
        v[static_cast<size_t>(layout.loopback_source)])];
    if (o < 0) return;
    lb.output = iface.spec().outputs[static_cast<size_t>(o)].id;
    const auto& el = iface.engine().layout();
    const size_t first =
        el.sources + static_cast<size_t>(el.output_first_channel[static_cast<size_t>(o)]);
    for (int c = 0; c < el.output_channels[static_cast<size_t>(o)]; ++c)
        if (first + static_cast<size_t>(c) < meters_.size())
            lb.output_peak_dbfs = std::max(
                lb.output_peak_dbfs, to_dbfs(meters_[first + static_cast<size_t>(c)].peak_hold));
    std::vector<backend::BackendStatus::LoopbackReturn> returns = status.loopback_returns;
    for (const auto& e : iface.loopback_echoes())
        returns.push_back({e.loopback, e.playback, "", ""});
    const std::vector<std::string> captures = iface.capture_channel_names();
    const int bus = layout.resolved_bus(o, v);
    for (const auto& r : returns) {
        const size_t s = el.first_playback + static_cast<size_t>(r.playback);
        const size_t k =
            static_cast<size_t>(iface.spec().host.capture) + static_cast<size_t>(r.loopback);
        if (s >= layout.sources.size() || k >= captures.size()) continue;
        LoopbackReturnFacts f{captures[k], layout.sources[s].id, r.from, r.to, false};
        if (bus >= 0) {
            const auto& x = layout.crosspoint(bus, static_cast<int>(s));
            f.in_mix = v[static_cast<size_t>(x.gain)] > -INFINITY && !flag(v, x.mute);
        }
        lb.returns.push_back(std::move(f));
    }
}

void Doctor::gather_input(engine::Interface& iface, size_t s, const std::vector<double>& v,
                          bool virtual_hardware, Clock::time_point now, InputFacts& in) {
    const auto& layout = iface.layout();
    const auto& info = layout.sources[s];
    const auto& ids = layout.inputs[s];
    in.id = info.id;
    in.analog = info.kind == params::SourceKind::Analog;
    const dsp::MeterReading& m = meters_[s];
    in.peak_dbfs = to_dbfs(m.peak_hold);
    in.rms_dbfs = to_dbfs(m.rms);
    ClipState& c = clips_[s];
    if (in.peak_dbfs < kNoSignalDbfs)
        c.signal_since = Clock::time_point{};
    else if (c.signal_since == Clock::time_point{})
        c.signal_since = now;
    in.signal_s = c.signal_since == Clock::time_point{} ? 0.0 : seconds(now - c.signal_since);
    // Clipping: the meter's clip count grew within the history; how far over, from the tap.
    if (c.seen && m.clips > c.clips) c.last_clip = now;
    const bool first = !c.seen;
    c.clips = m.clips;
    c.seen = true;
    in.clipping =
        !first && c.last_clip != Clock::time_point{} && seconds(now - c.last_clip) <= kHistoryS;
    const float over = iface.engine().analysis().take_peak(s);
    if (over > 0 && (over >= c.over || seconds(now - c.last_over) > kHistoryS)) {
        c.over = over;
        c.last_over = now;
    } else if (seconds(now - c.last_over) > kHistoryS) {
        c.over = 0.0f;
    }
    in.over_dbfs = to_dbfs(c.over);
    if (in.analog) {
        in.spec = &iface.spec().analog_inputs[static_cast<size_t>(info.analog_index)];
        const analog::FrontEndSettings st = iface.front_end_settings(s, v);
        in.mode = st.mode;
        in.gain_db = st.gain_db;
        in.pad = st.pad;
        in.phantom = st.phantom;
        in.consumer_level = st.consumer_level;
        in.has_mode = ids.mode >= 0;
        in.has_level_switch = ids.level >= 0;
        in.has_phantom = ids.phantom >= 0;
        in.has_pad = ids.pad >= 0;
        if (virtual_hardware) in.plugged = iface.source(s);
        in.ribbon_with_phantom =
            in.plugged && in.plugged->transducer == analog::Transducer::Ribbon && in.phantom;
    }
    in.polarity = flag(v, ids.polarity);
    for (size_t bus = 0; bus < layout.buses.size(); ++bus) {
        const auto& x = layout.crosspoint(static_cast<int>(bus), static_cast<int>(s));
        if (!(v[static_cast<size_t>(x.gain)] > -INFINITY)) continue;
        if (!in.routed) in.all_routes_muted = true;
        in.routed = true;
        if (!flag(v, x.mute))
            in.all_routes_muted = false;
        else if (in.muted_path.empty())
            in.muted_path = fmt::format("/mix/{}/{}/mute", layout.buses[bus].id, in.id);
    }
    // A silent input (nothing plugged in, or unplugged since) says nothing about hum or DC;
    // its window starts afresh, so nothing older than its silence is judged.
    if (in.peak_dbfs < kNoSignalDbfs) windows_[s].clear();
    if (windows_[s].full()) {
        const std::vector<float> w = windows_[s].ordered();
        const DcReading dc = find_dc(w.data(), w.size());
        in.dc = dc.mean;
        in.dc_steady = dc.steady;
        const HumReading hum = find_hum(w.data(), w.size(), iface.engine().analysis().rate_hz());
        in.hum_hz = hum.mains_hz;
        in.hum_rms = hum.fundamental_rms;
        in.hum_total_rms = hum.total_rms;
        in.analysed = true;
    }
}

void Doctor::gather_listen(engine::Interface& iface, const std::vector<double>& v, Facts& facts) {
    const auto& layout = iface.layout();
    const auto& mon = layout.monitor;
    ListenFacts& l = facts.listen;
    l.has_monitor = mon.bus >= 0;
    if (!l.has_monitor) return;
    l.main_id = layout.buses[static_cast<size_t>(mon.bus)].id;
    l.mute = flag(v, mon.mute);
    l.dim = flag(v, mon.dim);
    l.dim_db = mon.dim_level >= 0 ? v[static_cast<size_t>(mon.dim_level)] : 0.0;
    l.volume_db = mon.volume >= 0 ? v[static_cast<size_t>(mon.volume)] : 0.0;
    l.speakers = mon.speakers >= 0 ? static_cast<int>(v[static_cast<size_t>(mon.speakers)]) : 0;
    l.has_speakers_b = mon.speakers >= 0;
    const auto& outputs = iface.spec().outputs;
    for (const auto& out : outputs) {
        if (out.role != device::OutputRole::Monitor) continue;
        (out.speaker_set == device::SpeakerSet::B ? l.outputs_b : l.outputs_a).push_back(out.id);
    }
    for (size_t s = 0; s < layout.sources.size(); ++s) {
        if (to_dbfs(meters_[s].peak_hold) < kNoSignalDbfs) continue;
        const std::string& id = layout.sources[s].id;
        l.playing.push_back(id);
        const auto& x = layout.crosspoint(mon.bus, static_cast<int>(s));
        if (v[static_cast<size_t>(x.gain)] > -INFINITY && !flag(v, x.mute))
            l.heard_in_main.push_back(id);
    }
    // Mirrors: a mix "plays" when a source with signal is routed into it, unmuted.
    auto plays = [&](int bus) {
        if (bus < 0) return false;
        for (size_t s = 0; s < layout.sources.size(); ++s) {
            const auto& x = layout.crosspoint(bus, static_cast<int>(s));
            if (to_dbfs(meters_[s].peak_hold) >= kNoSignalDbfs &&
                v[static_cast<size_t>(x.gain)] > -INFINITY && !flag(v, x.mute))
                return true;
        }
        return false;
    };
    for (size_t o = 0; o < outputs.size(); ++o) {
        const auto& ids = layout.outputs[o];
        if (ids.mirror < 0) continue;
        const int target =
            ids.mirror_choice_output[static_cast<size_t>(v[static_cast<size_t>(ids.mirror)])];
        if (target < 0) continue;
        l.mirrors.push_back({outputs[o].id, outputs[static_cast<size_t>(target)].id, plays(ids.bus),
                             plays(layout.resolved_bus(static_cast<int>(o), v))});
    }
    // The control room's source: the main mix, an output's mix, or a pair of sources.
    l.main_mix_plays = plays(mon.bus);
    const auto& room = layout.room;
    if (room.source >= 0) {
        const auto& choice =
            room.source_choice[static_cast<size_t>(v[static_cast<size_t>(room.source)])];
        if (choice.output >= 0) {
            l.room_source = outputs[static_cast<size_t>(choice.output)].id;
            l.room_source_plays = plays(layout.resolved_bus(choice.output, v));
        } else if (choice.first_source >= 0) {
            const auto first = static_cast<size_t>(choice.first_source);
            l.room_source = layout.sources[first].id + "+" + layout.sources[first + 1].id;
            l.room_source_plays = to_dbfs(meters_[first].peak_hold) >= kNoSignalDbfs ||
                                  to_dbfs(meters_[first + 1].peak_hold) >= kNoSignalDbfs;
        }
    }
    // The monitor outputs' meters follow the sources in the meter order.
    size_t ch = layout.sources.size();
    for (const auto& out : outputs) {
        for (int c = 0; c < out.channels; ++c, ++ch)
            if (out.role == device::OutputRole::Monitor && ch < meters_.size())
                l.main_peak_dbfs = std::max(l.main_peak_dbfs, to_dbfs(meters_[ch].peak_hold));
    }
}

void Doctor::gather_system(const backend::BackendStatus& status, Clock::time_point now,
                           SystemFacts& sys) {
    sys.status = status;
    history_.push_back({now, status.xruns, status.dsp_load});
    while (history_.size() > 1 && seconds(now - history_.front().at) > kHistoryS)
        history_.pop_front();
    // A counter that went back (a new backend after a server came back) starts afresh.
    if (status.xruns < history_.front().xruns) history_.assign(1, history_.back());
    sys.window_s = seconds(now - history_.front().at);
    sys.xruns_in_window = status.xruns - history_.front().xruns;
    for (const auto& h : history_)
        sys.load_peak = std::max(sys.load_peak, h.load);
}

}  // namespace phantom::doctor
