#include "phantom/control/controller.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "phantom/control/spec_sheet.hpp"
#include "phantom/units/levels.hpp"

namespace phantom::control {

using nlohmann::json;
using params::ParamIndex;

namespace {

// Meters go out in dBFS, floored so that silence is a plain number for every client.
constexpr double kMeterFloorDbfs = -150.0;

double meter_dbfs(float linear) {
    if (linear <= 0.0f) return kMeterFloorDbfs;
    return std::max(kMeterFloorDbfs, std::round(units::gain_to_db(linear) * 100.0) / 100.0);
}

int status_of(params::ParamErrorKind kind) {
    switch (kind) {
        case params::ParamErrorKind::UnknownPath:
            return 404;
        case params::ParamErrorKind::Conflict:
            return 409;
        case params::ParamErrorKind::WrongType:
        case params::ParamErrorKind::OutOfRange:
            return 422;
    }
    return 422;
}

}  // namespace

Controller::Controller(engine::Interface& iface, bool analog_available)
    : iface_(iface), analog_available_(analog_available) {}

ParamIndex Controller::require(const std::string& path) const {
    auto i = iface_.params().find(path);
    if (!i)
        throw ControlError(404, {{"error", fmt::format("{}: no such parameter (see GET "
                                                       "/api/params for the list)",
                                                       path)},
                                 {"path", path}});
    return *i;
}

void Controller::check_available(ParamIndex i) const {
    const auto& s = iface_.params().schema(i);
    if (s.analog_only && !analog_available_)
        throw ControlError(
            409, {{"error", fmt::format("{}: not available on this hardware (on JACK the preamp, "
                                        "pad and 48 V are the sound card's own controls)",
                                        s.path)},
                  {"path", s.path}});
}

void Controller::rethrow(const params::ParamError& e, const json& value) const {
    json body = {{"error", e.what()}, {"path", e.path()}, {"value", value}};
    if (auto i = iface_.params().find(e.path()))
        body["allowed"] = params::allowed_values(iface_.params().schema(*i));
    throw ControlError(status_of(e.kind()), body);
}

double Controller::parse_value(ParamIndex i, const json& value) const {
    try {
        // Text as typed on a command line ("on", "-6", "off") is read as the CLI reads it.
        if (value.is_string() && iface_.params().schema(i).type != params::ParamType::Choice)
            return iface_.params().parse_text(i, value.get<std::string>());
        return iface_.params().parse_json(i, value);
    } catch (const params::ParamError& e) {
        rethrow(e, value);
    }
}

json Controller::param_locked(ParamIndex i) const {
    const auto& s = iface_.params().schema(i);
    json j = param_json(iface_.params(), i);  // path, type, value, range or choices, default
    j["allowed"] = params::allowed_values(s);
    if (s.analog_only) j["available"] = analog_available_;
    return j;
}

json Controller::device() const {
    std::lock_guard lock(mutex_);
    json j = spec_sheet_json(iface_.spec());
    j["sample_rate_hz"] = iface_.sample_rate_hz();
    j["capture_channels"] = iface_.capture_channel_names();
    j["output_channels"] = iface_.output_channel_names();
    // What the virtual hardware plays into each input: the panel asks before 48 V goes onto a
    // passive ribbon.
    json sources = json::array();
    const auto& layout = iface_.layout();
    for (size_t s = 0; s < layout.sources.size(); ++s) {
        const auto& spec = iface_.source(s);
        if (!spec) continue;
        sources.push_back({{"id", layout.sources[s].id},
                           {"source", spec->text},
                           {"passive_ribbon", spec->transducer == analog::Transducer::Ribbon}});
    }
    j["sources"] = sources;
    return j;
}

json Controller::params(const std::string& prefix) const {
    std::lock_guard lock(mutex_);
    const auto& tree = iface_.params();
    json list = json::array();
    for (size_t i = 0; i < tree.size(); ++i) {
        const auto& path = tree.schema(static_cast<ParamIndex>(i)).path;
        if (path.compare(0, prefix.size(), prefix) == 0)
            list.push_back(param_locked(static_cast<ParamIndex>(i)));
    }
    if (list.empty())
        throw ControlError(404, {{"error", fmt::format("{}: no parameter has this prefix", prefix)},
                                 {"path", prefix}});
    return list;
}

json Controller::param(const std::string& path) const {
    std::lock_guard lock(mutex_);
    return param_locked(require(path));
}

json Controller::apply_locked(const std::vector<params::ParamChange>& changes, bool cancel_glides) {
    const auto changed = iface_.apply(changes);  // throws ParamError, nothing applied
    json out = json::array();
    for (ParamIndex i : changed) {
        json note = {{"path", iface_.params().schema(i).path},
                     {"value", iface_.params().to_json(i)}};
        out.push_back(note);
        change_log_.emplace_back(++change_seq_, note);
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
    return {{"changed", out}};
}

json Controller::glide_large_rises(std::vector<params::ParamChange>& changes) {
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
    json gliding = json::array();
    for (const auto& g : rises) {
        std::erase_if(glides_, [&](const Glide& old) { return old.index == g.index; });
        glides_.push_back(g);
        gliding.push_back(tree.schema(g.index).path);
    }
    return gliding;
}

json Controller::apply_guarded(std::vector<params::ParamChange> changes) {
    iface_.params().check(changes);  // nothing glides from a batch that is refused
    json gliding = glide_large_rises(changes);
    json result = apply_locked(changes, true);
    result["gliding"] = gliding;
    return result;
}

json Controller::set(const std::string& path, const json& value) {
    std::lock_guard lock(mutex_);
    const ParamIndex i = require(path);
    check_available(i);
    std::vector<params::ParamChange> changes{{i, parse_value(i, value)}};
    try {
        return apply_guarded(changes);
    } catch (const params::ParamError& e) {
        rethrow(e, value);
    }
}

json Controller::apply_batch(const json& batch) {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, json>> items;
    if (batch.is_object()) {
        for (const auto& [path, value] : batch.items())
            items.emplace_back(path, value);
    } else if (batch.is_array()) {
        for (const auto& item : batch) {
            if (!item.is_object() || !item.contains("path") || !item["path"].is_string() ||
                !item.contains("value"))
                throw ControlError(400, {{"error",
                                          "a batch item must be {\"path\": \"/…\", "
                                          "\"value\": …}"},
                                         {"value", item}});
            items.emplace_back(item["path"].get<std::string>(), item["value"]);
        }
    } else {
        throw ControlError(400, {{"error",
                                  "a batch is an object {\"/path\": value, …} or an "
                                  "array of {\"path\", \"value\"}"},
                                 {"value", batch}});
    }
    if (items.empty()) throw ControlError(400, {{"error", "the batch is empty"}});
    // Every item is checked before anything changes; the tree checks the whole (constraints).
    std::vector<params::ParamChange> changes;
    for (const auto& [path, value] : items) {
        const ParamIndex i = require(path);
        check_available(i);
        changes.push_back({i, parse_value(i, value)});
    }
    try {
        return apply_guarded(changes);
    } catch (const params::ParamError& e) {
        json value;
        for (const auto& [path, v] : items)
            if (path == e.path()) value = v;
        rethrow(e, value);
    }
}

std::vector<std::string> Controller::meter_ids() const {
    std::vector<std::string> ids;
    for (const auto& s : iface_.layout().sources)
        ids.push_back(s.id);
    for (const auto& name : iface_.output_channel_names())
        ids.push_back(name);
    return ids;
}

json Controller::meters() const {
    std::vector<dsp::MeterReading> readings;
    std::lock_guard lock(mutex_);
    iface_.engine().read_meters(readings);
    const auto ids = meter_ids();
    const size_t source_count = iface_.layout().sources.size();
    json in = json::array(), out = json::array();
    for (size_t k = 0; k < ids.size() && k < readings.size(); ++k) {
        const auto& r = readings[k];
        (k < source_count ? in : out)
            .push_back({{"id", ids[k]},
                        {"peak_dbfs", meter_dbfs(r.peak)},
                        {"rms_dbfs", meter_dbfs(r.rms)},
                        {"hold_dbfs", meter_dbfs(r.peak_hold)},
                        {"clip", clip_lit(k, r.clips)}});
    }
    return {{"inputs", in}, {"outputs", out}};
}

bool Controller::clip_lit(size_t meter, std::uint32_t clips) const {
    const std::uint32_t base = meter < clip_base_.size() ? clip_base_[meter] : 0;
    return clips > (clips < base ? 0 : base);  // fewer than at the clear: the engine was rebuilt
}

json Controller::clear_clips(const std::string& id) {
    std::vector<dsp::MeterReading> readings;
    std::lock_guard lock(mutex_);
    iface_.engine().read_meters(readings);
    const auto ids = meter_ids();
    clip_base_.resize(readings.size(), 0);
    json cleared = json::array();
    for (size_t k = 0; k < ids.size() && k < readings.size(); ++k) {
        // "main" names both main.L and main.R.
        const bool match = id.empty() || ids[k] == id || ids[k].rfind(id + ".", 0) == 0;
        if (!match) continue;
        clip_base_[k] = readings[k].clips;
        cleared.push_back(ids[k]);
    }
    if (cleared.empty())
        throw ControlError(404, {{"error", fmt::format("{}: no such channel (inputs are "
                                                       "in1…, outputs main, hp1…)",
                                                       id)},
                                 {"value", id}});
    return {{"cleared", cleared}};
}

json Controller::status() const {
    std::vector<dsp::MeterReading> readings;
    std::lock_guard lock(mutex_);
    iface_.engine().read_meters(readings);
    const auto ids = meter_ids();
    json clips = json::array();
    for (size_t k = 0; k < ids.size() && k < readings.size(); ++k)
        if (clip_lit(k, readings[k].clips)) clips.push_back(ids[k]);
    const auto& w = iface_.warnings();
    json events(
        std::vector<std::string>(w.end() - std::min<ptrdiff_t>(20, std::ssize(w)), w.end()));
    const double rate = backend_.rate_hz ? backend_.rate_hz : iface_.sample_rate_hz();
    return {{"backend", backend_.backend},
            {"state", backend_.state},
            {"message", backend_.message},
            {"device", iface_.spec().id},
            {"rate_hz", rate},
            {"frames", backend_.frames},
            {"latency_frames", backend_.latency_frames},
            {"latency_ms", std::round(backend_.latency_frames / rate * 1e5) / 100.0},
            {"dsp_load_percent", std::round(backend_.dsp_load * 1e4) / 100.0},
            {"xruns", backend_.xruns},
            {"record_overruns", backend_.record_overruns},
            {"clips", clips},
            {"held_phantom", held_phantom_},
            {"events", events},
            {"state_notice", state_notice_},
            {"save_error", save_error_},
            {"uptime_s",
             std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count()}};
}

void Controller::set_backend_status(const BackendStatus& s) {
    std::lock_guard lock(mutex_);
    backend_ = s;
}

void Controller::set_state_notice(std::string text) {
    std::lock_guard lock(mutex_);
    state_notice_ = std::move(text);
}

void Controller::set_save_error(std::string text) {
    std::lock_guard lock(mutex_);
    save_error_ = std::move(text);
}

json Controller::snapshot_names() const {
    std::lock_guard lock(mutex_);
    json names = json::array();
    for (const auto& [name, _] : snapshots_)
        names.push_back(name);
    return names;
}

json Controller::snapshot(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = snapshots_.find(name);
    if (it == snapshots_.end())
        throw ControlError(
            404, {{"error", fmt::format("no snapshot named '{}'", name)}, {"name", name}});
    return {{"name", name}, {"params", it->second}};
}

void Controller::check_snapshot_name(const std::string& name) const {
    const bool ok_name =
        !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
        });
    if (!ok_name)
        throw ControlError(422, {{"error", fmt::format("'{}' is not a snapshot name", name)},
                                 {"name", name},
                                 {"allowed", "1 to 64 letters, digits, '-', '_' or '.'"}});
}

