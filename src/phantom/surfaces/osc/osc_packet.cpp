#include "phantom/surfaces/osc/osc_packet.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace phantom::osc {

namespace {

constexpr std::size_t padded(std::size_t n) {
    return (n + 3) & ~std::size_t{3};
}

// A bounded cursor over the datagram: every read says how many bytes it needs first.
class Reader {
  public:
    Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    std::size_t left() const { return size_ - at_; }
    std::size_t at() const { return at_; }
    void skip(std::size_t n) { at_ += std::min(n, left()); }

    bool u32(std::uint32_t& out) {
        if (left() < 4) return false;
        out = (std::uint32_t{data_[at_]} << 24) | (std::uint32_t{data_[at_ + 1]} << 16) |
              (std::uint32_t{data_[at_ + 2]} << 8) | std::uint32_t{data_[at_ + 3]};
        at_ += 4;
        return true;
    }
    bool u64(std::uint64_t& out) {
        std::uint32_t hi = 0, lo = 0;
        if (left() < 8 || !u32(hi) || !u32(lo)) return false;
        out = (std::uint64_t{hi} << 32) | lo;
        return true;
    }
    // A string: its bytes up to a NUL inside the datagram, then zero padding to a multiple of 4.
    bool string(std::string& out) {
        const void* end = std::memchr(data_ + at_, 0, left());
        if (!end) return false;
        const std::size_t length = static_cast<const std::uint8_t*>(end) - (data_ + at_);
        const std::size_t total = padded(length + 1);
        if (total > left()) return false;
        for (std::size_t k = length; k < total; ++k)
            if (data_[at_ + k] != 0) return false;
        out.assign(reinterpret_cast<const char*>(data_ + at_), length);
        at_ += total;
        return true;
    }
    bool blob(std::string& out) {
        std::uint32_t length = 0;
        if (!u32(length) || length > left() || padded(length) > left()) return false;
        out.assign(reinterpret_cast<const char*>(data_ + at_), length);
        at_ += padded(length);
        return true;
    }

  private:
    const std::uint8_t* data_;
    std::size_t size_, at_ = 0;
};

bool printable_address(const std::string& address) {
    if (address.empty() || address[0] != '/') return false;
    for (const char c : address)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    return true;
}

std::string read_arg(Reader& in, char tag, OscArg& arg) {
    arg.tag = tag;
    std::uint32_t u = 0;
    std::uint64_t u8 = 0;
    switch (tag) {
        case 'i':
        case 'c':
        case 'r':
        case 'm':
            if (!in.u32(u)) return "an argument runs past the end";
            arg.number = tag == 'i' ? static_cast<double>(static_cast<std::int32_t>(u)) : u;
            return {};
        case 'f':
            if (!in.u32(u)) return "an argument runs past the end";
            arg.number = std::bit_cast<float>(u);
            return {};
        case 'h':
        case 't':
            if (!in.u64(u8)) return "an argument runs past the end";
            arg.number = tag == 'h' ? static_cast<double>(static_cast<std::int64_t>(u8))
                                    : static_cast<double>(u8);
            return {};
        case 'd':
            if (!in.u64(u8)) return "an argument runs past the end";
            arg.number = std::bit_cast<double>(u8);
            return {};
        case 's':
        case 'S':
            if (!in.string(arg.text)) return "a string argument is not terminated and padded";
            return {};
        case 'b':
            if (!in.blob(arg.text)) return "a blob's length runs past the end";
            return {};
        case 'T':
            arg.number = 1.0;
            return {};
        case 'F':
        case 'N':
        case 'I':
            return {};
        default:
            return fmt::format(
                "unknown type tag '{}'",
                static_cast<unsigned char>(tag) >= 0x20 && static_cast<unsigned char>(tag) < 0x7f
                    ? std::string(1, tag)
                    : fmt::format("\\x{:02x}", static_cast<unsigned char>(tag)));
    }
}

std::string decode_message(const std::uint8_t* data, std::size_t size, bool in_bundle,
                           std::vector<OscMessage>& out) {
    Reader in(data, size);
    OscMessage m;
    m.in_bundle = in_bundle;
    if (!in.string(m.address)) return "the address is not terminated and padded";
    if (!printable_address(m.address))
        return "the address must start with '/' and hold no control characters";
    if (in.left() > 0) {  // no type tags at all: an old sender's message without arguments
        std::string tags;
        if (!in.string(tags) || tags.empty() || tags[0] != ',')
            return fmt::format("{}: the type tags are not a terminated, padded ',…' string",
                               m.address);
        if (tags.size() - 1 > kMaxArgs)
            return fmt::format("{}: more than {} arguments", m.address, kMaxArgs);
        m.args.resize(tags.size() - 1);
        for (std::size_t k = 1; k < tags.size(); ++k)
            if (auto error = read_arg(in, tags[k], m.args[k - 1]); !error.empty())
                return fmt::format("{}: {}", m.address, error);
        if (in.left() != 0) return fmt::format("{}: bytes after the last argument", m.address);
    }
    out.push_back(std::move(m));
    return {};
}

std::string decode_element(const std::uint8_t* data, std::size_t size, int depth, bool in_bundle,
                           std::vector<OscMessage>& out) {
    if (size == 0 || size % 4 != 0) return "an OSC packet's size must be a positive multiple of 4";
    if (data[0] != '#') return decode_message(data, size, in_bundle, out);
    if (depth >= kMaxBundleDepth)
        return fmt::format("bundles nested more than {} deep", kMaxBundleDepth);
    static constexpr char kTag[8] = {'#', 'b', 'u', 'n', 'd', 'l', 'e', '\0'};
    if (size < 16 || std::memcmp(data, kTag, 8) != 0)
        return "a packet starting with '#' must be a #bundle with a time tag";
    Reader in(data + 16, size - 16);
    while (in.left() > 0) {
        std::uint32_t length = 0;
        if (!in.u32(length)) return "a bundle element's length is cut";
        if (length == 0 || length % 4 != 0 || length > in.left())
            return fmt::format("a bundle element's length ({}) does not fit the bundle ({} left)",
                               length, in.left());
        const std::uint8_t* element = data + 16 + in.at();
        if (auto error = decode_element(element, length, depth + 1, true, out); !error.empty())
            return error;
        in.skip(length);
    }
    return {};
}

void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 24));
    out.push_back(static_cast<std::uint8_t>(v >> 16));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

