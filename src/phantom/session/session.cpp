#include "phantom/session/session.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>

#include "phantom/io/atomic_file.hpp"
#include "phantom/params/plugin_params.hpp"
#include "phantom/session/json_depth.hpp"

namespace phantom::session {

namespace {

constexpr int kFormatVersion = 1;

std::pair<size_t, size_t> line_column(const std::string& text, size_t byte) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

// "/mix/OUT/SRC/solo": the per-mix solo, gone since solo became the control room's.
bool is_retired_mix_solo(const std::string& path) {
    constexpr std::string_view kPrefix = "/mix/", kSuffix = "/solo";
    if (path.size() <= kPrefix.size() + kSuffix.size() || path.rfind(kPrefix, 0) != 0 ||
        path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0)
        return false;
    const std::string middle =
        path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
    const auto slash = middle.find('/');
    return slash != std::string::npos && slash > 0 && slash + 1 < middle.size() &&
           middle.find('/', slash + 1) == std::string::npos;
}

// Leaves the retired parameters out of `params`; says which, once, in `notices`.
void drop_retired(std::map<std::string, nlohmann::json>& params, const std::string& where,
                  std::vector<std::string>& notices) {
    std::vector<std::string> dropped;
    for (auto it = params.begin(); it != params.end();)
        if (is_retired_mix_solo(it->first)) {
            dropped.push_back(it->first);
            it = params.erase(it);
        } else {
            ++it;
        }
    if (dropped.empty()) return;
    notices.push_back(fmt::format(
        "{}: {} per-mix solo{} left out ({}{}): solo is the control room's now and changes no "
        "mix (/solo/<id>, /monitor/solo_mode)",
        where, dropped.size(), dropped.size() == 1 ? "" : "s", dropped.front(),
        dropped.size() > 1 ? " …" : ""));
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_connections(const nlohmann::json& value,
                                                                   const std::string& where) {
    if (!value.is_array())
        throw SessionError(fmt::format(
            "{}: connections: expected an array of {{\"from\": port, \"to\": port}}", where));
    if (value.size() > kMaxConnections)
        throw SessionError(fmt::format("{}: connections: {} of them (at most {} are kept)", where,
                                       value.size(), kMaxConnections));
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t k = 0; k < value.size(); ++k) {
        const auto& c = value[k];
        auto port = [&](const char* field) {
            if (!c.is_object() || !c.contains(field) || !c[field].is_string())
                throw SessionError(fmt::format(
                    "{}: connections[{}]: expected {{\"from\": \"client:port\", \"to\": "
                    "\"client:port\"}}",
                    where, k));
            std::string name = c[field].get<std::string>();
            const auto colon = name.find(':');
            if (name.size() > kMaxPortNameBytes || colon == 0 || colon == std::string::npos ||
                colon + 1 == name.size())
                throw SessionError(fmt::format(
                    "{}: connections[{}].{}: '{}' is not a port name (client:port, at most {} "
                    "bytes)",
                    where, k, field, name.substr(0, 80), kMaxPortNameBytes));
            return name;
        };
        std::string from = port("from");
        std::string to = port("to");
        out.emplace_back(std::move(from), std::move(to));
        if (c.size() != 2)
            throw SessionError(fmt::format(
                "{}: connections[{}]: only \"from\" and \"to\" belong there", where, k));
    }
    return out;
}

nlohmann::json connections_to_json(const std::vector<std::pair<std::string, std::string>>& list) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [from, to] : list)
        out.push_back({{"from", from}, {"to", to}});
    return out;
}

