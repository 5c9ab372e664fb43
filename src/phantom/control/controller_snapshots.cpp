// Controller: the mixer's snapshots (save, recall with the listener's guards, rename, delete),
// kept apart from the parameter commands in controller.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "phantom/control/controller.hpp"
#include "phantom/params/utf8.hpp"
#include "phantom/units/levels.hpp"

namespace phantom::control {

using nlohmann::json;
using params::ParamIndex;
using params::replace_invalid_utf8;

namespace {

[[noreturn]] void no_snapshot(const std::string& name) {
    throw CommandError(ErrorKind::UnknownPath, fmt::format("no snapshot named '{}'", name), name);
}

}  // namespace

std::vector<std::string> Controller::snapshot_names() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> names;
    for (const auto& [name, _] : snapshots_)
        names.push_back(name);
    return names;
}

Snapshot Controller::snapshot(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = snapshots_.find(name);
    if (it == snapshots_.end()) no_snapshot(name);
    Snapshot snap{name, {}};
    const auto& tree = iface_.params();
    for (const auto& [path, stored] : it->second) {
        // Stored in the session's format; read back through the tree, which checked it on
        // the way in (a path this device does not have is left out).
        const auto i = tree.find(path);
        if (!i || !session::in_snapshots(tree.schema(*i))) continue;  // names, solos: no
        try {
            snap.params.emplace_back(path,
                                     typed_value(tree.schema(*i), tree.parse_json(*i, stored)));
        } catch (const params::ParamError&) {
        }
    }
    return snap;
}

void Controller::check_snapshot_name(const std::string& name) const {
    if (const std::string problem = snapshot_name_problem(name); !problem.empty())
        throw CommandError(
            ErrorKind::OutOfRange,
            fmt::format("'{}' is not a snapshot name: {}", replace_invalid_utf8(name), problem),
            name, Value(replace_invalid_utf8(name)), kSnapshotNameForm);
}

void Controller::rename_snapshot(const std::string& from, const std::string& to) {
    std::lock_guard lock(mutex_);
    auto it = snapshots_.find(from);
    if (it == snapshots_.end()) no_snapshot(from);
    check_snapshot_name(to);
    if (to == it->first) return;
    // "verse" → "Verse" respells the snapshot; a name another snapshot has is refused.
    if (!same_snapshot_name(to, it->first) && snapshots_.count(to))
        throw CommandError(ErrorKind::Conflict,
                           fmt::format("a snapshot named '{}' exists already (names differ in "
                                       "more than case): delete it first",
                                       snapshots_.find(to)->first),
                           to);
    auto node = snapshots_.extract(it);
    node.key() = to;
    snapshots_.insert(std::move(node));
    ++revision_;
}

void Controller::save_snapshot(const std::string& name) {
    std::lock_guard lock(mutex_);
    check_snapshot_name(name);
    if (snapshots_.size() >= kMaxSnapshots && !snapshots_.contains(name))
        throw CommandError(ErrorKind::Conflict,
                           fmt::format("'{}': {} snapshots are kept already; delete one first, or "
                                       "save over one",
                                       name, kMaxSnapshots),
                           name, Value(name));
    const auto& tree = iface_.params();
    std::map<std::string, json> state;
    for (size_t i = 0; i < tree.size(); ++i) {
        auto index = static_cast<ParamIndex>(i);
        // Names belong to the studio and solos to the control room: not kept (in_snapshots).
        if (!tree.live(index) || !session::in_snapshots(tree.schema(index))) continue;
        if (!tree.is_default(index)) state[tree.schema(index).path] = tree.to_json(index);
    }
    // Saving over "verse" as "Verse" keeps the spelling just typed.
    snapshots_.erase(name);
    snapshots_.emplace(name, std::move(state));
    ++revision_;
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

RecallResult Controller::recall_snapshot(const std::string& name) {
    std::lock_guard lock(mutex_);
    auto it = snapshots_.find(name);
    if (it == snapshots_.end()) no_snapshot(name);
    const auto& tree = iface_.params();
    std::vector<params::ParamChange> changes;
    try {
        changes = session::full_state_changes(it->second, tree);
    } catch (const params::ParamError& e) {
        rethrow(e, std::nullopt);
    }
    std::map<ParamIndex, double> wanted;
    for (const auto& c : changes)
        wanted[c.index] = c.value;
    auto current = [&](ParamIndex i) { return tree.value(i); };
    auto target = [&](ParamIndex i) { return wanted.count(i) ? wanted[i] : current(i); };

    // 48 V stays off where the snapshot would switch it on.
    RecallResult result;
    result.recalled = it->first;  // as saved, whatever case it was asked for in
    for (const auto& in : iface_.layout().inputs) {
        if (in.phantom < 0 || current(in.phantom) != 0.0 || target(in.phantom) == 0.0) continue;
        wanted.erase(in.phantom);
        const std::string& path = tree.schema(in.phantom).path;
        if (std::find(held_phantom_.begin(), held_phantom_.end(), path) == held_phantom_.end())
            held_phantom_.push_back(path);
        result.held_phantom.push_back(path);
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
    // The snapshot says where every parameter goes: a glide still running from before would
    // carry one past it. (If the recall is refused below, stopping is still the safe side.)
    glides_.clear();
    try {
        result.changed = apply_locked(safe, true);
    } catch (const params::ParamError& e) {
        rethrow(e, std::nullopt);
    }
    const auto now = std::chrono::steady_clock::now();
    for (const auto& [v, to] : glide_to) {
        glides_.push_back({v, units::db_to_gain(tree.value(v)), units::db_to_gain(to), now});
        result.gliding.push_back(tree.schema(v).path);
    }
    return result;
}

void Controller::delete_snapshot(const std::string& name) {
    std::lock_guard lock(mutex_);
    if (snapshots_.erase(name) == 0) no_snapshot(name);
    ++revision_;
}

}  // namespace phantom::control
