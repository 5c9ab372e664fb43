#include "status_latency_text.hpp"

#include <fmt/format.h>

#include <map>

namespace phantom::cli {

using nlohmann::json;

namespace {

std::string frames_ms(const json& frames, const json& ms) {
    return fmt::format("{} frames ({:.2f} ms)", frames.get<int>(), ms.get<double>());
}

// One kind of source (the inputs, the playback channels): the ones that add latency by name, each
// with what compensation adds; the rest (most add none) in one line per compensation, with
// their names when compensation holds them back.
std::string sources_text(const json& sources, const char* kind, const char* label) {
    std::string out;
    struct Group {
        int count = 0;
        std::string ids;
        double ms = 0.0;
    };
    std::map<int, Group> quiet;  // by compensation frames
    for (const auto& [id, in] : sources.items()) {
        const int added = in.value("compensation_frames", 0);
        if (in["frames"].get<int>() == 0) {
            Group& g = quiet[added];
            ++g.count;
            g.ids += (g.ids.empty() ? "" : " ") + id;
            g.ms = in.value("compensation_ms", 0.0);
            continue;
        }
        out += fmt::format("  {:<7} +{}", id, frames_ms(in["frames"], in["ms"]));
        if (added > 0)
            out += fmt::format(", +{} compensation",
                               frames_ms(in["compensation_frames"], in["compensation_ms"]));
        out += "\n";
    }
    for (const auto& [added, g] : quiet) {
        out += fmt::format("  {:<7} +0 frames on {} {}{}", label, g.count, kind,
                           g.count == 1 ? "" : "s");
        if (added > 0)
            out += fmt::format(", +{} compensation: {}", frames_ms(json(added), json(g.ms)), g.ids);
        out += "\n";
    }
    return out;
}

}  // namespace

std::string status_latency_text(const json& status) {
    if (!status.contains("latency")) return "";
    const json& l = status["latency"];
    std::string out = fmt::format("latency   capture {}, playback {}; Phantom's own per path:\n",
                                  frames_ms(l["capture_frames"], l["capture_ms"]),
                                  frames_ms(l["playback_frames"], l["playback_ms"]));
    out += sources_text(l["inputs"], "input", "inputs");
    if (l.contains("playback")) out += sources_text(l["playback"], "channel", "playback");
    for (const auto& [id, o] : l["outputs"].items())
        out += fmt::format("  {:<7} +{}, round trip {}\n", id, frames_ms(o["frames"], o["ms"]),
                           frames_ms(o["round_trip_frames"], o["round_trip_ms"]));
    if (l.contains("compensate") && l["mixes_frames"].get<int>() > 0) {
        const bool on = l["compensate"].get<bool>();
        const bool aligned = !l.contains("aligned") || l["aligned"].get<bool>();
        out += fmt::format(
            "  {:<7} compensation {}: {}\n", "mixes", on ? "on" : "off",
            !on       ? "each source arrives with its own latency"
            : aligned ? "every source arrives +" + frames_ms(l["mixes_frames"], l["mixes_ms"])
                      : "the slowest path arrives +" + frames_ms(l["mixes_frames"], l["mixes_ms"]) +
                            ", later than compensation can hold the others back (at most 32768 "
                            "frames): they arrive earlier");
    }
    return out;
}

}  // namespace phantom::cli
