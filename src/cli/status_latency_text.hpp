// The latency block of `phantom status`: the backend's capture and playback halves, then what
// Phantom's own processing adds on each path and each output's round trip (from /api/status's
// `latency` object, docs/http-api.md).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace phantom::cli {

// Lines ending in '\n'; "" for an instance too old to send `latency`.
std::string status_latency_text(const nlohmann::json& status);

}  // namespace phantom::cli