void put_string(std::vector<std::uint8_t>& out, const std::string& s) {
    out.insert(out.end(), s.begin(), s.end());
    out.resize(out.size() + (padded(s.size() + 1) - s.size()), 0);
}

}  // namespace

Decoded decode(const std::uint8_t* data, std::size_t size) {
    Decoded d;
    if (size > kMaxPacketBytes) {
        d.error = fmt::format("a datagram of {} bytes (at most {})", size, kMaxPacketBytes);
        return d;
    }
    if (size == 0 || !data) {
        d.error = "an empty datagram";
        return d;
    }
    d.error = decode_element(data, size, 0, false, d.messages);
    if (!d.ok()) d.messages.clear();  // taken whole or not at all
    return d;
}

OscWriter& OscWriter::message(const std::string& address) {
    address_ = address;
    tags_ = ",";
    data_.clear();
    return *this;
}

OscWriter& OscWriter::f(float value) {
    tags_ += 'f';
    put_u32(data_, std::bit_cast<std::uint32_t>(value));
    return *this;
}

OscWriter& OscWriter::i(std::int32_t value) {
    tags_ += 'i';
    put_u32(data_, static_cast<std::uint32_t>(value));
    return *this;
}

OscWriter& OscWriter::s(const std::string& value) {
    tags_ += 's';
    // A NUL inside would end the string early on the other side: cut it there.
    put_string(data_, value.substr(0, value.find('\0')));
    return *this;
}

OscWriter& OscWriter::boolean(bool value) {
    tags_ += value ? 'T' : 'F';
    return *this;
}

std::vector<std::uint8_t> OscWriter::take_message() {
    std::vector<std::uint8_t> out;
    out.reserve(address_.size() + tags_.size() + data_.size() + 8);
    put_string(out, address_);
    put_string(out, tags_);
    out.insert(out.end(), data_.begin(), data_.end());
    message(std::string());
    return out;
}

void BundlePacker::add(const std::vector<std::uint8_t>& message,
                       std::vector<std::vector<std::uint8_t>>& out) {
    if (!bundle_.empty() && bundle_.size() + 4 + message.size() > max_bytes_) finish(out);
    if (bundle_.empty()) {
        static constexpr char kTag[8] = {'#', 'b', 'u', 'n', 'd', 'l', 'e', '\0'};
        bundle_.assign(kTag, kTag + 8);
        put_u32(bundle_, 0);
        put_u32(bundle_, 1);  // time tag 1: "immediately"
    }
    put_u32(bundle_, static_cast<std::uint32_t>(message.size()));
    bundle_.insert(bundle_.end(), message.begin(), message.end());
}

void BundlePacker::finish(std::vector<std::vector<std::uint8_t>>& out) {
    if (bundle_.empty()) return;
    out.push_back(std::move(bundle_));
    bundle_.clear();
}

}  // namespace phantom::osc