Session read_session(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw SessionError(fmt::format("{}: cannot open the session file", path));
    // Never more than the limit and one byte: the path may be a pipe or /dev/zero.
    std::string text(kMaxSessionBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (in.bad()) throw SessionError(fmt::format("{}: cannot read the session file", path));
    text.resize(static_cast<size_t>(in.gcount()));
    return parse_session_text(text, path);
}

Session parse_session_text(const std::string& text, const std::string& path) {
    if (text.size() > kMaxSessionBytes)
        throw SessionError(fmt::format("{}: more than {} MiB; a session file is never that large",
                                       path, kMaxSessionBytes >> 20));
    if (auto at = find_nesting_beyond(text, kMaxSessionDepth)) {
        auto [line, column] = line_column(text, *at);
        throw SessionError(fmt::format(
            "{}:{}:{}: nested more than {} levels deep (a session nests 4: snapshots, a "
            "snapshot, its parameters, a value)",
            path, line, column, kMaxSessionDepth));
    }
    nlohmann::json doc;
    try {
        doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        auto [line, column] = line_column(text, e.byte > 0 ? e.byte - 1 : 0);
        std::string what = e.what();
        if (auto pos = what.find("parse error"); pos != std::string::npos) what = what.substr(pos);
        throw SessionError(fmt::format("{}:{}:{}: not valid JSON: {}", path, line, column, what));
    } catch (const nlohmann::json::exception& e) {
        // out_of_range 406: a number beyond double (1e400); nlohmann gives no position.
        std::string what = e.what();
        if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
        throw SessionError(fmt::format("{}: not valid JSON: {}", path, what));
    }
    if (!doc.is_object()) throw SessionError(fmt::format("{}: expected a JSON object", path));
    Session s;
    for (const auto& [key, value] : doc.items()) {
        if (key == "phantom_session") {
            if (!value.is_number_integer() || value != kFormatVersion)
                throw SessionError(
                    fmt::format("{}: phantom_session: expected {}", path, kFormatVersion));
        } else if (key == "device") {
            if (!value.is_string())
                throw SessionError(fmt::format("{}: device: expected a string", path));
            s.device = value.get<std::string>();
        } else if (key == "params") {
            if (!value.is_object())
                throw SessionError(
                    fmt::format("{}: params: expected an object of path: value", path));
            for (const auto& [p, v] : value.items())
                s.params[p] = v;
        } else if (key == "sources") {
            if (!value.is_object())
                throw SessionError(
                    fmt::format("{}: sources: expected an object of channel: source", path));
            for (const auto& [ch, src] : value.items()) {
                if (!src.is_string())
                    throw SessionError(fmt::format("{}: sources.{}: expected a string", path, ch));
                s.sources[ch] = src.get<std::string>();
            }
        } else if (key == "snapshots") {
            if (!value.is_object())
                throw SessionError(
                    fmt::format("{}: snapshots: expected an object of name: params", path));
            for (const auto& [name, params] : value.items()) {
                if (!params.is_object())
                    throw SessionError(fmt::format(
                        "{}: snapshots.{}: expected an object of path: value", path, name));
                auto& snapshot = s.snapshots[name];
                for (const auto& [p, v] : params.items())
                    snapshot[p] = v;
            }
        } else if (key == "midi") {
            if (!value.is_array())
                throw SessionError(fmt::format("{}: midi: expected an array of bindings", path));
            for (const auto& b : value)
                if (!b.is_object())
                    throw SessionError(
                        fmt::format("{}: midi: expected an array of binding objects", path));
            s.midi = value;
        } else if (key == "connections") {
            s.connections = parse_connections(value, path);
        } else {
            throw SessionError(
                fmt::format("{}: unknown key '{}' (expected phantom_session, "
                            "device, params, sources, snapshots, midi, connections)",
                            path, key));
        }
    }
    if (s.device.empty())
        throw SessionError(fmt::format("{}: device: required field is missing", path));
    drop_retired(s.params, path + ": params", s.notices);
    for (auto& [name, snapshot] : s.snapshots)
        drop_retired(snapshot, fmt::format("{}: snapshots.{}", path, name), s.notices);
    return s;
}

namespace {

// The refusal of engine::Interface's rule on a linked pair's plugins: a conflict named at a
// /link/<id> or at a slot's /plugin (no other rule of the tree names those).
bool pair_plugin_conflict(const params::ParamError& e) {
    return e.kind() == params::ParamErrorKind::Conflict &&
           (e.path().rfind("/link/", 0) == 0 || params::is_plugin_choice_path(e.path()));
}

// Why `slot` cannot hold a plugin under `session`: it is the second input's of a pair the
// session links (a linked pair's plugins are its first input's), or "".
std::string linked_second_problem(const Session& session, const engine::Interface& iface,
                                  size_t slot) {
    const auto& layout = iface.layout();
    const size_t s = slot / static_cast<size_t>(params::kPluginSlots);
    if (slot >= params::first_output_plugin_slot(layout) || s == 0) return "";
    const params::ParamIndex link = layout.source_links[s - 1];
    if (link < 0) return "";
    const std::string& link_path = iface.params().schema(link).path;
    const auto named = session.params.find(link_path);
    const bool linked =
        named != session.params.end() ? named->second == true : iface.params().value(link) != 0.0;
    if (!linked) return "";
    return fmt::format("{}: {} is linked with {} ({}): a linked pair's plugins are {}'s",
                       params::plugin_slot_base(layout, iface.spec(), slot), layout.sources[s].id,
                       layout.sources[s - 1].id, link_path, layout.sources[s - 1].id);
}

// The plugins a session loads, staged (engine::Interface::stage_plugins); returns the slots
// ("/input/in1/insert/2/") whose plugin cannot load, each told as a note: one not installed
// here, or one in a slot the session's own link empties (a session saved before that rule).
std::vector<std::string> stage_session_plugins(const Session& session, engine::Interface& iface,
                                               const std::string& file) {
    std::vector<engine::Interface::PluginLoad> loads;
    std::vector<std::string> dropped;
    for (const auto& [path, value] : session.params) {
        const auto i = iface.params().find(path);
        const int slot = i ? iface.plugin_slot_of(*i) : -1;
        if (slot < 0 || !value.is_string() || value.get<std::string>().empty()) continue;
        std::string uri;
        try {  // the rules every surface applies to a URI (length, control characters)
            uri = iface.params().check_text(*i, value.get<std::string>());
        } catch (const params::ParamError& e) {
            throw SessionError(fmt::format("{}: {}", file, e.what()));
        }
        std::string problem = linked_second_problem(session, iface, static_cast<size_t>(slot));
        if (problem.empty()) problem = iface.plugin_problem(static_cast<size_t>(slot), uri);
        if (!problem.empty()) {
            iface.note(fmt::format("{}: {}; the slot is left empty and its settings dropped", file,
                                   problem));
            dropped.push_back(path.substr(0, path.size() - std::string("plugin").size()));
            // "/input/in1/insert/1/": its choice and its controls are held back
            continue;
        }
        loads.push_back({static_cast<size_t>(slot), uri});
    }
    try {
        iface.stage_plugins(loads);
    } catch (const params::ParamError& e) {
        throw SessionError(fmt::format("{}: {}", file, e.what()));
    }
    return dropped;
}

}  // namespace

std::map<std::string, nlohmann::json> apply_session(const Session& session,
                                                    engine::Interface& iface,
                                                    const std::string& file) {
    if (session.device != iface.spec().id)
        throw SessionError(fmt::format("{}: the session is for device '{}', not '{}'", file,
                                       session.device, iface.spec().id));
    std::vector<params::ParamChange> changes;
    const auto& tree = iface.params();
    // A plugin that cannot load here (not installed, say) is told, and the rest of the session
    // loads: its slot stays empty and the settings of its controls are dropped.
    const std::vector<std::string> dropped = stage_session_plugins(session, iface, file);
    auto in_dropped_slot = [&](const std::string& path) {
        return std::any_of(dropped.begin(), dropped.end(), [&](const std::string& base) {
            return path.compare(0, base.size(), base) == 0;
        });
    };
    try {
        for (const auto& [path, value] : session.params) {
            if (in_dropped_slot(path)) continue;
            params::ParamIndex i = tree.require(path);
            changes.push_back(tree.change_from_json(i, value));
        }
        // Validate the whole batch (constraints included) on a copy before touching anything.
        params::ParamTree probe = tree;
        probe.apply(changes);
    } catch (const params::ParamError& e) {
        iface.unstage_plugins();
        throw SessionError(fmt::format("{}: {}", file, e.what()));
    }
    for (const auto& [name, params] : session.snapshots) {
        try {
            (void)full_state_changes(params, tree);
        } catch (const params::ParamError& e) {
            // A snapshot at odds with a linked pair's plugins (taken before the link, say) is
            // kept: its recall is refused, naming the slot, while the conflict lasts.
            if (pair_plugin_conflict(e)) {
                iface.note(fmt::format("{}: snapshots.{}: {} (its recall is refused until then)",
                                       file, name, e.what()));
                continue;
            }
            iface.unstage_plugins();
            throw SessionError(fmt::format("{}: snapshots.{}: {}", file, name, e.what()));
        }
    }
    // Sources load files and may fail: check them all first on a scratch interface.
    const std::vector<std::pair<std::string, std::string>> sources(session.sources.begin(),
                                                                   session.sources.end());
    if (!sources.empty()) {
        engine::Interface scratch(iface.spec(), iface.sample_rate_hz(), 16);
        try {
            scratch.set_sources(sources, engine::AbsentChannel::Keep);
        } catch (const engine::SourceError& e) {
            iface.unstage_plugins();
            throw SessionError(fmt::format("{}: sources: {}", file, e.what()));
        }
    }
    iface.apply(changes);
    iface.set_sources(sources, engine::AbsentChannel::Keep);
    for (const auto& notice : session.notices)
        iface.note(notice);
    std::map<std::string, nlohmann::json> held;
    for (const auto& [path, value] : session.params)
        if (in_dropped_slot(path)) held[path] = value;
    return held;
}

bool in_snapshots(const params::ParamSchema& schema) {
    // A plugin slot's choice is kept as a mark of whose controls the snapshot holds (never
    // recalled itself: full_state_changes).
    if (schema.type == params::ParamType::String) return params::is_plugin_choice_path(schema.path);
    return schema.path.rfind("/solo/", 0) != 0;
}

std::vector<params::ParamChange> full_state_changes(
    const std::map<std::string, nlohmann::json>& params, const params::ParamTree& tree) {
    std::vector<double> wanted(tree.size());
    for (size_t i = 0; i < tree.size(); ++i)
        wanted[i] = tree.schema(static_cast<params::ParamIndex>(i)).default_value;
    // Names and the control room's listening are not a snapshot's: never recalled; nor is a
    // slot's choice of plugin (a recall does not load plugins mid-performance).
    auto is_name = [&](params::ParamIndex i) {
        return tree.schema(i).type == params::ParamType::String || !in_snapshots(tree.schema(i));
    };
    // A slot whose plugin is not the one the snapshot was saved with: its controls are left
    // alone, neither set from the snapshot (they belong to another plugin) nor reset.
    std::map<std::string, std::string> saved_plugin;  // slot → URI ("" unless saved)
    for (const auto& [path, value] : params)
        if (params::is_plugin_choice_path(path) && value.is_string())
            saved_plugin[params::plugin_slot_of_path(path)] = value.get<std::string>();
    auto foreign = [&](const std::string& path) {
        const std::string slot = params::plugin_slot_of_path(path);
        if (slot.empty() || !params::is_plugin_control_path(path)) return false;
        const auto choice = tree.find(slot + "/plugin");
        const std::string now = choice ? tree.text(*choice) : std::string();
        const auto saved = saved_plugin.find(slot);
        return (saved == saved_plugin.end() ? std::string() : saved->second) != now;
    };
    for (const auto& [path, value] : params) {
        if (foreign(path)) continue;
        // A control of a plugin no longer loaded in its slot: nothing to set.
        if (params::is_plugin_control_path(path) && !tree.find(path)) continue;
        params::ParamIndex i = tree.require(path);
        if (is_name(i)) continue;
        wanted[static_cast<size_t>(i)] = tree.parse_json(i, value);
    }
    std::vector<params::ParamChange> changes;
    for (size_t i = 0; i < tree.size(); ++i)
        if (tree.live(static_cast<params::ParamIndex>(i)) &&
            !is_name(static_cast<params::ParamIndex>(i)) && wanted[i] != tree.values()[i] &&
            !foreign(tree.schema(static_cast<params::ParamIndex>(i)).path))
            changes.push_back({static_cast<params::ParamIndex>(i), wanted[i]});
    params::ParamTree probe = tree;
    probe.apply(changes);  // constraints: the state as a whole must be valid
    return changes;
}

Session capture_session(const engine::Interface& iface) {
    Session s;
    s.device = iface.spec().id;
    const auto& tree = iface.params();
    for (size_t i = 0; i < tree.size(); ++i) {
        auto index = static_cast<params::ParamIndex>(i);
        if (tree.live(index) && !tree.is_default(index))
            s.params[tree.schema(index).path] = tree.to_json(index);
    }
    for (size_t src = 0; src < iface.layout().sources.size(); ++src)
        if (const auto& spec = iface.source(src))
            s.sources[iface.layout().sources[src].id] = spec->text;
    return s;
}

std::string session_to_json(const Session& session) {
    nlohmann::json doc;
    doc["phantom_session"] = kFormatVersion;
    doc["device"] = session.device;
    doc["params"] = nlohmann::json::object();
    for (const auto& [path, value] : session.params)
        doc["params"][path] = value;
    if (!session.sources.empty()) doc["sources"] = session.sources;
    if (!session.snapshots.empty()) doc["snapshots"] = session.snapshots;
    if (session.midi.is_array() && !session.midi.empty()) doc["midi"] = session.midi;
    if (session.connections) doc["connections"] = connections_to_json(*session.connections);
    return doc.dump(2) + "\n";
}

void save_session(const Session& session, const std::string& path) {
    io::write_file_atomically(path, session_to_json(session));
}

}  // namespace phantom::session
