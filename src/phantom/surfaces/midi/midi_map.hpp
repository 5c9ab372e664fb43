// A MIDI mapping: which control of a controller drives which parameter, and how. Read from a
// TOML file (`phantom start --midi-map FILE`) or a shipped profile (`--midi-map mackie`,
// `--midi-map knob`, from midi-maps/, found like devices/). A bad file is refused with
// file:line:column, the field and what was expected (device::DescriptionError).
//
//   name = "Monitor knob"
//   [[binding]]
//   control = "cc"          # cc | cc14 | note | pitchbend
//   channel = 1             # 1..16
//   number = 7              # controller or note number (cc14: the MSB's, 0..31; LSB = +32)
//   path = "/monitor/volume"  # or: snapshot = 1 (recall the first of snapshot_names())
//   mode = "absolute"       # absolute | relative | relative_signed | toggle | momentary
//   soft_takeover = true    # absolute: take effect only once the control passes the value
//   feedback = true         # send the value back (LED, motor fader, ring)
//   on = "B"                # toggle/momentary on a choice: the value for "on" (off = "A")
//   step = 0.01             # relative: fader travel (0..1) per encoder tick
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "phantom/control/value.hpp"

namespace phantom::midi {

enum class ControlKind : std::uint8_t { Cc, Cc14, Note, PitchBend };
enum class MapMode : std::uint8_t {
    Absolute,        // position 0..1 of a knob or fader
    Relative,        // an encoder, two's complement: 1..63 up, 127..65 down (127 = -1)
    RelativeSigned,  // an encoder, sign and magnitude: 1..63 up, 65..127 down (65 = -1)
    Toggle,          // a press flips the switch; the release does nothing
    Momentary,       // on while held
};

const char* to_string(ControlKind kind);
const char* to_string(MapMode mode);

struct MidiControl {
    ControlKind kind = ControlKind::Cc;
    std::uint8_t channel = 0;  // 0..15
    std::uint8_t number = 0;   // controller / note; 0 for pitch bend

    bool operator==(const MidiControl&) const = default;
};
// "cc 7 ch 1", "note 93 ch 1", "pitchbend ch 9", "cc14 1/33 ch 1"
std::string describe(const MidiControl& control);

struct Binding {
    MidiControl control;
    std::string path;  // a parameter; empty for a snapshot recall
    int snapshot = 0;  // 1-based index into the controller's snapshot_names(); 0: none
    MapMode mode = MapMode::Absolute;
    bool soft_takeover = true;
    bool feedback = true;
    std::optional<control::Value> on, off;  // toggle/momentary values (default true/false)
    double step = 1.0 / 128.0;              // relative: position per tick
    bool learned = false;                   // made by learn (saved with the state)
    std::string where;                      // "mackie.toml:12" for messages
};

struct MidiMap {
    std::string name;
    std::string file;
    std::vector<Binding> bindings;
};

// [control-thread] Parse a mapping; device::DescriptionError on any mistake. Paths are not
// checked against a device here (the remote does, naming `where`).
MidiMap parse_midi_map_text(const std::string& text, const std::string& file);
MidiMap read_midi_map(const std::string& file);

// Where the shipped profiles live: $PHANTOM_MIDI_MAPS_DIR, else the build's midi-maps/.
std::string midi_maps_dir();
std::vector<std::string> list_midi_profiles();
// A profile name ("mackie") or a file path (anything with a '/' or ending in .toml).
MidiMap load_midi_map(const std::string& name_or_path);

}  // namespace phantom::midi
