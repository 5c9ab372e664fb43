// What the HTTP API (and through it the CLI and the panel) may ask of the MIDI remote: its
// bindings, and learn. The remote (surfaces/midi) implements it and registers itself with the
// controller, so that surfaces/http reaches it without depending on surfaces/midi.
//
// [any-thread] every method; the implementation has its own lock, taken before the
// controller's, never while the controller's is held.
#pragma once

#include <string>
#include <vector>

namespace phantom::control {

struct MidiBindingInfo {
    std::string control;  // "cc 7 ch 1", "note 93 ch 1", "pitchbend ch 9"
    std::string target;   // "/monitor/volume", or "snapshot 1"
    std::string mode;     // absolute | relative | relative_signed | toggle | momentary
    bool learned = false;
    std::string where;  // the map file and line, or "learned"
};

struct MidiInfo {
    std::string port;      // "phantom:midi_ctl_in"
    std::string profile;   // the map's name; "" for none
    std::string learning;  // the path waiting for a control, "" when not learning
    std::vector<MidiBindingInfo> bindings;
};

class MidiSurface {
  public:
    virtual ~MidiSurface() = default;
    virtual MidiInfo midi_info() const = 0;
    // Bind the next control that moves to `path` (throws CommandError: UnknownPath).
    virtual void learn(const std::string& path) = 0;
    virtual void cancel_learn() = 0;
    // Remove the learned bindings of `path`; returns how many.
    virtual size_t forget(const std::string& path) = 0;
};

}  // namespace phantom::control
