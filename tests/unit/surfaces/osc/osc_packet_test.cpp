// The OSC codec against the OSC 1.0 specification's byte layout, written out by hand: strings
// NUL-terminated and padded to four bytes, big-endian numbers, bundles of length-prefixed
// elements. Malformed datagrams are refused whole, with a reason, never read past their end
// (the AddressSanitizer build checks that), including the two packets that make liblo 0.31
// read out of bounds.
#include "phantom/surfaces/osc/osc_packet.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <initializer_list>
#include <memory>

namespace phantom::osc {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes(std::initializer_list<int> list) {
    Bytes b;
    for (int v : list)
        b.push_back(static_cast<std::uint8_t>(v));
    return b;
}

Bytes text(const char* s, std::size_t padded_to) {
    Bytes b(s, s + std::strlen(s));
    b.resize(padded_to, 0);
    return b;
}

Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes all;
    for (const auto& p : parts)
        all.insert(all.end(), p.begin(), p.end());
    return all;
}

// A heap copy of exactly the datagram's size: a read one byte past it is an ASan report.
Decoded decode_exact(const Bytes& b) {
    auto copy = std::make_unique<std::uint8_t[]>(b.size());
    std::copy(b.begin(), b.end(), copy.get());
    return decode(copy.get(), b.size());
}

// "/a/b\0\0\0\0" ",f\0\0" 0xC0C00000 (-6.0f): the specification's layout for one float.
const Bytes kSetMinusSix = cat({text("/a/b", 8), text(",f", 4), bytes({0xc0, 0xc0, 0x00, 0x00})});

TEST(OscPacket, DecodesAMessageWithAFloat) {
    const auto d = decode_exact(kSetMinusSix);
    ASSERT_TRUE(d.ok()) << d.error;
    ASSERT_EQ(d.messages.size(), 1u);
    EXPECT_EQ(d.messages[0].address, "/a/b");
    ASSERT_EQ(d.messages[0].args.size(), 1u);
    EXPECT_EQ(d.messages[0].args[0].tag, 'f');
    EXPECT_EQ(d.messages[0].args[0].number, -6.0);
    EXPECT_FALSE(d.messages[0].in_bundle);
}

TEST(OscPacket, DecodesEveryArgumentType) {
    const Bytes packet =
        cat({text("/x", 4), text(",ihdsTFNIb", 12), bytes({0xff, 0xff, 0xff, 0xfe}),  // i -2
             bytes({0, 0, 0, 0, 0, 0, 0x01, 0x00}),                                   // h 256
             bytes({0x3f, 0xf8, 0, 0, 0, 0, 0, 0}),                                   // d 1.5
             text("main", 8),                                                         // s
             bytes({0, 0, 0, 3, 'a', 'b', 'c', 0})});                                 // b
    const auto d = decode_exact(packet);
    ASSERT_TRUE(d.ok()) << d.error;
    const auto& a = d.messages[0].args;
    ASSERT_EQ(a.size(), 9u);
    EXPECT_EQ(a[0].number, -2.0);
    EXPECT_EQ(a[1].number, 256.0);
    EXPECT_EQ(a[2].number, 1.5);
    EXPECT_EQ(a[3].text, "main");
    EXPECT_EQ(a[4].tag, 'T');
    EXPECT_EQ(a[5].tag, 'F');
    EXPECT_EQ(a[6].tag, 'N');
    EXPECT_EQ(a[7].tag, 'I');
    EXPECT_EQ(a[8].text, "abc");
}

TEST(OscPacket, AMessageWithoutTypeTagsHasNoArguments) {
    const auto d = decode_exact(text("/phantom/subscribe", 20));
    ASSERT_TRUE(d.ok()) << d.error;
    EXPECT_TRUE(d.messages[0].args.empty());
}

TEST(OscPacket, FlattensNestedBundlesInOrder) {
    const Bytes inner_message = cat({text("/b", 4), text(",i", 4), bytes({0, 0, 0, 2})});
    const Bytes inner = cat(
        {text("#bundle", 8), bytes({0, 0, 0, 0, 0, 0, 0, 1}), bytes({0, 0, 0, 12}), inner_message});
    const Bytes outer_message = cat({text("/a", 4), text(",i", 4), bytes({0, 0, 0, 1})});
    const Bytes outer = cat({text("#bundle", 8), bytes({0, 0, 0, 0, 0, 0, 0, 1}),
                             bytes({0, 0, 0, 12}), outer_message, bytes({0, 0, 0, 32}), inner});
    const auto d = decode_exact(outer);
    ASSERT_TRUE(d.ok()) << d.error;
    ASSERT_EQ(d.messages.size(), 2u);
    EXPECT_EQ(d.messages[0].address, "/a");
    EXPECT_EQ(d.messages[1].address, "/b");
    EXPECT_EQ(d.messages[1].args[0].number, 2.0);
    EXPECT_TRUE(d.messages[0].in_bundle && d.messages[1].in_bundle);
}

// liblo 0.31 reproducer 1: the type tags promise more arguments than the datagram holds
// (",fff" with one float), and liblo reads the missing ones from beyond the buffer.
TEST(OscPacket, RefusesTypeTagsThatRunOffTheEnd) {
    const Bytes packet = cat({text("/a/b", 8), text(",fff", 8), bytes({0x3f, 0x80, 0, 0})});
    const auto d = decode_exact(packet);
    EXPECT_FALSE(d.ok());
    EXPECT_NE(d.error.find("past the end"), std::string::npos) << d.error;
    EXPECT_TRUE(d.messages.empty());
}

