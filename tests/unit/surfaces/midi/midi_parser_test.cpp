// The MIDI 1.0 byte-stream parser. Every expected message is written out by hand from the
// MIDI 1.0 specification (status nibble 8..E = note off, note on, poly pressure, control
// change, program change, channel pressure, pitch bend; low nibble = channel - 1).
#include "phantom/surfaces/midi/midi_parser.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace phantom::midi {
namespace {

struct Got {
    MidiKind kind;
    int channel, data1, data2;
    bool operator==(const Got&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Got& g) {
    return os << "{" << static_cast<int>(g.kind) << " ch" << g.channel << " " << g.data1 << " "
              << g.data2 << "}";
}

std::vector<Got> parse(MidiParser& p, const std::vector<std::uint8_t>& bytes) {
    std::vector<Got> out;
    p.feed(bytes.data(), bytes.size(), [&](const MidiMessage& m) {
        out.push_back({m.kind, m.channel, m.data1, m.data2});
    });
    return out;
}

TEST(MidiParser, ChannelMessagesOfEveryKind) {
    MidiParser p;
    const auto got = parse(p, {
                                  0x80, 60, 64,     // note off, ch 1, C4, velocity 64
                                  0x9F, 60, 100,    // note on, ch 16
                                  0xA2, 61, 5,      // poly pressure, ch 3
                                  0xB0, 7, 127,     // CC 7 = 127, ch 1
                                  0xC4, 12,         // program change 12, ch 5
                                  0xD5, 99,         // channel pressure 99, ch 6
                                  0xE8, 0x00, 0x40  // pitch bend centre (8192), ch 9
                              });
    const std::vector<Got> want = {
        {MidiKind::NoteOff, 0, 60, 64},      {MidiKind::NoteOn, 15, 60, 100},
        {MidiKind::PolyPressure, 2, 61, 5},  {MidiKind::ControlChange, 0, 7, 127},
        {MidiKind::ProgramChange, 4, 12, 0}, {MidiKind::ChannelPressure, 5, 99, 0},
        {MidiKind::PitchBend, 8, 0x00, 0x40}};
    EXPECT_EQ(got, want);
    EXPECT_EQ(p.counts().messages, 7u);
}

TEST(MidiParser, PitchBendIsLsbThenMsb) {
    MidiParser p;
    MidiMessage m;
    // 0x7F 0x7F = 16383 (top); 0x00 0x40 = 8192 (centre); 0x00 0x00 = 0.
    for (std::uint8_t b : {0xE8, 0x7F})
        EXPECT_FALSE(p.feed(b, m));
    ASSERT_TRUE(p.feed(0x7F, m));
    EXPECT_EQ(m.bend(), 16383);
    ASSERT_FALSE(p.feed(0x00, m));
    ASSERT_TRUE(p.feed(0x40, m));  // running status
    EXPECT_EQ(m.bend(), 8192);
}

TEST(MidiParser, RunningStatusAcrossPackets) {
    MidiParser p;
    // One status, then data in later "packets" (JACK events): three CC 7 values.
    auto a = parse(p, {0xB0, 7, 10});
    auto b = parse(p, {7, 20});
    auto c = parse(p, {7});
    auto d = parse(p, {30});
    EXPECT_EQ(a, (std::vector<Got>{{MidiKind::ControlChange, 0, 7, 10}}));
    EXPECT_EQ(b, (std::vector<Got>{{MidiKind::ControlChange, 0, 7, 20}}));
    EXPECT_TRUE(c.empty());
    EXPECT_EQ(d, (std::vector<Got>{{MidiKind::ControlChange, 0, 7, 30}}));
    // Note on with velocity 0 under running status is the usual note off.
    auto e = parse(p, {0x90, 60, 100, 60, 0});
    ASSERT_EQ(e.size(), 2u);
    MidiMessage off{MidiKind::NoteOn, 0, 60, 0};
    EXPECT_TRUE(off.is_release());
    EXPECT_EQ(e[1], (Got{MidiKind::NoteOn, 0, 60, 0}));
}

TEST(MidiParser, TruncatedMessageIsDroppedAndCounted) {
    MidiParser p;
    // Note on with one data byte, then a CC: the note is lost, the CC parses.
    auto got = parse(p, {0x90, 60, 0xB0, 7, 64});
    EXPECT_EQ(got, (std::vector<Got>{{MidiKind::ControlChange, 0, 7, 64}}));
    EXPECT_EQ(p.counts().truncated, 1u);
    // A status byte alone, interrupted by another status byte, is truncated too.
    got = parse(p, {0xE8, 0x91, 62, 1});
    EXPECT_EQ(got, (std::vector<Got>{{MidiKind::NoteOn, 1, 62, 1}}));
    EXPECT_EQ(p.counts().truncated, 2u);
}

TEST(MidiParser, StrayDataBytesAreDropped) {
    MidiParser p;
    auto got = parse(p, {1, 2, 3, 0x90, 60, 1});
    EXPECT_EQ(got, (std::vector<Got>{{MidiKind::NoteOn, 0, 60, 1}}));
    EXPECT_EQ(p.counts().stray, 3u);
}

TEST(MidiParser, SysexIsSkippedWhole) {
    MidiParser p;
    // A Mackie "device query" style sysex, then a CC: the sysex's data bytes never parse as
    // messages, and it cancels running status.
    auto got = parse(p, {0xB0, 7, 1, 0xF0, 0x00, 0x00, 0x66, 0x14, 0x00, 0xF7, 7, 2, 0xB1, 7, 3});
    EXPECT_EQ(got, (std::vector<Got>{{MidiKind::ControlChange, 0, 7, 1},
                                     {MidiKind::ControlChange, 1, 7, 3}}));
    EXPECT_EQ(p.counts().sysex, 1u);
    EXPECT_EQ(p.counts().stray, 2u);  // 7, 2 after the sysex: running status was cancelled
}

TEST(MidiParser, SysexEndedByAStatusByteAndSplitAcrossPackets) {
    MidiParser p;
    EXPECT_TRUE(parse(p, {0xF0, 1, 2, 3}).empty());
    EXPECT_TRUE(parse(p, {4, 5, 6}).empty());  // still inside
    // No F7: a channel status ends it and parses.
    auto got = parse(p, {0x9A, 36, 127});
    EXPECT_EQ(got, (std::vector<Got>{{MidiKind::NoteOn, 10, 36, 127}}));
    EXPECT_EQ(p.counts().sysex, 1u);
}

TEST(MidiParser, SysexFlood) {
    MidiParser p;
    std::vector<std::uint8_t> flood = {0xF0};
    flood.insert(flood.end(), 1 << 20, 0x55);  // a megabyte of sysex data
    flood.push_back(0xF7);
    EXPECT_TRUE(parse(p, flood).empty());
    auto got = parse(p, {0xB0, 1, 2});
    EXPECT_EQ(got, (std::vector<Got>{{MidiKind::ControlChange, 0, 1, 2}}));
}

TEST(MidiParser, RealtimeBytesInterleavedChangeNothing) {
    MidiParser p;
    // F8 clock, FA start, FE active sensing inside a note on, inside running status and
    // inside a sysex.
    auto got = parse(p, {0x90, 0xF8, 60, 0xFE, 100, 0xFA, 62, 0xF8, 90, 0xF0, 1, 0xF8, 2, 0xF7});
    EXPECT_EQ(got,
              (std::vector<Got>{{MidiKind::NoteOn, 0, 60, 100}, {MidiKind::NoteOn, 0, 62, 90}}));
    EXPECT_EQ(p.counts().realtime, 5u);
    EXPECT_EQ(p.counts().truncated, 0u);
}

TEST(MidiParser, SystemCommonCancelsRunningStatusAndSkipsItsData) {
    MidiParser p;
    // F2 song position (2 data bytes), F1 MTC quarter frame (1), F6 tune request (0).
    auto got = parse(p, {0xB0, 7, 1, 0xF2, 0x10, 0x20, 7, 9, 0xF1, 0x33, 0xF6, 0xB0, 7, 5});
    EXPECT_EQ(got, (std::vector<Got>{{MidiKind::ControlChange, 0, 7, 1},
                                     {MidiKind::ControlChange, 0, 7, 5}}));
    EXPECT_EQ(p.counts().system, 3u);
    EXPECT_EQ(p.counts().stray, 2u);  // 7 9 after the song position: no status to reuse
}

TEST(MidiParser, StrayEndOfExclusiveAndResetForgetRunningStatus) {
    MidiParser p;
    EXPECT_TRUE(parse(p, {0xF7}).empty());
    parse(p, {0xB0, 7, 1});
    p.reset();
    EXPECT_TRUE(parse(p, {7, 2}).empty());  // running status gone with the reset
}

// Random bytes never produce a message whose fields are out of range, and every message that
// comes out has a status the stream really held.
TEST(MidiParser, RandomBytesGiveOnlyValidMessages) {
    const unsigned seed = std::random_device{}();
    SCOPED_TRACE(testing::Message() << "seed " << seed);
    std::mt19937 rng(seed);
    MidiParser p;
    MidiMessage m;
    for (int k = 0; k < 200000; ++k) {
        if (p.feed(static_cast<std::uint8_t>(rng()), m)) {
            ASSERT_LE(static_cast<int>(m.kind), static_cast<int>(MidiKind::PitchBend));
            ASSERT_LT(m.channel, 16);
            ASSERT_LT(m.data1, 128);
            ASSERT_LT(m.data2, 128);
        }
    }
}

}  // namespace
}  // namespace phantom::midi
