// What the controller answers, typed: every surface formats these its own way (JSON for HTTP
// and the WebSocket, OSC messages, MIDI feedback, text for the CLI).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "phantom/backend/live_backend.hpp"
#include "phantom/control/value.hpp"
#include "phantom/device/device_spec.hpp"
#include "phantom/engine/clock_lock.hpp"
#include "phantom/params/param_schema.hpp"

namespace phantom::control {

// A command: set one parameter. A batch is a list of them, applied all-or-nothing.
struct SetParam {
    std::string path;
    Value value;
};

// One entry of the change feed: every change from any surface, in order.
struct Change {
    std::uint64_t seq = 0;
    std::string path;
    Value value;
};

struct ApplyResult {
    std::vector<Change> changed;
    std::vector<std::string> gliding;  // large rises that glide in (controller.hpp)
};

struct RecallResult {
    std::string recalled;
    std::vector<Change> changed;
    std::vector<std::string> held_phantom;  // 48 V the recall left off
    std::vector<std::string> gliding;
};

// A parameter with its schema. The schema lives as long as the controller (the tree's
// structure never changes after start).
struct ParamInfo {
    const params::ParamSchema* schema = nullptr;
    Value value;
    bool available = true;  // false: an analog control on hardware that has its own
};

// Meters in dBFS, floored at kMeterFloorDbfs so silence is a plain number on every surface.
inline constexpr double kMeterFloorDbfs = -150.0;
struct MeterChannel {
    std::string id;
    double peak_dbfs = kMeterFloorDbfs, rms_dbfs = kMeterFloorDbfs, hold_dbfs = kMeterFloorDbfs;
    bool clip = false;
    // The channel strip's gain reduction in dB (>= 0) over the last block, -1 where that section
    // is off: an input's compressor and gate, an output's limiter.
    double comp_gr_db = -1, gate_gr_db = -1, limiter_gr_db = -1;
};
struct MeterSnapshot {
    std::vector<MeterChannel> inputs, outputs;
};

struct SourceInfo {
    std::string channel;  // "in1"
    std::string text;     // the source as given
    bool passive_ribbon = false;
};
struct DeviceInfo {
    const device::DeviceSpec* spec = nullptr;
    std::uint32_t sample_rate_hz = 0;
    std::vector<std::string> capture_channels, output_channels;
    std::vector<SourceInfo> sources;
};

// A control surface's word for the status (OSC, MIDI): where it listens, what it took and what
// it dropped, so that a tablet or a controller that "does nothing" can be diagnosed.
struct SurfaceStatus {
    std::string name;               // "osc", "midi"
    std::string address;            // "udp://127.0.0.1:7481", "phantom:midi_ctl_in"
    std::string notice;             // off, and why; a port lost
    std::uint64_t received = 0;     // messages taken
    std::uint64_t malformed = 0;    // dropped: not valid for the protocol
    std::uint64_t not_allowed = 0;  // dropped: a sender not on the allow-list
    std::uint64_t refused = 0;      // well formed, refused by the controller (answered)
    std::uint64_t subscribers = 0;  // clients sent feedback now
};

struct Status {
    backend::BackendStatus backend;
    std::string device;
    double rate_hz = 0;
    std::vector<std::string> clips;         // channels whose clip light is lit
    std::vector<std::string> held_phantom;  // 48 V a recall kept off
    std::vector<std::string> events;        // the latest messages for the user
    std::string save_error;                 // the last save failed: why (until one succeeds)
    std::string state_notice;               // the state file at start: set aside, and why
    std::vector<SurfaceStatus> surfaces;    // OSC, MIDI: as each last reported
    double uptime_s = 0;
    // The sample clock's lock (locked / no signal / wrong rate), the one place the status, the
    // panel and the studio doctor read it from.
    engine::ClockLock clock;
    // The latency each output's strip adds (the limiter's lookahead), by output id; 0 for most.
    std::vector<std::pair<std::string, int>> output_latency_frames;
    // The latency each hardware input's strip adds on its way into the mix, by input id.
    std::vector<std::pair<std::string, int>> input_latency_frames;
    // What latency compensation adds to each of those inputs' paths into the mixes (in the
    // same order), so that it arrives with the slowest; /latency/compensate.
    std::vector<int> input_compensation_frames;
    bool latency_compensate = true;
    // The playback channels' own latency and compensation, by channel id (pb1 …).
    std::vector<std::pair<std::string, int>> playback_latency_frames;
    std::vector<int> playback_compensation_frames;
};

struct Snapshot {
    std::string name;
    std::vector<std::pair<std::string, Value>> params;  // what differs from the defaults
};

// A hardware insert's loop, measured (POST /api/inserts/<id>/measure): the delay now set on
// /input/<id>/insert/delay and what the correlation saw.
struct InsertMeasurement {
    std::string input;
    int delay_frames = 0;           // now in force (the refined peak, rounded)
    double delay_exact_frames = 0;  // the peak refined between frames
    int previous_delay_frames = 0;  // what the insert had before
    double gain_db = 0;             // the loop's level, return against send
    bool inverted = false;          // the loop flips the polarity
    double peak_to_floor_db = 0;    // how clearly the peak stood out
};

}  // namespace phantom::control