json Controller::rename_snapshot(const std::string& from, const std::string& to) {
    std::lock_guard lock(mutex_);
    auto it = snapshots_.find(from);
    if (it == snapshots_.end())
        throw ControlError(
            404, {{"error", fmt::format("no snapshot named '{}'", from)}, {"name", from}});
    check_snapshot_name(to);
    if (to == from) return {{"renamed", from}, {"to", to}};
    if (snapshots_.count(to))
        throw ControlError(409, {{"error", fmt::format("a snapshot named '{}' exists already: "
                                                       "delete it first",
                                                       to)},
                                 {"name", to}});
    auto node = snapshots_.extract(it);
    node.key() = to;
    snapshots_.insert(std::move(node));
    ++revision_;
    return {{"renamed", from}, {"to", to}};
}

json Controller::save_snapshot(const std::string& name) {
    std::lock_guard lock(mutex_);
    check_snapshot_name(name);
    const auto& tree = iface_.params();
    std::map<std::string, json> state;
    for (size_t i = 0; i < tree.size(); ++i) {
        auto index = static_cast<ParamIndex>(i);
        if (!tree.is_default(index)) state[tree.schema(index).path] = tree.to_json(index);
    }
    snapshots_[name] = std::move(state);
    ++revision_;
    return {{"saved", name}};
}

