// Who may send OSC: this machine always, others only from an allowed network.
#include "phantom/surfaces/osc/sender_filter.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <stdexcept>

namespace phantom::osc {
namespace {

sockaddr_storage v4(const char* text) {
    sockaddr_storage s{};
    auto& a = reinterpret_cast<sockaddr_in&>(s);
    a.sin_family = AF_INET;
    inet_pton(AF_INET, text, &a.sin_addr);
    return s;
}

sockaddr_storage v6(const char* text) {
    sockaddr_storage s{};
    auto& a = reinterpret_cast<sockaddr_in6&>(s);
    a.sin6_family = AF_INET6;
    inet_pton(AF_INET6, text, &a.sin6_addr);
    return s;
}

TEST(SenderFilter, ThisMachineIsAlwaysAllowed) {
    const SenderFilter none({});
    EXPECT_TRUE(none.allows(v4("127.0.0.1")));
    EXPECT_TRUE(none.allows(v4("127.3.2.1")));
    EXPECT_TRUE(none.allows(v6("::1")));
    EXPECT_TRUE(none.allows(v6("::ffff:127.0.0.1")));
    EXPECT_FALSE(none.allows(v4("192.168.1.20")));
    EXPECT_FALSE(none.allows(v6("fe80::1")));
}

TEST(SenderFilter, OthersOnlyFromAnAllowedNetwork) {
    const SenderFilter f({"192.168.1.0/24", "10.0.0.5", "fd00::/8"});
    EXPECT_TRUE(f.allows(v4("192.168.1.20")));
    EXPECT_TRUE(f.allows(v6("::ffff:192.168.1.20")));
    EXPECT_FALSE(f.allows(v4("192.168.2.20")));
    EXPECT_TRUE(f.allows(v4("10.0.0.5")));
    EXPECT_FALSE(f.allows(v4("10.0.0.6")));
    EXPECT_TRUE(f.allows(v6("fd12::7")));
    EXPECT_FALSE(f.allows(v6("fe80::7")));
    const SenderFilter odd({"172.16.0.0/12"});  // a prefix that is not a whole byte
    EXPECT_TRUE(odd.allows(v4("172.31.255.1")));
    EXPECT_FALSE(odd.allows(v4("172.32.0.1")));
}

TEST(SenderFilter, RefusesWhatIsNotANetwork) {
    for (const char* bad : {"192.168.1.0/33", "192.168.1/24", "host.example", "10.0.0.1/",
                            "::1/129", "10.0.0.1/-1", ""})
        EXPECT_THROW(SenderFilter({bad}), std::invalid_argument) << bad;
}

}  // namespace
}  // namespace phantom::osc
