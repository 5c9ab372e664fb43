#include "phantom/surfaces/midi/midi_link.hpp"

namespace phantom::midi {

void MidiLink::midi_in_rt(const std::uint8_t* bytes, std::size_t size) {
    parser_.feed(bytes, size, [this](const MidiMessage& m) {
        if (!in_.try_enqueue(m)) in_dropped_.fetch_add(1, std::memory_order_relaxed);
    });
    const MidiParserCounts& c = parser_.counts();
    malformed_.store(c.truncated + c.stray, std::memory_order_relaxed);
    skipped_.store(c.sysex + c.system + c.realtime, std::memory_order_relaxed);
}

std::size_t MidiLink::midi_out_peek_rt(std::uint8_t* out) {
    const MidiOut* m = out_.peek();
    if (!m) return 0;
    for (std::uint8_t k = 0; k < m->size; ++k)
        out[k] = m->bytes[k];
    return m->size;
}

void MidiLink::midi_out_pop_rt() {
    out_.pop();
}

bool MidiLink::push_out(const MidiOut& m) {
    if (out_.try_enqueue(m)) return true;
    out_dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
}

}  // namespace phantom::midi
