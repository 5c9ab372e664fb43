#include "status_latency_text.hpp"

#include <fmt/format.h>

namespace phantom::cli {

using nlohmann::json;

std::string status_latency_text(const json& status) {
    if (!status.contains("latency")) return "";
    const json& l = status["latency"];
    auto frames_ms = [](const json& frames, const json& ms) {
        return fmt::format("{} frames ({:.2f} ms)", frames.get<int>(), ms.get<double>());
    };
    std::string out = fmt::format("latency   capture {}, playback {}; Phantom's own per path:\n",
                                  frames_ms(l["capture_frames"], l["capture_ms"]),
                                  frames_ms(l["playback_frames"], l["playback_ms"]));
    // Inputs: the ones that add latency by name, the rest in one word (most add none).
    int quiet = 0;
    for (const auto& [id, in] : l["inputs"].items()) {
        if (in["frames"].get<int>() == 0) {
            ++quiet;
            continue;
        }
        out += fmt::format("  {:<7} +{}\n", id, frames_ms(in["frames"], in["ms"]));
    }
    if (quiet > 0)
        out += fmt::format("  {:<7} +0 frames on {} input{}\n", "inputs", quiet,
                           quiet == 1 ? "" : "s");
    for (const auto& [id, o] : l["outputs"].items())
        out += fmt::format("  {:<7} +{}, round trip {}\n", id, frames_ms(o["frames"], o["ms"]),
                           frames_ms(o["round_trip_frames"], o["round_trip_ms"]));
    return out;
}

}  // namespace phantom::cli