// liblo 0.31 reproducer 2: a bundle element whose length says more than the bundle holds.
TEST(OscPacket, RefusesABundleElementWhoseLengthLies) {
    const Bytes packet = cat({text("#bundle", 8), bytes({0, 0, 0, 0, 0, 0, 0, 1}),
                              bytes({0, 0, 0x10, 0}), text("/a", 4), text(",", 4)});
    const auto d = decode_exact(packet);
    EXPECT_FALSE(d.ok());
    EXPECT_NE(d.error.find("length"), std::string::npos) << d.error;
}

TEST(OscPacket, RefusesWhatTheSpecificationDoesNotAllow) {
    const std::vector<std::pair<const char*, Bytes>> bad = {
        {"empty", {}},
        {"not a multiple of four", cat({text("/a", 4), bytes({','})})},
        {"address not terminated", bytes({'/', 'a', 'b', 'c'})},
        {"padding not zero", cat({bytes({'/', 'a', 0, 'x'}), text(",", 4)})},
        {"address without a slash", cat({text("ab", 4), text(",", 4)})},
        {"control character in the address", cat({bytes({'/', 0x01, 0, 0}), text(",", 4)})},
        {"type tags without a comma", cat({text("/a", 4), text("f", 4), bytes({0, 0, 0, 0})})},
        {"unknown type tag", cat({text("/a", 4), text(",q", 4), bytes({0, 0, 0, 0})})},
        {"string not terminated", cat({text("/a", 4), text(",s", 4), bytes({'a', 'b', 'c', 'd'})})},
        {"bytes after the arguments", cat({text("/a", 4), text(",", 4), bytes({0, 0, 0, 0})})},
        {"blob longer than the packet", cat({text("/a", 4), text(",b", 4), bytes({0, 0, 0, 9})})},
        {"bundle without a time tag", text("#bundle", 8)},
        {"not a bundle", cat({text("#bundlx", 8), bytes({0, 0, 0, 0, 0, 0, 0, 1})})},
        {"zero-length element",
         cat({text("#bundle", 8), bytes({0, 0, 0, 0, 0, 0, 0, 1}), bytes({0, 0, 0, 0})})},
        {"element length cut",
         cat({text("#bundle", 8), bytes({0, 0, 0, 0, 0, 0, 0, 1}), bytes({0, 0})})},
    };
    for (const auto& [why, packet] : bad) {
        const auto d = decode_exact(packet);
        EXPECT_FALSE(d.ok()) << why;
        EXPECT_FALSE(d.error.empty()) << why;
        EXPECT_TRUE(d.messages.empty()) << why;
    }
}

TEST(OscPacket, RefusesBundlesNestedTooDeep) {
    Bytes packet = cat({text("/a", 4), text(",", 4)});
    for (int depth = 0; depth < kMaxBundleDepth + 1; ++depth) {
        const auto size = static_cast<std::uint32_t>(packet.size());
        packet = cat({text("#bundle", 8), bytes({0, 0, 0, 0, 0, 0, 0, 1}),
                      bytes({0, 0, static_cast<int>(size >> 8), static_cast<int>(size & 0xff)}),
                      packet});
    }
    const auto d = decode_exact(packet);
    EXPECT_FALSE(d.ok());
    EXPECT_NE(d.error.find("nested"), std::string::npos) << d.error;
}

TEST(OscPacket, RefusesADatagramLargerThanUdpCarries) {
    Bytes packet = cat({text("/a", 4), text(",b", 4)});
    const std::uint32_t n = kMaxPacketBytes;
    packet.insert(packet.end(),
                  {static_cast<std::uint8_t>(n >> 24), static_cast<std::uint8_t>(n >> 16),
                   static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n)});
    packet.resize(packet.size() + n, 0);
    EXPECT_FALSE(decode_exact(packet).ok());
}

TEST(OscPacket, EncodesAsTheSpecificationLaysOut) {
    OscWriter w;
    EXPECT_EQ(w.message("/a/b").f(-6.0F).take_message(), kSetMinusSix);
    EXPECT_EQ(
        w.message("/e").s("ab").boolean(true).i(-2).take_message(),
        cat({text("/e", 4), text(",sTi", 8), text("ab", 4), bytes({0xff, 0xff, 0xff, 0xfe})}));
    // A string holding a NUL is cut there, as the receiver would read it.
    EXPECT_EQ(w.message("/e").s(std::string("a\0b", 3)).take_message(),
              cat({text("/e", 4), text(",s", 4), text("a", 4)}));
}

TEST(OscPacket, PacksMessagesIntoBundlesBelowTheLimit) {
    OscWriter w;
    const Bytes one = w.message("/a").i(1).take_message();  // 12 bytes
    BundlePacker packer(16 + 2 * (4 + 12));                 // room for two
    std::vector<Bytes> out;
    for (int k = 0; k < 5; ++k)
        packer.add(one, out);
    packer.finish(out);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0], cat({text("#bundle", 8), bytes({0, 0, 0, 0, 0, 0, 0, 1}),
                           bytes({0, 0, 0, 12}), one, bytes({0, 0, 0, 12}), one}));
    std::size_t messages = 0;
    for (const auto& b : out) {
        const auto d = decode_exact(b);
        ASSERT_TRUE(d.ok()) << d.error;
        messages += d.messages.size();
    }
    EXPECT_EQ(messages, 5u);
}

}  // namespace
}  // namespace phantom::osc
