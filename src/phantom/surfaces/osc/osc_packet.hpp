// OSC 1.0 packets (opensoundcontrol.org/spec-1_0), decoded and encoded by our own small codec.
// A datagram from the network is hostile: decode() checks every length, padding, type tag and
// string terminator before it reads a byte, and bounds the bundle nesting, so a datagram can
// only ever be taken whole or refused with a reason (docs/decisions.md, "OSC codec").
//
// Bundles are flattened: their messages come out in order, with the bundle they came in
// marked, since Phantom applies a bundle's settings all-or-nothing and ignores time tags (a
// mixer applies a command when it arrives, as TotalMix and Ardour do).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace phantom::osc {

// An argument, by its type tag: i h (integers), f d (numbers), s S (text), T F (switches),
// N I (nil, impulse: no value), b (a blob: its bytes in `text`), t (a time tag), c (a
// character), r (a colour), m (MIDI bytes): the last four as integers.
struct OscArg {
    char tag = 'N';
    double number = 0.0;  // i h f d t c r m; T is 1 and F is 0
    std::string text;     // s S b
};

struct OscMessage {
    std::string address;
    std::vector<OscArg> args;
    bool in_bundle = false;
};

// Limits a datagram is held to. A UDP datagram is at most 65 507 bytes on IPv4.
inline constexpr std::size_t kMaxPacketBytes = 65536;
inline constexpr int kMaxBundleDepth = 8;
inline constexpr std::size_t kMaxArgs = 64;

struct Decoded {
    std::vector<OscMessage> messages;
    std::string error;  // empty when the datagram is valid; then `messages` holds it all
    bool ok() const { return error.empty(); }
};

// [any-thread] Never throws, never reads outside [data, data + size).
Decoded decode(const std::uint8_t* data, std::size_t size);

// Encoding, for replies and feedback.
class OscWriter {
  public:
    // A message: `tags` without the leading comma, one per argument below, in order.
    OscWriter& message(const std::string& address);
    OscWriter& f(float value);
    OscWriter& i(std::int32_t value);
    OscWriter& s(const std::string& value);
    OscWriter& boolean(bool value);  // T or F, no data

    // The message built so far, alone (not in a bundle).
    std::vector<std::uint8_t> take_message();

  private:
    std::string address_, tags_ = ",";
    std::vector<std::uint8_t> data_;
};

// Messages packed into "#bundle"s of at most `max_bytes` each (immediate time tag): what
// feedback to a client goes out as, a datagram per bundle.
class BundlePacker {
  public:
    explicit BundlePacker(std::size_t max_bytes) : max_bytes_(max_bytes) {}
    // Add one encoded message; returns a full bundle to send first when it would not fit.
    void add(const std::vector<std::uint8_t>& message, std::vector<std::vector<std::uint8_t>>& out);
    void finish(std::vector<std::vector<std::uint8_t>>& out);

  private:
    std::size_t max_bytes_;
    std::vector<std::uint8_t> bundle_;
};

}  // namespace phantom::osc