std::vector<ParamIndex> Controller::guarded_volumes(std::vector<ParamIndex>& mutes) const {
    // Volumes whose rise a recall glides in, each with the switch that silences it: every
    // output's own volume and mute, and the monitor controller's volume (muted by mute or dim).
    const auto& layout = iface_.layout();
    std::vector<ParamIndex> volumes;
    mutes.clear();
    for (const auto& o : layout.outputs) {
        if (o.volume < 0) continue;
        volumes.push_back(o.volume);
        mutes.push_back(o.mute);
    }
    if (layout.monitor.volume >= 0) {
        volumes.push_back(layout.monitor.volume);
        mutes.push_back(layout.monitor.mute);
        volumes.push_back(layout.monitor.volume);
        mutes.push_back(layout.monitor.dim);
    }
    return volumes;
}

json Controller::recall_snapshot(const std::string& name) {
    std::lock_guard lock(mutex_);
    auto it = snapshots_.find(name);
    if (it == snapshots_.end())
        throw ControlError(
            404, {{"error", fmt::format("no snapshot named '{}'", name)}, {"name", name}});
    const auto& tree = iface_.params();
    std::vector<params::ParamChange> changes;
    try {
        changes = session::full_state_changes(it->second, tree);
    } catch (const params::ParamError& e) {
        rethrow(e, nullptr);
    }
    std::map<ParamIndex, double> wanted;
    for (const auto& c : changes)
        wanted[c.index] = c.value;
    auto current = [&](ParamIndex i) { return tree.value(i); };
    auto target = [&](ParamIndex i) { return wanted.count(i) ? wanted[i] : current(i); };

    // 48 V stays off where the snapshot would switch it on.
    json held = json::array();
    for (const auto& in : iface_.layout().inputs) {
        if (in.phantom < 0 || current(in.phantom) != 0.0 || target(in.phantom) == 0.0) continue;
        wanted.erase(in.phantom);
        const std::string& path = tree.schema(in.phantom).path;
        if (std::find(held_phantom_.begin(), held_phantom_.end(), path) == held_phantom_.end())
            held_phantom_.push_back(path);
        held.push_back(path);
    }

    // Rising volumes start where they are (or from silence, if a mute or dim lifts) and glide.
    std::vector<ParamIndex> mutes;
    const auto volumes = guarded_volumes(mutes);
    std::map<ParamIndex, double> glide_to;
    for (size_t k = 0; k < volumes.size(); ++k) {
        const ParamIndex v = volumes[k];
        const bool unmuting = mutes[k] >= 0 && current(mutes[k]) != 0.0 && target(mutes[k]) == 0.0;
        const double to = glide_to.count(v) ? glide_to[v] : target(v);
        if (!unmuting && to <= current(v)) continue;
        glide_to[v] = to;
        wanted[v] = unmuting ? -INFINITY : std::min(current(v), wanted.count(v) ? wanted[v] : to);
    }
    std::vector<params::ParamChange> safe;
    for (const auto& [i, v] : wanted)
        if (v != current(i)) safe.push_back({i, v});
    json result;
    // The snapshot says where every parameter goes: a glide still running from before would
    // carry one past it. (If the recall is refused below, stopping is still the safe side.)
    glides_.clear();
    try {
        result = apply_locked(safe, true);
    } catch (const params::ParamError& e) {
        rethrow(e, nullptr);
    }
    const auto now = std::chrono::steady_clock::now();
    json gliding = json::array();
    for (const auto& [v, to] : glide_to) {
        glides_.push_back({v, units::db_to_gain(tree.value(v)), units::db_to_gain(to), now});
        gliding.push_back(tree.schema(v).path);
    }
    result["recalled"] = name;
    result["held_phantom"] = held;
    result["gliding"] = gliding;
    return result;
}

void Controller::delete_snapshot(const std::string& name) {
    std::lock_guard lock(mutex_);
    if (snapshots_.erase(name) == 0)
        throw ControlError(
            404, {{"error", fmt::format("no snapshot named '{}'", name)}, {"name", name}});
    ++revision_;
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
    session::apply_session(s, iface_, file);
    snapshots_ = s.snapshots;
    ++revision_;
}

session::Session Controller::capture() const {
    std::lock_guard lock(mutex_);
    session::Session s = session::capture_session(iface_);
    s.snapshots = snapshots_;
    return s;
}

std::uint64_t Controller::revision() const {
    std::lock_guard lock(mutex_);
    return revision_;
}

std::uint64_t Controller::changes_since(std::uint64_t after, std::vector<json>& out,
                                        bool& lost) const {
    std::lock_guard lock(mutex_);
    lost = !change_log_.empty() && change_log_.front().first > after + 1;
    for (const auto& [seq, note] : change_log_)
        if (seq > after) out.push_back(note);
    return change_seq_;
}

}  // namespace phantom::control
