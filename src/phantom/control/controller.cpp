#include "phantom/control/controller.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "phantom/params/plugin_params.hpp"
#include "phantom/params/utf8.hpp"
#include "phantom/units/levels.hpp"

namespace phantom::control {

using nlohmann::json;
using params::ParamIndex;
using params::replace_invalid_utf8;

namespace {

double meter_dbfs(float linear) {
    if (linear <= 0.0f) return kMeterFloorDbfs;
    return std::max(kMeterFloorDbfs, std::round(units::gain_to_db(linear) * 100.0) / 100.0);
}

ErrorKind kind_of(params::ParamErrorKind kind) {
    switch (kind) {
        case params::ParamErrorKind::UnknownPath:
            return ErrorKind::UnknownPath;
        case params::ParamErrorKind::Conflict:
            return ErrorKind::Conflict;
        case params::ParamErrorKind::WrongType:
            return ErrorKind::WrongType;
        case params::ParamErrorKind::OutOfRange:
            return ErrorKind::OutOfRange;
        case params::ParamErrorKind::NotAvailable:
            return ErrorKind::NotAvailable;
    }
    return ErrorKind::OutOfRange;
}

}  // namespace

Controller::Controller(engine::Interface& iface, bool analog_available)
    : iface_(iface), analog_available_(analog_available) {}

ParamIndex Controller::require(const std::string& path) const {
    auto i = iface_.params().find(path);
    if (!i)
        throw CommandError(ErrorKind::UnknownPath, fmt::format("{}: unknown parameter path", path),
                           path);
    return *i;
}

void Controller::check_available(ParamIndex i) const {
    const auto& s = iface_.params().schema(i);
    check_present_at_rate(i);
    if (s.analog_only && !analog_available_)
        throw CommandError(
            ErrorKind::NotAvailable,
            fmt::format("{}: not available on this hardware (on JACK the {})", s.path,
                        i == iface_.layout().clock_source
                            ? "sound card owns the sample clock"
                            : "preamp, pad and 48 V are the sound card's own "
                              "controls"),
            s.path);
}

void Controller::check_present_at_rate(ParamIndex i) const {
    const auto& presence = iface_.presence();
    if (presence.param_present(i)) return;
    const auto& s = iface_.params().schema(i);
    throw CommandError(
        ErrorKind::NotAvailable,
        fmt::format("{}: {}", s.path, presence.why_absent(presence.absent_id_in(s.path))), s.path);
}

void Controller::check_choice_present(const params::ParamChange& c) const {
    // A choice that names a channel the rate does not carry (/loopback/source adat7-8 at
    // 96 kHz, a mirror of it) is refused as the channel's own parameters are.
    const auto& s = iface_.params().schema(c.index);
    if (s.type != params::ParamType::Choice) return;
    const auto k = static_cast<size_t>(c.value);
    if (k >= s.choices.size() || !iface_.presence().id_absent(s.choices[k])) return;
    throw CommandError(ErrorKind::NotAvailable,
                       fmt::format("{}: {}", s.path, iface_.presence().why_absent(s.choices[k])),
                       s.path, Value(s.choices[k]));
}

void Controller::rethrow(const params::ParamError& e, std::optional<Value> value) const {
    std::string allowed;
    if (auto i = iface_.params().find(e.path()))
        allowed = params::allowed_values(iface_.params().schema(*i));
    throw CommandError(kind_of(e.kind()), e.what(), e.path(), std::move(value), allowed);
}

DeviceInfo Controller::device() const {
    std::lock_guard lock(mutex_);
    DeviceInfo d;
    d.spec = &iface_.spec();
    d.sample_rate_hz = iface_.sample_rate_hz();
    d.capture_channels = iface_.present_capture_channel_names();
    d.output_channels = iface_.present_output_channel_names();
    // What the virtual hardware plays into each input: the panel asks before 48 V goes onto a
    // passive ribbon.
    const auto& layout = iface_.layout();
    for (size_t s = 0; s < layout.sources.size(); ++s)
        if (const auto& spec = iface_.source(s))
            d.sources.push_back(
                {layout.sources[s].id, spec->text, spec->transducer == analog::Transducer::Ribbon});
    return d;
}

std::vector<ParamInfo> Controller::params(const std::string& prefix) const {
    std::vector<double> values;
    std::vector<std::string> texts;
    std::vector<char> present;  // the rate's channels only (S/MUX): the rest are kept unseen
    // A schema, once made, never changes or moves (ParamTree::add_node): its address, taken
    // under the lock, is read without it. Null: a retired node (an unloaded plugin's control).
    std::vector<const params::ParamSchema*> schemas;
    {
        std::lock_guard lock(mutex_);
        const auto& tree = iface_.params();
        values = tree.values();
        texts = tree.texts();
        present = iface_.presence().param;
        schemas.resize(values.size());
        for (size_t i = 0; i < values.size(); ++i) {
            const auto index = static_cast<ParamIndex>(i);
            schemas[i] = tree.live(index) ? &tree.schema(index) : nullptr;
        }
    }
    std::vector<ParamInfo> list;
    for (size_t i = 0; i < values.size(); ++i) {
        if (!schemas[i]) continue;
        const auto& s = *schemas[i];
        if (s.path.compare(0, prefix.size(), prefix) != 0) continue;
        if (i < present.size() && !present[i]) continue;
        list.push_back(
            {&s, typed_value(s, values[i], texts[i]), !s.analog_only || analog_available_});
    }
    if (list.empty())
        throw CommandError(ErrorKind::UnknownPath,
                           fmt::format("{}: no parameter has this prefix", prefix), prefix);
    return list;
}

ParamInfo Controller::param(const std::string& path) const {
    std::lock_guard lock(mutex_);
    const ParamIndex i = require(path);
    check_present_at_rate(i);
    const auto& s = iface_.params().schema(i);
    return {&s, value_of(iface_.params(), i), !s.analog_only || analog_available_};
}

std::vector<Change> Controller::apply_locked(const std::vector<params::ParamChange>& changes,
                                             bool cancel_glides) {
    const auto changed = iface_.apply(changes);  // throws ParamError, nothing applied
    std::vector<Change> out;
    for (ParamIndex i : changed) {
        out.push_back(
            {++change_seq_, iface_.params().schema(i).path, value_of(iface_.params(), i)});
        change_log_.push_back(out.back());
        if (change_log_.size() > kChangeLogSize) change_log_.pop_front();
    }
    if (cancel_glides) {
        std::erase_if(glides_, [&](const Glide& g) {
            return std::any_of(changes.begin(), changes.end(),
                               [&](const params::ParamChange& c) { return c.index == g.index; });
        });
        for (const auto& c : changes)
            std::erase(held_phantom_, iface_.params().schema(c.index).path);
    }
    if (!changed.empty()) ++revision_;
    return out;
}

std::vector<std::string> Controller::glide_large_rises(std::vector<params::ParamChange>& changes) {
    const auto& layout = iface_.layout();
    const auto& tree = iface_.params();
    auto guarded = [&](ParamIndex i) {
        if (i == layout.monitor.volume) return true;
        for (size_t k = 0; k < layout.outputs.size(); ++k)
            if (layout.outputs[k].volume == i)
                return iface_.spec().outputs[k].role != device::OutputRole::Line;
        return false;
    };
    std::vector<Glide> rises;
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(changes, [&](const params::ParamChange& c) {
        const double from_db = tree.value(c.index);
        if (!guarded(c.index) || c.value <= kQuietDb || c.value - from_db <= kLargeRiseDb)
            return false;
        rises.push_back({c.index, units::db_to_gain(from_db), units::db_to_gain(c.value), now});
        return true;
    });
    std::vector<std::string> gliding;
    for (const auto& g : rises) {
        std::erase_if(glides_, [&](const Glide& old) { return old.index == g.index; });
        glides_.push_back(g);
        gliding.push_back(tree.schema(g.index).path);
    }
    return gliding;
}

ApplyResult Controller::apply_guarded(std::vector<params::ParamChange> changes, bool guard) {
    // An action (/monitor/recall) is the changes it stands for: a rise it makes glides too.
    changes = iface_.params().expand_actions(changes);
    iface_.params().check(changes);  // nothing glides from a batch that is refused
    std::vector<std::string> gliding;
    if (guard) gliding = glide_large_rises(changes);
    return {apply_locked(changes, true), std::move(gliding)};
}

ApplyResult Controller::set(const std::string& path, const Value& value) {
    return apply({{path, value}});
}

ApplyResult Controller::apply(const std::vector<SetParam>& batch) {
    return apply_batch(batch, true);
}

ApplyResult Controller::apply_initial(const std::vector<SetParam>& batch) {
    return apply_batch(batch, false);
}

ApplyResult Controller::apply_batch(const std::vector<SetParam>& batch, bool guard) {
    if (batch.empty()) throw CommandError(ErrorKind::Malformed, "the batch is empty");
    std::lock_guard lock(mutex_);
    // Every item is checked before anything changes; the tree checks the whole (constraints).
    std::vector<params::ParamChange> changes;
    const SetParam* item = nullptr;
    try {
        stage_plugins(batch, item);
        item = nullptr;
        for (const SetParam& p : batch) {
            item = &p;
            const ParamIndex i = require(p.path);
            check_available(i);
            changes.push_back(parse_change(iface_.params(), i, p.value));
            check_choice_present(changes.back());
        }
        item = nullptr;
        ApplyResult result = apply_guarded(changes, guard);
        iface_.unstage_plugins();  // nothing is left staged once applied; this is a guard
        return result;
    } catch (const params::ParamError& e) {
        iface_.unstage_plugins();
        if (!item)  // a constraint on the whole: the value of the item it names
            for (const SetParam& p : batch)
                if (p.path == e.path()) item = &p;
        rethrow(e, item ? std::optional<Value>(item->value) : std::nullopt);
    } catch (...) {
        iface_.unstage_plugins();
        throw;
    }
}

void Controller::stage_plugins(const std::vector<SetParam>& batch, const SetParam*& item) {
    // The plugins the batch loads, first: the batch may set their controls, which exist
    // only once the plugin is made.
    std::vector<engine::Interface::PluginLoad> loads;
    for (const SetParam& p : batch) {
        const auto i = iface_.params().find(p.path);
        const int slot = i ? iface_.plugin_slot_of(*i) : -1;
        if (slot < 0) continue;
        item = &p;
        check_available(*i);
        loads.push_back(
            {static_cast<size_t>(slot), parse_change(iface_.params(), *i, p.value).text});
    }
    item = nullptr;  // a plugin that cannot load: the error names its slot's path
    if (!loads.empty()) iface_.stage_plugins(loads);
}

std::vector<std::string> Controller::meter_ids() const {
    std::vector<std::string> ids;
    for (const auto& s : iface_.layout().sources)
        ids.push_back(s.id);
    for (const auto& name : iface_.output_channel_names())
        ids.push_back(name);
    return ids;
}

MeterSnapshot Controller::meters() const {
    std::vector<dsp::MeterReading> readings;
    std::lock_guard lock(mutex_);
    iface_.engine().read_meters(readings);
    const auto ids = meter_ids();
    const size_t source_count = iface_.layout().sources.size();
    MeterSnapshot m;
    for (size_t k = 0; k < ids.size() && k < readings.size(); ++k) {
        if (!meter_present(k)) continue;  // a channel the rate does not carry has no meter
        const auto& r = readings[k];
        (k < source_count ? m.inputs : m.outputs)
            .push_back({ids[k], meter_dbfs(r.peak), meter_dbfs(r.rms), meter_dbfs(r.peak_hold),
                        clip_lit(k, r.clips)});
        add_gain_reduction(k, (k < source_count ? m.inputs : m.outputs).back());
    }
    return m;
}

void Controller::add_gain_reduction(size_t meter, MeterChannel& channel) const {
    const auto& tree = iface_.params();
    const auto& layout = iface_.layout();
    auto on = [&](params::ParamIndex i) { return i >= 0 && tree.value(i) != 0.0; };
    const size_t sources = layout.sources.size();
    const auto& engine = iface_.engine();
    if (meter < sources) {
        const auto& ids = layout.input_strips[meter];
        if (on(ids.comp_on)) channel.comp_gr_db = engine.compressor_gain_reduction_db(meter);
        if (on(ids.gate_on)) channel.gate_gr_db = engine.gate_gain_reduction_db(meter);
        return;
    }
    const auto& first = engine.layout().output_first_channel;
    const size_t ch = meter - sources;
    for (size_t o = first.size(); o-- > 0;) {
        if (ch < static_cast<size_t>(first[o])) continue;
        if (on(layout.output_strips[o].limiter_on))
            channel.limiter_gr_db = engine.limiter_gain_reduction_db(o);
        return;
    }
}

bool Controller::meter_present(size_t meter) const {
    const size_t sources = iface_.layout().sources.size();
    return meter < sources ? iface_.presence().source_present(meter)
                           : iface_.output_channel_present(meter - sources);
}

bool Controller::clip_lit(size_t meter, std::uint32_t clips) const {
    const std::uint32_t base = meter < clip_base_.size() ? clip_base_[meter] : 0;
    return clips > (clips < base ? 0 : base);  // fewer than at the clear: the engine was rebuilt
}

std::vector<std::string> Controller::clear_clips(const std::string& id) {
    std::vector<dsp::MeterReading> readings;
    std::lock_guard lock(mutex_);
    iface_.engine().read_meters(readings);
    const auto ids = meter_ids();
    clip_base_.resize(readings.size(), 0);
    std::vector<std::string> cleared;
    for (size_t k = 0; k < ids.size() && k < readings.size(); ++k) {
        // "main" names both main.L and main.R.
        const bool match = id.empty() || ids[k] == id || ids[k].rfind(id + ".", 0) == 0;
        if (!match || !meter_present(k)) continue;
        clip_base_[k] = readings[k].clips;
        cleared.push_back(ids[k]);
    }
    if (cleared.empty())
        throw CommandError(
            ErrorKind::UnknownPath,
            fmt::format("{}: no such channel (inputs are in1…, outputs main, hp1…)", id), id);
    return cleared;
}

Status Controller::status() const {
    std::vector<dsp::MeterReading> readings;
    std::lock_guard lock(mutex_);
    iface_.engine().read_meters(readings);
    const auto ids = meter_ids();
    Status st;
    for (size_t k = 0; k < ids.size() && k < readings.size(); ++k)
        if (meter_present(k) && clip_lit(k, readings[k].clips)) st.clips.push_back(ids[k]);
    const auto& w = iface_.warnings();
    st.events.assign(w.end() - std::min<ptrdiff_t>(20, std::ssize(w)), w.end());
    st.backend = backend_;
    st.device = iface_.spec().id;
    st.rate_hz = backend_.rate_hz ? backend_.rate_hz : iface_.sample_rate_hz();
    st.held_phantom = held_phantom_;
    st.clock = iface_.clock();
    st.save_error = save_error_;
    st.state_notice = state_notice_;
    st.surfaces = surfaces_;
    // Only the paths the rate carries (S/MUX: adat5-8 are gone at 96 kHz), as the meters.
    const auto& presence = iface_.presence();
    for (size_t o = 0; o < iface_.spec().outputs.size(); ++o)
        if (presence.output_present(o))
            st.output_latency_frames.emplace_back(iface_.spec().outputs[o].id,
                                                  iface_.output_latency_frames(o));
    for (size_t s = 0; s < iface_.hardware_input_count(); ++s) {
        if (!presence.source_present(s)) continue;
        st.input_latency_frames.emplace_back(iface_.layout().sources[s].id,
                                             iface_.input_latency_frames(s));
        st.input_compensation_frames.push_back(iface_.input_compensation_frames(s));
    }
    for (size_t s = iface_.hardware_input_count(); s < iface_.layout().sources.size(); ++s) {
        st.playback_latency_frames.emplace_back(iface_.layout().sources[s].id,
                                                iface_.input_latency_frames(s));
        st.playback_compensation_frames.push_back(iface_.input_compensation_frames(s));
    }
    st.latency_compensate = iface_.latency_compensation_on();
    st.uptime_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    return st;
}

void Controller::set_save_error(const std::string& error) {
    std::lock_guard lock(mutex_);
    save_error_ = error;
}

void Controller::set_state_notice(const std::string& notice) {
    std::lock_guard lock(mutex_);
    state_notice_ = notice;
}

void Controller::set_backend_status(const BackendStatus& s) {
    std::lock_guard lock(mutex_);
    backend_ = s;
}

void Controller::set_surface_status(const SurfaceStatus& s) {
    std::lock_guard lock(mutex_);
    for (auto& known : surfaces_)
        if (known.name == s.name) {
            known = s;
            return;
        }
    surfaces_.push_back(s);
}

void Controller::tick(std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (glides_.empty()) return;
    const auto& tree = iface_.params();
    std::vector<params::ParamChange> steps;
    for (const auto& g : glides_) {
        const double t =
            std::chrono::duration<double>(now - g.start).count() / Controller::kRecallRiseS;
        const double gain = t >= 1.0 ? g.to_gain : g.from_gain + (g.to_gain - g.from_gain) * t;
        double db = gain > 0.0 ? units::gain_to_db(gain) : -INFINITY;
        const auto& s = tree.schema(g.index);
        db = std::clamp(db, s.min, s.max);
        if (t >= 1.0) db = std::clamp(units::gain_to_db(g.to_gain), s.min, s.max);
        steps.push_back({g.index, db});
    }
    std::erase_if(glides_, [&](const Glide& g) {
        return std::chrono::duration<double>(now - g.start).count() >= Controller::kRecallRiseS;
    });
    try {
        apply_locked(steps, false);
    } catch (const params::ParamError&) {
        glides_.clear();  // a constraint refused the step: stop gliding rather than fight it
    }
}

void Controller::load(const session::Session& s, const std::string& file) {
    std::lock_guard lock(mutex_);
    if (s.snapshots.size() > kMaxSnapshots)
        throw session::SessionError(fmt::format("{}: {} snapshots (at most {} are kept)", file,
                                                s.snapshots.size(), kMaxSnapshots));
    decltype(snapshots_) snapshots;
    for (const auto& [name, params] : s.snapshots) {
        if (const std::string problem = snapshot_name_problem(name); !problem.empty())
            throw session::SessionError(
                fmt::format("{}: snapshots: '{}' is not a snapshot name: "
                            "{} (a name is {})",
                            file, replace_invalid_utf8(name), problem, kSnapshotNameForm));
        if (auto twin = snapshots.find(name); twin != snapshots.end())
            throw session::SessionError(
                fmt::format("{}: snapshots: '{}' and '{}' are one name (snapshot names differ in "
                            "more than case)",
                            file, twin->first, name));
        snapshots.emplace(name, params);
    }
    held_plugin_params_ = session::apply_session(s, iface_, file);
    if (s.connections && patchbay_) {
        try {
            patchbay_->restore(*s.connections);
        } catch (const backend::PatchbayError& e) {
            throw session::SessionError(fmt::format("{}: connections: {}", file, e.what()));
        }
    }
    kept_connections_ = s.connections;
    snapshots_ = std::move(snapshots);
    midi_bindings_ = s.midi;
    ++revision_;
}

session::Session Controller::capture() const {
    std::lock_guard lock(mutex_);
    session::Session s = session::capture_session(iface_);
    // A plugin that could not load keeps its settings in the state while its slot stays empty.
    for (const auto& [path, value] : held_plugin_params_) {
        const auto choice = iface_.params().find(params::plugin_slot_of_path(path) + "/plugin");
        if (choice && iface_.params().text(*choice).empty()) s.params.emplace(path, value);
    }
    s.snapshots.insert(snapshots_.begin(), snapshots_.end());
    s.midi = midi_bindings_;
    s.connections = patchbay_ ? patchbay_->saved() : kept_connections_;
    if (!s.connections) s.connections = kept_connections_;
    return s;
}

void Controller::attach_midi(MidiSurface* midi) {
    std::lock_guard lock(mutex_);
    midi_ = midi;
}

MidiSurface* Controller::midi() const {
    std::lock_guard lock(mutex_);
    return midi_;
}

void Controller::set_midi_bindings(const nlohmann::json& bindings) {
    std::lock_guard lock(mutex_);
    if (bindings == midi_bindings_) return;
    midi_bindings_ = bindings;
    ++revision_;
}

nlohmann::json Controller::midi_bindings() const {
    std::lock_guard lock(mutex_);
    return midi_bindings_;
}

std::uint64_t Controller::revision() const {
    std::lock_guard lock(mutex_);
    // Both only count up: their sum changes whenever either does.
    return revision_ + (patchbay_ ? patchbay_->revision() : 0);
}

std::uint64_t Controller::changes_since(std::uint64_t after, std::vector<Change>& out,
                                        bool& lost) const {
    std::lock_guard lock(mutex_);
    lost = !change_log_.empty() && change_log_.front().seq > after + 1;
    // Sequence numbers in the log are consecutive: start at the first one after `after`
    // (each push reads only what is new, however long the log).
    const std::uint64_t first = change_log_.empty() ? 0 : change_log_.front().seq;
    const std::uint64_t skip = after + 1 > first ? after + 1 - first : 0;
    for (auto it = change_log_.begin() +
                   static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(skip, change_log_.size()));
         it != change_log_.end(); ++it)
        out.push_back(*it);
    return change_seq_;
}

}  // namespace phantom::control
