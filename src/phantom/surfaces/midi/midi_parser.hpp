// A MIDI 1.0 byte-stream parser for the control-surface port: bytes in, whole channel messages
// out. It keeps its state across calls, so a message split over two JACK events (or two
// cycles) and running status carried from one event to the next both parse as the stream
// means them. What it does with the rest of the stream, per the MIDI 1.0 specification:
//
//  - running status: data bytes after a channel message reuse its status byte;
//  - a status byte that arrives before the message it interrupts is complete drops that
//    message (counted as truncated);
//  - system exclusive (F0 … F7) is skipped whole, however long; any status byte but a
//    real-time one ends it;
//  - system common (F1 F2 F3 F6, and the undefined F4 F5) cancels running status; its data
//    bytes are skipped;
//  - real-time bytes (F8–FF) may come anywhere, even inside another message or a sysex: they
//    are skipped and change nothing;
//  - a data byte with no status to belong to is dropped (counted as stray).
//
// [audio-thread] feed() is wait-free and allocates nothing: a fixed state machine over a few
// bytes. One parser per input port; not shared between threads.
#pragma once

#include <cstddef>
#include <cstdint>

namespace phantom::midi {

enum class MidiKind : std::uint8_t {
    NoteOff,          // 8n key velocity
    NoteOn,           // 9n key velocity (velocity 0 is a note off: see is_release())
    PolyPressure,     // An key pressure
    ControlChange,    // Bn controller value
    ProgramChange,    // Cn program
    ChannelPressure,  // Dn pressure
    PitchBend,        // En lsb msb
};

// One channel message. `channel` 0..15 (MIDI channel 1..16), data 0..127.
struct MidiMessage {
    MidiKind kind = MidiKind::ControlChange;
    std::uint8_t channel = 0;
    std::uint8_t data1 = 0;
    std::uint8_t data2 = 0;  // 0 for the one-data-byte messages

    // Pitch bend's 14-bit value 0..16383 (8192 is the centre).
    int bend() const { return data1 | (data2 << 7); }
    // A note off, or a note on with velocity 0 (its usual running-status form).
    bool is_release() const {
        return kind == MidiKind::NoteOff || (kind == MidiKind::NoteOn && data2 == 0);
    }
};

struct MidiParserCounts {
    std::uint64_t messages = 0;   // channel messages put out
    std::uint64_t truncated = 0;  // a message cut short by a status byte
    std::uint64_t stray = 0;      // data bytes with no status
    std::uint64_t sysex = 0;      // system exclusive messages skipped
    std::uint64_t realtime = 0;   // real-time bytes skipped
    std::uint64_t system = 0;     // system common messages skipped
};

class MidiParser {
  public:
    // [audio-thread] Take one byte; true when it completes a channel message, put in `out`.
    bool feed(std::uint8_t byte, MidiMessage& out);
    // [audio-thread] Take `size` bytes, calling sink(const MidiMessage&) for each message.
    template <typename Sink>
    void feed(const std::uint8_t* bytes, std::size_t size, Sink&& sink) {
        MidiMessage m;
        for (std::size_t k = 0; k < size; ++k)
            if (feed(bytes[k], m)) sink(m);
    }
    // Forget any message in progress and the running status (the port was disconnected).
    void reset();
    const MidiParserCounts& counts() const { return counts_; }

  private:
    enum class State : std::uint8_t { Idle, Channel, Sysex, SystemData };

    State state_ = State::Idle;
    std::uint8_t status_ = 0;  // running status (a channel status byte), 0 if none
    std::uint8_t needed_ = 0;  // data bytes the message in progress takes
    std::uint8_t have_ = 0;    // data bytes it has
    std::uint8_t data_[2] = {0, 0};
    MidiParserCounts counts_;
};

}  // namespace phantom::midi
