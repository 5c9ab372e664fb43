// The two lock-free queues between the audio thread, which owns the MIDI ports, and the MIDI
// remote on the control thread:
//
//   midi_ctl_in ─► MidiParser ─► in-queue (MidiMessage, 4 bytes) ─► MidiRemote (map, apply)
//   midi_ctl_out ◄─ out-queue (1..3 bytes) ◄─ MidiRemote (feedback from the change feed)
//
// Both are moodycamel ReaderWriterQueues sized at construction: try_enqueue never allocates,
// and a full queue drops the message and counts it (the audio thread never waits; the
// remote, seeing the count move, releases its held momentary controls, as a lost note-off
// could otherwise leave talkback on).
#pragma once

#include <readerwriterqueue/readerwriterqueue.h>

#include <atomic>
#include <cstdint>

#include "phantom/backend/midi_ctl_port.hpp"
#include "phantom/surfaces/midi/midi_parser.hpp"

namespace phantom::midi {

struct MidiOut {
    std::uint8_t size = 0;
    std::uint8_t bytes[3] = {0, 0, 0};
};

class MidiLink final : public backend::MidiCtlHandler {
  public:
    // At least 4096 messages (the queue rounds up to a power of two): 400 ms of a 10 000
    // messages/s flood, held between two control-thread polls 5 ms apart.
    static constexpr std::size_t kInCapacity = 4096;
    static constexpr std::size_t kOutCapacity = 1024;

    MidiLink() : in_(kInCapacity), out_(kOutCapacity) {}

    // [audio-thread] backend::MidiCtlHandler
    void midi_in_rt(const std::uint8_t* bytes, std::size_t size) override;
    std::size_t midi_out_peek_rt(std::uint8_t* out) override;
    void midi_out_pop_rt() override;

    // [control-thread] The next parsed message, if any.
    bool pop_in(MidiMessage& m) { return in_.try_dequeue(m); }
    // [control-thread] Queue a message for the controller; false (counted) when full.
    bool push_out(const MidiOut& m);

    // [any-thread] Counters, relaxed.
    std::uint64_t in_dropped() const { return in_dropped_.load(std::memory_order_relaxed); }
    std::uint64_t out_dropped() const { return out_dropped_.load(std::memory_order_relaxed); }
    std::uint64_t malformed() const { return malformed_.load(std::memory_order_relaxed); }
    std::uint64_t skipped() const { return skipped_.load(std::memory_order_relaxed); }

  private:
    MidiParser parser_;  // the audio thread's own
    moodycamel::ReaderWriterQueue<MidiMessage> in_;
    moodycamel::ReaderWriterQueue<MidiOut> out_;
    std::atomic<std::uint64_t> in_dropped_{0}, out_dropped_{0};
    std::atomic<std::uint64_t> malformed_{0};  // truncated messages and stray data bytes
    std::atomic<std::uint64_t> skipped_{0};    // sysex, system common and real-time, not used
};

}  // namespace phantom::midi
