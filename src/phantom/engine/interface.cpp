#include "phantom/engine/interface.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "phantom/device/channel_counts.hpp"
#include "phantom/io/file_stream.hpp"

namespace phantom::engine {

using params::SourceKind;

namespace {

EngineLayout make_layout(const device::DeviceSpec& spec, const params::InterfaceParams& p) {
    EngineLayout l;
    l.sources = p.sources.size();
    l.first_playback = p.sources.size() - static_cast<size_t>(spec.host.playback);
    int ch = 0;
    for (const auto& bus : p.buses) {
        l.bus_first_channel.push_back(ch);
        l.bus_channels.push_back(bus.channels);
        ch += bus.channels;
    }
    if (!p.room.source_solo.empty()) {  // the control room's solo and room buses, stereo
        for (int* bus : {&l.solo_bus, &l.room_bus}) {
            *bus = static_cast<int>(l.bus_channels.size());
            l.bus_first_channel.push_back(ch);
            l.bus_channels.push_back(2);
            ch += 2;
        }
    }
    for (const auto& bus : p.buses) {  // each mix's reverb and echo sends
        std::array<int, kFxKinds> sends{};
        for (int& send : sends) {
            send = static_cast<int>(l.bus_channels.size());
            l.bus_first_channel.push_back(ch);
            l.bus_channels.push_back(bus.channels);
            ch += bus.channels;
        }
        l.fx_send_bus.push_back(sends);
    }
    ch = 0;
    for (const auto& out : spec.outputs) {
        l.output_first_channel.push_back(ch);
        l.output_channels.push_back(out.channels);
        l.output_is_monitor.push_back(out.role == device::OutputRole::Monitor);
        ch += out.channels;
    }
    l.capture = spec.host.capture;
    l.loopback = spec.host.loopback;
    return l;
}

std::string rates_text(const device::DeviceSpec& spec) {
    std::string s;
    for (auto r : spec.sample_rates)
        s += (s.empty() ? "" : ", ") + std::to_string(r);
    return s;
}

// The names whose channel `present(k)` says the rate carries.
template <typename Present>
std::vector<std::string> keep_present(const std::vector<std::string>& all, Present present) {
    std::vector<std::string> names;
    for (size_t k = 0; k < all.size(); ++k)
        if (present(k)) names.push_back(all[k]);
    return names;
}

}  // namespace

Interface::Interface(device::DeviceSpec spec, std::uint32_t sample_rate_hz, int max_frames)
    : spec_(std::move(spec)),
      params_(params::build_interface_params(spec_)),
      sample_rate_hz_(sample_rate_hz) {
    if (!spec_.supports_rate(sample_rate_hz))
        throw std::invalid_argument(fmt::format("{} does not run at {} Hz (supported: {})",
                                                spec_.id, sample_rate_hz, rates_text(spec_)));
    if (max_frames < 1 || max_frames > 8192)
        throw std::invalid_argument(
            fmt::format("block size {} is outside 1..8192 frames", max_frames));
    engine_ = std::make_unique<Engine>(make_layout(spec_, params_), sample_rate_hz, max_frames);
    // A linked pair's slots are its first input's (plugin_derivation.cpp). The rule reads the
    // plugins a batch stages, so it lives here, beside them; a copy of the tree (a session's
    // probe) asks this interface, whose stage is that batch's.
    params_.tree.add_constraint(
        [this](const std::vector<double>& v) { return pair_plugin_problem(v); });
    presence_ = params::rate_presence(spec_, params_, sample_rate_hz_);
    const size_t n = params_.sources.size();
    source_specs_.resize(n);
    auto bank = std::make_shared<SignalBank>();
    bank->by_source.resize(n);
    signals_ = bank;
    streams_.resize(n);
    stream_failure_told_.assign(n, 0);
    stream_starving_told_.assign(n, 0);
    filters_.resize(n);
    has_filter_.assign(n, 0);
    faults_.resize(n);
    ribbon_warned_.assign(n, 0);
    condenser_warned_.assign(n, 0);
    // Every bus of the engine's, the control room's included, has a crosspoint per source.
    const size_t crosspoints = engine_->layout().bus_channels.size() * n;
    route_live_.assign(crosspoints, 0);
    route_silent_since_.assign(crosspoints, -1);
    reset_strips();
    reset_fx();
    reset_compensation();
    derive();
    update_clock();
    publish_plan();
}

std::vector<params::ParamIndex> Interface::apply(const std::vector<params::ParamChange>& changes) {
    // A slot's plugin set by index, without a stage first: staged here (the slot's controls
    // can then only be set by a later batch).
    std::vector<PluginLoad> loads;
    for (const auto& c : changes)
        if (const int slot = plugin_slot_of(c.index); slot >= 0)
            loads.push_back({static_cast<size_t>(slot), c.text});
    if (!loads.empty()) stage_plugins(loads);
    std::vector<params::ParamIndex> changed;
    try {
        changed = params_.tree.apply(changes);
    } catch (...) {
        unstage_plugins();
        throw;
    }
    if (changed.empty() && !staged_.empty()) {
        derive_strips(params_.tree.values());  // a plugin made again under the same URI
        derive_compensation();
    } else if (!changed.empty() && only_strip_params(changed)) {
        derive_strips(params_.tree.values());  // no targets, no route generation
        derive_fx(params_.tree.values());
        derive_compensation();  // an insert's delay moves the other sources
    } else if (!changed.empty()) {
        derive();
        update_clock();
    }
    if (plan_dirty_) publish_plan();
    return changed;
}

std::vector<params::ParamIndex> Interface::set_text(const std::string& path,
                                                    const std::string& text) {
    params::ParamIndex i = params_.tree.require(path);
    return apply({params_.tree.change_from_text(i, text)});
}

void Interface::set_source(const std::string& channel_id, const std::string& source_text,
                           AbsentChannel absent) {
    set_sources({{channel_id, source_text}}, absent);
}

void Interface::set_sources(const std::vector<std::pair<std::string, std::string>>& sources,
                            AbsentChannel absent) {
    // Every signal is made (its file opened, its text parsed) before any is installed, so a
    // list with one bad entry changes nothing; and the routes are derived once for the list,
    // not once per source (16 derivations of stress-64 were a tenth of a render's start-up).
    struct Made {
        size_t source;
        analog::SourceSpec spec;
        io::FileSignal signal;
    };
    std::vector<Made> made;
    made.reserve(sources.size());
    for (const auto& [channel_id, source_text] : sources) {
        const int s = params_.source_index(channel_id);
        if (s < 0) {
            std::string known;
            for (const auto& src : params_.sources)
                known += (known.empty() ? "" : ", ") + src.id;
            throw SourceError(
                fmt::format("{}: no such input or playback channel on {} (channels: {})",
                            channel_id, spec_.id, known));
        }
        if (absent == AbsentChannel::Refuse && !presence_.source_present(static_cast<size_t>(s)))
            throw SourceError(presence_.why_absent(channel_id));
        analog::SourceSpec spec;
        try {
            spec = analog::parse_source_spec(source_text);
            if (params_.sources[static_cast<size_t>(s)].kind != SourceKind::Analog)
                analog::digital_source_gain(spec, channel_id);  // refuses analog levels
        } catch (const std::invalid_argument& e) {
            throw SourceError(fmt::format("{}: {}", channel_id, e.what()));
        }
        io::FileSignal signal = make_signal(spec, channel_id);
        if (has_faults(static_cast<size_t>(s)))
            signal.signal->set_faults(source_faults(static_cast<size_t>(s), spec));
        made.push_back({static_cast<size_t>(s), std::move(spec), std::move(signal)});
    }
    if (made.empty()) return;
    auto bank = std::make_shared<SignalBank>(*signals_);
    for (Made& m : made) {  // a channel named twice takes the last
        bank->by_source[m.source] = std::move(m.signal.signal);
        replace_stream(m.source, std::move(m.signal.stream));
        source_specs_[m.source] = std::move(m.spec);
    }
    signals_ = bank;
    publish_streams();
    derive();
    update_clock();
    plan_dirty_ = true;
    publish_plan();
}

io::FileSignal Interface::make_signal(const analog::SourceSpec& spec,
                                      const std::string& channel_id) const {
    if (spec.signal == analog::SignalKind::Outboard)
        return {make_outboard(spec, channel_id), nullptr};
    try {
        if (spec.signal != analog::SignalKind::File)
            return {std::make_shared<analog::SignalSource>(spec, sample_rate_hz_), nullptr};
        // A second of audio, and never less than four blocks, buffered ahead of the engine.
        const size_t ring =
            std::max<size_t>(sample_rate_hz_, 4 * static_cast<size_t>(engine_->max_frames()));
        return io::make_file_signal(spec, sample_rate_hz_, loop_sources_, ring);
    } catch (const io::AudioFileError& e) {
        throw SourceError(fmt::format("{}: {}", channel_id, e.what()));
    }
}

std::shared_ptr<analog::SignalSource> Interface::make_outboard(
    const analog::SourceSpec& spec, const std::string& channel_id) const {
    const int s = params_.source_index(channel_id);
    if (s >= 0 && params_.sources[static_cast<size_t>(s)].kind == SourceKind::Playback)
        throw SourceError(fmt::format(
            "{}: '{}': outboard gear plays back into a hardware input, and {} is a playback "
            "channel",
            channel_id, spec.text, channel_id));
    const int ch = loop_output_channel(spec);
    if (ch < 0) {
        std::string known;
        for (const auto& n : output_channel_names())
            known += (known.empty() ? "" : ", ") + n;
        throw SourceError(fmt::format("{}: '{}': {} has no output channel {} (channels: {})",
                                      channel_id, spec.text, spec_.id, spec.loop_output, known));
    }
    const auto& first = engine_->layout().output_first_channel;
    size_t o = 0;
    while (o + 1 < first.size() && first[o + 1] <= ch)
        ++o;
    // The send leaves at the output's full scale and arrives in units of the input's own.
    double level = 1.0;
    if (s >= 0 && params_.sources[static_cast<size_t>(s)].kind == SourceKind::Analog) {
        const auto& in = spec_.analog_inputs[static_cast<size_t>(
            params_.sources[static_cast<size_t>(s)].analog_index)];
        level = std::pow(10.0, (spec_.outputs[o].full_scale_dbu - in.full_scale_dbu) / 20.0);
    }
    try {
        auto loop = std::make_shared<analog::OutboardLoop>(
            spec.outboard, sample_rate_hz_, engine_->max_frames(), static_cast<float>(level));
        auto signal = std::make_shared<analog::SignalSource>(spec, sample_rate_hz_, loop);
        return signal;
    } catch (const std::invalid_argument& e) {
        throw SourceError(fmt::format("{}: '{}': {}", channel_id, spec.text, e.what()));
    }
}

int Interface::loop_output_channel(const analog::SourceSpec& spec) const {
    const std::vector<std::string> names = output_channel_names();
    const auto at = std::find(names.begin(), names.end(), spec.loop_output);
    return at == names.end() ? -1 : static_cast<int>(at - names.begin());
}

void Interface::change_sample_rate(std::uint32_t sample_rate_hz) {
    if (sample_rate_hz == sample_rate_hz_) return;
    if (!spec_.supports_rate(sample_rate_hz))
        throw std::invalid_argument(fmt::format("{} does not run at {} Hz (supported: {})",
                                                spec_.id, sample_rate_hz, rates_text(spec_)));
    // Everything that knows the rate is rebuilt: filters, ramps and meter ballistics (a new
    // engine), generators and file readers (new signals). The parameter tree stays as it is.
    const std::uint32_t old_rate = sample_rate_hz_;
    sample_rate_hz_ = sample_rate_hz;
    // The parameters of channels the new rate does not carry stay in the tree, hidden; those
    // it brings back are in force again with the values they had.
    presence_ = params::rate_presence(spec_, params_, sample_rate_hz);
    engine_ = std::make_unique<Engine>(make_layout(spec_, params_), sample_rate_hz,
                                       engine_->max_frames());
    auto bank = std::make_shared<SignalBank>();
    bank->by_source.resize(source_specs_.size());
    std::vector<std::shared_ptr<io::FileStream>> streams(source_specs_.size());
    for (size_t s = 0; s < source_specs_.size(); ++s) {
        if (!source_specs_[s] && !has_faults(s)) continue;
        try {
            const analog::SourceSpec spec =
                source_specs_[s] ? *source_specs_[s] : analog::parse_source_spec("silence");
            io::FileSignal signal = make_signal(spec, params_.sources[s].id);
            if (has_faults(s)) signal.signal->set_faults(source_faults(s, spec));
            bank->by_source[s] = std::move(signal.signal);
            streams[s] = std::move(signal.stream);
        } catch (const SourceError& e) {
            warnings_.push_back(fmt::format("{} (after the rate changed from {} to {} Hz): removed",
                                            e.what(), old_rate, sample_rate_hz));
            source_specs_[s].reset();
        }
    }
    signals_ = bank;
    for (size_t s = 0; s < streams.size(); ++s)
        replace_stream(s, std::move(streams[s]));
    publish_streams();
    route_live_.assign(route_live_.size(), 0);
    route_silent_since_.assign(route_silent_since_.size(), -1);
    started_ = false;
    routes_settling_.clear();
    reset_strips();  // every strip and FX made and prepared anew at the new rate
    reset_fx();
    reset_compensation();
    derive();
    update_clock();
    plan_dirty_ = true;
    publish_plan();
}

void Interface::set_clock_input(const std::string& input, std::uint32_t rate_hz) {
    std::string inputs;
    bool known = false;
    for (const auto& c : spec_.clock_sources) {
        if (c == "internal") continue;
        inputs += (inputs.empty() ? "" : ", ") + c;
        known = known || c == input;
    }
    if (!known)
        throw std::invalid_argument(
            fmt::format("--clock-input {}: {} has no such clock input ({})", input, spec_.id,
                        inputs.empty() ? "it has none: internal clock only" : inputs));
    clock_inputs_.rate_hz[input] = rate_hz;
    update_clock();
    if (plan_dirty_) publish_plan();
}

void Interface::set_host_owns_clock(bool host) {
    host_owns_clock_ = host;
    update_clock();
    if (plan_dirty_) publish_plan();
}

void Interface::update_clock() {
    std::string source = "internal";
    if (params_.clock_source >= 0 && !spec_.clock_sources.empty())
        source = spec_.clock_sources[static_cast<size_t>(params_.tree.value(params_.clock_source))];
    std::uint32_t input_rate = 0;
    if (auto it = clock_inputs_.rate_hz.find(source); it != clock_inputs_.rate_hz.end()) {
        input_rate = it->second;
    } else {
        // Unset: a digital port with something playing into it carries the interface's rate.
        for (size_t s = 0; s < params_.sources.size(); ++s) {
            const auto& info = params_.sources[s];
            if (info.kind == SourceKind::Digital && source_specs_[s] &&
                spec_.digital_ports[static_cast<size_t>(info.digital_port)].id == source)
                input_rate = sample_rate_hz_;
        }
    }
    // A virtual fault on this clock input, else on "the external clock" whichever it is.
    double drift_ppm = 0.0;
    if (source != "internal") {
        auto fault = clock_faults_.find(source);
        if (fault == clock_faults_.end()) fault = clock_faults_.find("clock");
        if (fault != clock_faults_.end()) {
            if (fault->second.kind == analog::FaultKind::ClockVanish) input_rate = 0;
            drift_ppm = fault->second.drift_ppm;
        }
    }
    const bool was_muted = clock_.digital_inputs_muted();
    const std::string was = clock_.message();
    clock_ = clock_lock(source, input_rate, sample_rate_hz_, host_owns_clock_, drift_ppm);
    if (clock_.digital_inputs_muted() != was_muted) plan_dirty_ = true;
    if (clock_.message() != was && (clock_.digital_inputs_muted() || was_muted))
        warnings_.push_back("clock: " + clock_.message());
}

void Interface::refill_sources() {
    for (const auto& stream : streams_)
        if (stream) stream->refill();
}

void Interface::replace_stream(size_t s, std::shared_ptr<io::FileStream> stream) {
    if (streams_[s])
        starved_frames_retired_ +=
            streams_[s]->samples()->starved_frames.load(std::memory_order_relaxed);
    streams_[s] = std::move(stream);
    stream_failure_told_[s] = 0;
    stream_starving_told_[s] = 0;
}

void Interface::publish_streams() {
    io::FeedList::Items feeds;
    for (const auto& stream : streams_)
        if (stream) feeds.push_back(stream);
    source_feeds_.set(std::move(feeds));
}

std::uint64_t Interface::source_starved_frames() const {
    std::uint64_t n = starved_frames_retired_;
    for (const auto& stream : streams_)
        if (stream) n += stream->samples()->starved_frames.load(std::memory_order_relaxed);
    return n;
}

void Interface::report_streams() {
    for (size_t s = 0; s < streams_.size(); ++s) {
        const auto& stream = streams_[s];
        if (!stream) continue;
        const std::string& id = params_.sources[s].id;
        if (!stream_failure_told_[s] && stream->failed()) {
            stream_failure_told_[s] = 1;
            warnings_.push_back(fmt::format("{}: source file ended early; silence ({}: {})", id,
                                            stream->path(), stream->failure()));
        }
        const std::uint64_t starved =
            stream->samples()->starved_frames.load(std::memory_order_relaxed);
        if (!stream_starving_told_[s] && starved > 0) {
            stream_starving_told_[s] = 1;
            warnings_.push_back(fmt::format(
                "{}: the source file was not read in time; silence ({:.0f} ms so far, {}): the "
                "disk or the machine is too slow",
                id, 1000.0 * static_cast<double>(starved) / sample_rate_hz_, stream->path()));
        }
    }
}

size_t Interface::longest_file_frames() const {
    size_t n = 0;
    for (const auto& sig : signals_->by_source)
        if (sig) n = std::max(n, sig->length_frames());
    return n;
}

void Interface::start() {
    // At start nothing is ramping: only routes with a non-zero target need to be live.
    for (size_t x = 0; x < route_live_.size(); ++x) {
        bool audible = engine_->targets().route_left.load(x) != 0.0f ||
                       engine_->targets().route_right.load(x) != 0.0f;
        if (route_live_[x] && !audible) plan_dirty_ = true;
        route_live_[x] = audible ? 1 : 0;
        route_silent_since_[x] = -1;
    }
    routes_settling_.clear();
    publish_plan();
    engine_->snap_to_targets();
    snap_strips();
    settle_fx();
    snap_compensation();
    engine_->plans().collect(true);
    started_ = true;
}

void Interface::start_live() {
    start();
    engine_->power_on(engine_->max_frames(),
                      static_cast<int>(std::lround(kPowerOnRampS * sample_rate_hz_)));
}

void Interface::maintain() {
    engine_->plans().collect();
    // A route whose target went to zero stays in the plan until its ramp has surely finished.
    const auto now = static_cast<std::int64_t>(engine_->frames_processed());
    const std::int64_t settle = engine_->ramp_frames() + 2 * engine_->max_frames();
    // Only the crosspoints whose target went to zero, not every crosspoint: on stress-64 that
    // scan was a tenth of an offline render's loop. An entry whose route came back (or was
    // dropped since) is stale and goes.
    std::erase_if(routes_settling_, [&](size_t x) {
        if (!route_live_[x] || route_silent_since_[x] < 0) return true;
        if (now - route_silent_since_[x] <= settle) return false;
        route_live_[x] = 0;
        route_silent_since_[x] = -1;
        plan_dirty_ = true;
        return true;
    });
    prune_fx(now, settle);
    prune_plugins();
    service_plugins();
    derive_compensation();  // a plugin's latency settles while it runs, without a command
    if (plan_dirty_) publish_plan();
    report_streams();

    EngineEvent e{};
    while (engine_->pop_event(e)) {
        const bool output =
            e.kind == EngineEventKind::OutputFault || e.kind == EngineEventKind::OutputClip;
        const std::string& id =
            output ? spec_.outputs[e.channel].id : params_.sources[e.channel].id;
        const double at_s = static_cast<double>(e.frame) / sample_rate_hz_;
        switch (e.kind) {
            case EngineEventKind::InputFault:
            case EngineEventKind::OutputFault:
                ++fault_count_;
                warnings_.push_back(fmt::format(
                    "{}: NaN, Inf or a sample above +80 dBFS at {:.3f} s: silenced for the block",
                    id, at_s));
                break;
            case EngineEventKind::InputClip:
                warnings_.push_back(fmt::format(
                    "{}: input clipped at {:.3f} s (0 dBFS at the converter)", id, at_s));
                break;
            case EngineEventKind::OutputClip:
                warnings_.push_back(fmt::format("{}: output clipped at {:.3f} s", id, at_s));
                break;
        }
    }
}

void Interface::publish_plan() {
    auto plan = std::make_unique<Plan>();
    plan->id = ++plans_published_;
    plan->signals = signals_;
    plan->strips = strips_;
    plan->fx = fx_;
    plan->compensation = compensation_;
    const size_t n = params_.sources.size();
    plan->sources.resize(n);
    for (size_t s = 0; s < n; ++s) {
        const auto& info = params_.sources[s];
        SourcePlan& sp = plan->sources[s];
        sp.signal = signals_->by_source[s].get();
        sp.filter = filters_[s];
        sp.has_filter = has_filter_[s] != 0;
        sp.converter = info.kind != SourceKind::Playback;
        // Absent at this rate (S/MUX), or a digital input without clock lock: silent.
        sp.live = presence_.source_present(s) &&
                  !(info.kind == SourceKind::Digital && clock_.digital_inputs_muted());
    }
    for (size_t s = 0; s < n; ++s) {
        analog::SignalSource* signal = signals_->by_source[s].get();
        if (!signal || !signal->outboard_loop() || !source_specs_[s]) continue;
        const int ch = loop_output_channel(*source_specs_[s]);
        if (ch >= 0)
            plan->loops.push_back({signal->outboard_loop(), static_cast<std::uint32_t>(ch)});
    }
    for (size_t x = 0; x < route_live_.size(); ++x) {
        if (!route_live_[x]) continue;
        const size_t bus = x / n, s = x % n;
        Route r;
        r.crosspoint = static_cast<std::uint32_t>(x);
        r.source = static_cast<std::uint16_t>(s);
        r.bus_channel = static_cast<std::uint16_t>(engine_->layout().bus_first_channel[bus]);
        r.stereo = engine_->layout().bus_channels[bus] == 2;
        plan->routes.push_back(r);
    }
    engine_->plans().publish(std::move(plan));
    if (!started_) engine_->plans().collect(true);
    plan_dirty_ = false;
}

size_t Interface::live_route_count() const {
    const Plan* p = engine_->plans().current();
    return p ? p->routes.size() : 0;
}

std::vector<std::string> Interface::output_channel_names() const {
    return device::output_channel_names(spec_);
}

bool Interface::capture_present(size_t k) const {
    // Host capture channel k carries source k (inputs in order); loopback is always there.
    return k >= static_cast<size_t>(spec_.host.capture) || presence_.source_present(k);
}

bool Interface::output_channel_present(size_t k) const {
    const auto& first = engine_->layout().output_first_channel;
    for (size_t o = first.size(); o-- > 0;)
        if (k >= static_cast<size_t>(first[o])) return presence_.output_present(o);
    return false;
}

std::vector<std::string> Interface::present_output_channel_names() const {
    return keep_present(output_channel_names(),
                        [this](size_t k) { return output_channel_present(k); });
}

std::vector<std::string> Interface::present_capture_channel_names() const {
    return keep_present(capture_channel_names(), [this](size_t k) { return capture_present(k); });
}

size_t Interface::capture_channel_count() const {
    return static_cast<size_t>(spec_.host.capture) + static_cast<size_t>(spec_.host.loopback);
}

std::vector<std::string> Interface::capture_channel_names() const {
    std::vector<std::string> names;
    names.reserve(capture_channel_count());
    for (int c = 0; c < spec_.host.capture; ++c)
        names.push_back(params_.sources[static_cast<size_t>(c)].id);
    if (spec_.host.loopback > 0) {
        names.emplace_back("loopback.L");
        names.emplace_back("loopback.R");
    }
    return names;
}

}  // namespace phantom::engine
