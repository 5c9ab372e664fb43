// Recording while running, as the command layer sees it: start recordings of any tap (the
// forms of `render --record`: an output, a capture channel, loopback, capture=DIR/,
// outputs=DIR/), list them, stop one. Implemented by the live run on the virtual hardware
// (app/live_recordings.hpp); absent on JACK, where the DAW records Phantom's ports.
//
// [control-thread] Called by the Controller under its lock.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace phantom::control {

struct RecordingInfo {
    std::uint64_t id = 0;
    std::string what;  // "main", "in1", "loopback"
    std::string path;  // where the file goes when stopped
    double seconds = 0;
};

class Recorder {
  public:
    virtual ~Recorder() = default;
    // Every request is resolved before any starts (all or nothing). Throws
    // std::invalid_argument naming the request (a channel the rate does not carry, a folder
    // that cannot be made …).
    virtual std::vector<RecordingInfo> start(
        const std::vector<std::pair<std::string, std::string>>& requests) = 0;
    // The file renamed into place; throws std::out_of_range (no such id) or std::runtime_error
    // (the recording failed: why).
    virtual RecordingInfo stop(std::uint64_t id) = 0;
    virtual std::vector<RecordingInfo> list() const = 0;
};

}  // namespace phantom::control
