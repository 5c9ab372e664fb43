// Offline render on the virtual hardware: the engine driven as fast as the machine allows,
// block by block, with recordings written between blocks. The same Engine::process() as live.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "phantom/engine/interface.hpp"

namespace phantom::app {

// What to record: an output id ("main", "line1"), a capture channel id ("in1", "adat3"),
// "loopback", or a folder for every channel of a kind: "capture" (one mono file per capture
// channel) or "outputs" (one file per output).
struct RecordRequest {
    std::string what;
    std::string path;
};

struct RenderOptions {
    std::uint64_t frames = 0;
    int block_frames = 256;
    int bits = 32;
    std::vector<RecordRequest> records;
    std::function<void(double fraction)> progress;  // called a few times a second at most
};

struct OutputPeak {
    std::string channel;
    float peak = 0;
    std::uint32_t clips = 0;
};

struct RenderSummary {
    std::uint64_t frames = 0;
    double seconds = 0;
    double wall_seconds = 0;
    std::vector<OutputPeak> outputs;
    std::vector<OutputPeak> inputs;
    std::vector<std::string> files;
    std::vector<std::string> warnings;
};

// Throws std::invalid_argument for a bad record request (nothing is written then) and
// std::runtime_error for a write failure (temp files removed, no partial output).
RenderSummary render_offline(engine::Interface& iface, const RenderOptions& options);

}  // namespace phantom::app
