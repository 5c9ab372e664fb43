#include "phantom/surfaces/midi/midi_parser.hpp"

namespace phantom::midi {

namespace {

// Data bytes a channel status byte takes: 1 for program change and channel pressure, else 2.
std::uint8_t channel_data_bytes(std::uint8_t status) {
    const std::uint8_t kind = status & 0xF0;
    return (kind == 0xC0 || kind == 0xD0) ? 1 : 2;
}

// Data bytes of a system common message: F1 (MTC quarter frame) and F3 (song select) take 1,
// F2 (song position) takes 2; F4, F5 (undefined) and F6 (tune request) none.
std::uint8_t system_data_bytes(std::uint8_t status) {
    switch (status) {
        case 0xF1:
        case 0xF3:
            return 1;
        case 0xF2:
            return 2;
        default:
            return 0;
    }
}

}  // namespace

void MidiParser::reset() {
    state_ = State::Idle;
    status_ = 0;
    needed_ = have_ = 0;
}

bool MidiParser::feed(std::uint8_t byte, MidiMessage& out) {
    if (byte >= 0xF8) {  // real-time: anywhere, changes nothing
        ++counts_.realtime;
        return false;
    }
    if (byte & 0x80) {  // a status byte
        if (state_ == State::Channel || state_ == State::SystemData) ++counts_.truncated;
        if (byte == 0xF7) {  // end of exclusive: ends a sysex, else stray
            if (state_ == State::Sysex) ++counts_.sysex;
            state_ = State::Idle;
            status_ = 0;
            return false;
        }
        if (state_ == State::Sysex) ++counts_.sysex;  // ended by a status byte, not F7
        have_ = 0;
        if (byte == 0xF0) {
            state_ = State::Sysex;
            status_ = 0;
            return false;
        }
        if (byte >= 0xF1) {  // system common: cancels running status
            status_ = 0;
            needed_ = system_data_bytes(byte);
            state_ = needed_ ? State::SystemData : State::Idle;
            ++counts_.system;
            return false;
        }
        status_ = byte;
        needed_ = channel_data_bytes(byte);
        state_ = State::Channel;
        return false;
    }
    // A data byte.
    switch (state_) {
        case State::Sysex:
            return false;
        case State::SystemData:
            if (++have_ >= needed_) state_ = State::Idle;
            return false;
        case State::Idle:
            if (status_ == 0) {
                ++counts_.stray;
                return false;
            }
            state_ = State::Channel;  // running status
            needed_ = channel_data_bytes(status_);
            have_ = 0;
            break;
        case State::Channel:
            break;
    }
    data_[have_++] = byte;
    if (have_ < needed_) return false;
    out.kind = static_cast<MidiKind>((status_ >> 4) - 8);
    out.channel = status_ & 0x0F;
    out.data1 = data_[0];
    out.data2 = needed_ == 2 ? data_[1] : 0;
    have_ = 0;
    state_ = State::Idle;  // running status stays in status_
    ++counts_.messages;
    return true;
}

}  // namespace phantom::midi
