// Fuzz target: bytes from a MIDI port → MidiParser (and the link's queue, as the JACK process
// callback feeds it). Every message that comes out is in range; the stream parses the same
// whether it arrives in one piece or split into packets anywhere (running status and messages
// carried across JACK events); the queue drops and counts rather than grow.
#include <cstdint>
#include <vector>

#include "phantom/surfaces/midi/midi_link.hpp"
#include "phantom/surfaces/midi/midi_parser.hpp"

namespace {

using namespace phantom::midi;

void require(bool ok) {
    if (!ok) __builtin_trap();
}

struct Seen {
    std::uint8_t kind, channel, data1, data2;
    bool operator==(const Seen&) const = default;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    // The first byte picks the packet length of the split run (1..16 bytes an event).
    const size_t packet = 1 + (data[0] & 0x0F);
    const std::uint8_t* bytes = data + 1;
    const size_t n = size - 1;

    std::vector<Seen> whole, split;
    MidiParser a;
    a.feed(bytes, n, [&](const MidiMessage& m) {
        require(static_cast<int>(m.kind) <= static_cast<int>(MidiKind::PitchBend));
        require(m.channel < 16 && m.data1 < 128 && m.data2 < 128);
        if (m.kind == MidiKind::ProgramChange || m.kind == MidiKind::ChannelPressure)
            require(m.data2 == 0);
        whole.push_back({static_cast<std::uint8_t>(m.kind), m.channel, m.data1, m.data2});
    });
    MidiParser b;
    for (size_t k = 0; k < n; k += packet) {
        const size_t len = k + packet <= n ? packet : n - k;
        b.feed(bytes + k, len, [&](const MidiMessage& m) {
            split.push_back({static_cast<std::uint8_t>(m.kind), m.channel, m.data1, m.data2});
        });
    }
    require(whole == split);
    require(whole.size() <= n);  // a running-status program change is one byte a message
    const MidiParserCounts& c = a.counts();
    require(c.messages == whole.size());

    // Through the link: what comes out of the queue is what the parser made, up to its
    // capacity; the rest is counted as dropped.
    MidiLink link;  // a fresh parser: the link's keeps its state from one call to the next
    MidiMessage m;
    const std::uint64_t dropped0 = link.in_dropped();
    link.midi_in_rt(bytes, n);
    size_t got = 0;
    while (link.pop_in(m)) {
        require(m.channel < 16 && m.data1 < 128 && m.data2 < 128);
        ++got;
    }
    require(got + (link.in_dropped() - dropped0) == whole.size());
    return 0;
}
