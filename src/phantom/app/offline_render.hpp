// Offline render on the virtual hardware: the engine driven as fast as the machine allows,
// block by block, with recordings written between blocks. The same Engine::process() as live.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "phantom/app/record_request.hpp"
#include "phantom/engine/interface.hpp"

namespace phantom::app {

struct RenderOptions {
    std::uint64_t frames = 0;
    int block_frames = 256;
    int bits = 32;
    std::vector<RecordRequest> records;
    std::function<void(double fraction)> progress;  // called a few times a second at most
    // When the job began (before the session and its sources were opened): the wall time
    // reported runs from here to the last byte written. Unset: from the start of render_offline.
    std::optional<std::chrono::steady_clock::time_point> started;
};

struct OutputPeak {
    std::string channel;
    float peak = 0;
    std::uint32_t clips = 0;
};

struct RenderSummary {
    std::uint64_t frames = 0;
    double seconds = 0;
    // Start (options.started) to the last byte written and the files committed: opening,
    // decoding, rate conversion, mixing and writing all count.
    double wall_seconds = 0;
    double setup_seconds = 0;  // of which before the first block (opening the session, sources)
    std::vector<OutputPeak> outputs;
    std::vector<OutputPeak> inputs;
    std::vector<std::string> files;
    std::vector<std::string> warnings;
};

// Throws std::invalid_argument for a bad record request (nothing is written then) and
// std::runtime_error for a write failure (temp files removed, no partial output).
RenderSummary render_offline(engine::Interface& iface, const RenderOptions& options);

}  // namespace phantom::app
