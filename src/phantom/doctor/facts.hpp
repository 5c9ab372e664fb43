// What the studio doctor's rules read: one plain value gathered on the control thread from the
// meters, the parameter tree, the device description, the analysis tap and the backend's
// status (doctor.cpp). The rules (rules.hpp) are pure functions of it, so each can be tested
// and added on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "phantom/analog/source_spec.hpp"
#include "phantom/backend/live_backend.hpp"
#include "phantom/device/device_spec.hpp"
#include "phantom/engine/clock_lock.hpp"

namespace phantom::doctor {

// Levels below this are "no signal": the virtual hardware has no noise floor, and a real
// converter's is near -120 dBFS; anything played is far above.
inline constexpr double kNoSignalDbfs = -100.0;

struct InputFacts {
    std::string id;  // "in1", "adat3"
    bool analog = false;
    const device::InputSpec* spec = nullptr;  // analog inputs
    // What the virtual world plays into the input, as given (`--source`); none on JACK (the
    // sound card's world is not ours to know) or when nothing is plugged in.
    std::optional<analog::SourceSpec> plugged;
    // Levels over the last seconds (dBFS): the meter's held peak and RMS.
    double peak_dbfs = -150.0, rms_dbfs = -150.0;
    double signal_s = 0.0;      // how long the input has had signal without a break (seconds)
    bool clipping = false;      // the converter clipped within the window
    double over_dbfs = -150.0;  // the largest peak before the converter, in the window
    // The input's controls.
    device::InputMode mode = device::InputMode::Line;
    double gain_db = 0.0;
    bool pad = false, phantom = false, consumer_level = false, polarity = false;
    bool has_mode = false, has_level_switch = false, has_phantom = false, has_pad = false;
    // The mixer: routed = a crosspoint above -inf in any mix; all_routes_muted = every one of
    // those is muted (the first muted path given).
    bool routed = false, all_routes_muted = false;
    std::string muted_path;
    // Analysis of the window (analysed: a full window was there).
    bool analysed = false;
    double dc = 0.0;  // linear
    bool dc_steady = false;
    double hum_hz = 0.0, hum_rms = 0.0, hum_total_rms = 0.0;
    bool ribbon_with_phantom = false;  // plugged ribbon and 48 V on
};

struct PairFacts {
    size_t a = 0, b = 0;  // indices into Facts::inputs
    double correlation = 0.0;
    bool analysed = false;
};

// An output that mirrors another's mix (/output/<id>/mirror), with whether each mix has
// something that plays in it.
struct MirrorFacts {
    std::string output, mirrors;  // "hp2" plays "hp1"'s mix
    bool own_mix_plays = false, mirrored_mix_plays = false;
};

struct ListenFacts {
    bool has_monitor = false;
    std::string main_id = "main";
    bool mute = false, dim = false;
    double dim_db = 0.0, volume_db = 0.0;
    int speakers = 0;  // 0 A, 1 B, 2 AB
    bool has_speakers_b = false;
    std::vector<std::string> outputs_a, outputs_b;  // output ids of each speaker set
    // Inputs with signal whose route into the monitor mix is open (gain above -inf, unmuted).
    std::vector<std::string> heard_in_main;
    // Inputs with signal at all.
    std::vector<std::string> playing;
    double main_peak_dbfs = -150.0;  // the monitor outputs' held peak
    std::vector<MirrorFacts> mirrors;
    // The control room's source (/monitor/source): "main", an output's id ("hp1") or a pair
    // ("in5+in6"), and whether it and the main mix have something that plays.
    std::string room_source = "main";
    bool room_source_plays = false, main_mix_plays = false;
};

// A host path from a loopback capture channel straight back into a playback channel: a JACK
// connection (from/to: the ports), or a host program on the virtual hardware echoing the
// loopback (the fault PB=echo-loopback, which stands in for the host's routing an engineer
// sees in the DAW). in_mix: the playback channel is routed, unmuted, into the mix loopback
// returns, so the loop is closed.
struct LoopbackReturnFacts {
    std::string capture;   // "loopback.L"
    std::string playback;  // "pb1"
    std::string from, to;  // JACK's port names; empty for the virtual host
    bool in_mix = false;
};

struct LoopbackFacts {
    std::string output;  // the output loopback returns ("main"); empty: none
    double output_peak_dbfs = -150.0;
    std::vector<LoopbackReturnFacts> returns;
};

struct SystemFacts {
    backend::BackendStatus status;
    engine::ClockLock clock;
    std::uint64_t xruns_in_window = 0;
    double window_s = 0.0;
    double load_peak = 0.0;  // the highest DSP load seen in the window (0..)
};

struct Facts {
    bool virtual_hardware = true;  // the analog stages are ours (not JACK's sound card)
    double sample_rate_hz = 48000;
    std::vector<InputFacts> inputs;
    std::vector<PairFacts> pairs;
    ListenFacts listen;
    SystemFacts system;
    LoopbackFacts loopback;
};

}  // namespace phantom::doctor
