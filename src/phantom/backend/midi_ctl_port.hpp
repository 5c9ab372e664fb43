// The audio thread's side of the control-surface MIDI ports (midi_ctl_in, midi_ctl_out): a
// backend that has MIDI ports hands each cycle's incoming bytes to a handler and asks it for
// the bytes to send. The handler (surfaces/midi) parses and queues; the backend only moves
// bytes, so it knows nothing of MIDI's meaning and nothing above it in the layout.
#pragma once

#include <cstddef>
#include <cstdint>

namespace phantom::backend {

class MidiCtlHandler {
  public:
    virtual ~MidiCtlHandler() = default;
    // [audio-thread] The bytes of one incoming event, in order. Wait-free, no allocation.
    virtual void midi_in_rt(const std::uint8_t* bytes, std::size_t size) = 0;
    // [audio-thread] The next message to send: its size (1..3 bytes) in `out`, or 0 when there
    // is none. peek then pop, so that a message the port had no room for is sent next cycle.
    virtual std::size_t midi_out_peek_rt(std::uint8_t* out) = 0;
    virtual void midi_out_pop_rt() = 0;
};

}  // namespace phantom::backend
