// DeviceSpec: what an interface *is*: its inputs with their front-end controls, its digital
// I/O, its outputs and their roles, host channels, monitor features. An immutable, validated
// value built by parse_device(); everything downstream (parameter tree, engine plan, CLI spec
// sheet) is generated from it, so no module has per-device code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace phantom::device {

enum class InputKind { Mic, Combo, Line };  // Combo: XLR mic + TRS line/instrument
enum class InputMode { Mic, Inst, Line };
enum class DigitalFormat { Adat, Spdif };
enum class OutputRole { Monitor, Line, Headphone };
enum class SpeakerSet { None, A, B };

// Rate families of digital audio: 1x = 44.1/48 kHz, 2x = 88.2/96 kHz, 4x = 176.4/192 kHz.
enum class RateFamily { Single = 0, Double = 1, Quad = 2 };
RateFamily rate_family(std::uint32_t sample_rate_hz);

struct InputSpec {
    std::string id;
    std::string label;
    InputKind kind = InputKind::Line;
    std::string connector;
    bool has_preamp = false;
    double gain_min_db = 0.0;
    double gain_max_db = 0.0;
    double pad_db = 0.0;              // 0: no pad switch
    bool phantom = false;             // has a 48 V switch
    std::string phantom_group;        // inputs sharing one 48 V switch; empty: its own
    double hiz_ohm = 0.0;             // instrument input impedance; 0: no Hi-Z mode
    double mic_impedance_ohm = 3000;  // load seen by a microphone
    double line_impedance_ohm = 10000;
    bool level_switch = false;     // +4 dBu / -10 dBV reference switch
    double full_scale_dbu = 18.0;  // 0 dBFS at +4 dBu reference, no pad, 0 dB gain

    std::vector<InputMode> modes() const;
    // A +4 dBu / -10 dBV switch: a line input's if the description gives it one; a combo
    // input's always, for its line (TRS) path, in force in line mode only.
    bool has_level_switch() const { return level_switch || kind == InputKind::Combo; }
    bool level_switch_in_force(InputMode mode) const {
        return kind == InputKind::Combo ? mode == InputMode::Line : level_switch;
    }
};

// A digital port (ADAT, S/PDIF): mono input channels <prefix>1..N and stereo output pairs
// <prefix>1-2, 3-4, … ; how many are live depends on the sample rate.
struct DigitalPortSpec {
    std::string id;  // "adat", "spdif"
    std::string label;
    DigitalFormat format = DigitalFormat::Adat;
    bool input = true;
    bool output = true;
    int channels[3] = {0, 0, 0};  // by RateFamily

    int max_channels() const { return channels[0]; }
    int channels_at(std::uint32_t sample_rate_hz) const;
};

struct HeadphoneAmpSpec {
    double output_impedance_ohm = 10.0;
    double max_level_dbu = 17.0;  // open-circuit RMS at 0 dBFS
};

struct OutputSpec {
    std::string id;
    std::string label;
    OutputRole role = OutputRole::Line;
    int channels = 2;
    SpeakerSet speaker_set = SpeakerSet::None;
    bool own_mix = true;         // false: can only mirror another output
    std::string default_mirror;  // "" = plays its own mix
    double full_scale_dbu = 18.0;
    std::optional<HeadphoneAmpSpec> amp;
    // Digital outputs are generated from a DigitalPortSpec.
    std::string digital_port;
    int digital_first_channel = 0;  // 0-based within the port
};

struct HostSpec {
    int capture = 0;   // capture channels fed by the inputs, in input order
    int playback = 0;  // playback channels pb1..pbN, sources of every mix
    int loopback = 0;  // extra capture channels carrying a chosen output
};

struct MonitorSpec {
    double dim_db = -20.0;
    std::string talkback_input;   // "" = no talkback
    bool direct_monitor = false;  // a desktop interface's off/mono/stereo direct switch
};

struct DeviceSpec {
    std::string id;
    std::string name;
    std::string source_file;
    std::vector<std::uint32_t> sample_rates;
    std::uint32_t default_rate = 48000;
    std::vector<std::string> clock_sources;
    int midi_inputs = 0;
    int midi_outputs = 0;

    std::vector<InputSpec> analog_inputs;
    std::vector<DigitalPortSpec> digital_ports;
    std::vector<OutputSpec> outputs;  // analog outputs then digital output pairs
    HostSpec host;
    MonitorSpec monitor;

    bool supports_rate(std::uint32_t sample_rate_hz) const;
    const InputSpec* analog_input(const std::string& id) const;
    const OutputSpec* output(const std::string& id) const;
    int output_index(const std::string& id) const;  // -1 if none
    // The outputs output `index` may mirror: every other output with a mix of its own. Built
    // on demand: kept in every output, the lists grew with the square of the outputs.
    std::vector<std::string> mirror_targets(size_t index) const;
};

const char* to_string(InputKind kind);
const char* to_string(InputMode mode);
const char* to_string(OutputRole role);
const char* to_string(DigitalFormat format);
const char* to_string(SpeakerSet set);

}  // namespace phantom::device
