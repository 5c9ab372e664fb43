#include "phantom/backend/waiting_summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace phantom::backend {

OwnPortLabel label_own_port(const std::string& port) {
    const std::string local = port.substr(port.find(':') + 1);
    static const std::pair<const char*, const char*> kKinds[] = {
        {"hw_in_", "input"},
        {"hw_out_", "output"},
        {"capture_", "capture channel"},
        {"playback_", "playback channel"},
    };
    for (const auto& [prefix, kind] : kKinds)
        if (local.starts_with(prefix)) return {kind, local.substr(std::string(prefix).size())};
    return {"MIDI port", local};
}

namespace {

// "adat12" → {"adat", 12}; no trailing digits → number -1.
std::pair<std::string, long> split_number(const std::string& name) {
    size_t digits = name.size();
    while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1])))
        --digits;
    if (digits == name.size() || name.size() - digits > 9) return {name, -1};
    return {name.substr(0, digits), std::stol(name.substr(digits))};
}

std::string plural(const std::string& kind, size_t n) {
    if (n == 1) return kind;
    return kind == "MIDI port" ? "MIDI ports" : kind + "s";
}

}  // namespace

std::string fold_channel_runs(const std::vector<std::string>& names) {
    std::vector<std::string> parts;
    for (size_t i = 0; i < names.size();) {
        const auto [stem, first] = split_number(names[i]);
        size_t j = i + 1;
        if (first >= 0)
            while (j < names.size()) {
                const auto [next_stem, number] = split_number(names[j]);
                if (next_stem != stem || number != first + static_cast<long>(j - i)) break;
                ++j;
            }
        parts.push_back(j - i == 1 ? names[i]
                                   : fmt::format("{}{}–{}", stem, first, first + (j - i - 1)));
        i = j;
    }
    return fmt::format("{}", fmt::join(parts, ", "));
}

std::vector<std::string> describe_waiting(
    const std::vector<PortConnection>& entries,
    const std::function<bool(const std::string&)>& is_ours,
    const std::function<bool(const std::string&)>& port_exists) {
    struct Group {
        std::string key;  // the absent client, or a present port not connected yet
        bool present = false;
        size_t connections = 0;
        std::vector<std::pair<std::string, std::vector<std::string>>> by_kind;
    };
    std::vector<Group> groups;
    std::vector<std::string> refused;
    for (const auto& c : entries) {
        if (c.state == "connected") continue;
        if (c.state == "refused") {
            refused.push_back(c.from + " → " + c.to);
            continue;
        }
        const bool from_ours = is_ours(c.from);
        const std::string& peer = from_ours ? c.to : c.from;
        const std::string& mine = from_ours ? c.from : c.to;
        const bool present = port_exists(peer);
        const std::string key = present ? peer : peer.substr(0, peer.find(':'));
        auto group = std::find_if(groups.begin(), groups.end(), [&](const Group& g) {
            return g.key == key && g.present == present;
        });
        if (group == groups.end()) group = groups.insert(groups.end(), {key, present, 0, {}});
        ++group->connections;
        const OwnPortLabel label = label_own_port(mine);
        auto kind = std::find_if(group->by_kind.begin(), group->by_kind.end(),
                                 [&](const auto& k) { return k.first == label.kind; });
        if (kind == group->by_kind.end())
            kind = group->by_kind.insert(group->by_kind.end(), {label.kind, {}});
        if (std::find(kind->second.begin(), kind->second.end(), label.name) == kind->second.end())
            kind->second.push_back(label.name);
    }
    std::vector<std::string> lines;
    for (const Group& g : groups) {
        std::vector<std::string> channels;
        for (const auto& [kind, names] : g.by_kind)
            channels.push_back(plural(kind, names.size()) + " " + fold_channel_runs(names));
        const std::string who = fmt::format("{}", fmt::join(channels, ", "));
        if (g.present)
            lines.push_back(
                fmt::format("{}: '{}' is there but not connected yet (its client is "
                            "not active)",
                            who, g.key));
        else
            lines.push_back(
                fmt::format("{}: '{}' is not connected ({} kept connection{} wait{} "
                            "for it)",
                            who, g.key, g.connections, g.connections == 1 ? "" : "s",
                            g.connections == 1 ? "s" : ""));
    }
    if (!refused.empty())
        lines.push_back(
            fmt::format("refused by the server (direction or type): {}", fmt::join(refused, ", ")));
    return lines;
}

}  // namespace phantom::backend
