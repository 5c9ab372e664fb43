// The OSC server's own rules, in-process on loopback: a subscription is a lease that runs out
// unless renewed, there is a bound on subscribers, an address in use is refused with a message
// that says what to do, and a flood of malformed datagrams is counted while the server goes on
// answering.
#include "phantom/surfaces/osc/osc_server.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "phantom/device/device_catalog.hpp"

namespace phantom::osc {
namespace {

using namespace std::chrono_literals;

struct Fixture {
    engine::Interface iface{device::load_device("desktop-2x2"), 48000, 256};
    control::Controller controller{iface, true};
};

OscOptions options(std::chrono::milliseconds lease = 20000ms, std::size_t max_subscribers = 32) {
    OscOptions o;
    o.port = 0;
    o.lease = lease;
    o.max_subscribers = max_subscribers;
    return o;
}

class UdpClient {
  public:
    explicit UdpClient(int port) : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
        to_.sin_family = AF_INET;
        to_.sin_port = htons(static_cast<std::uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &to_.sin_addr);
    }
    ~UdpClient() { ::close(fd_); }
    void send(const Datagram& d) {
        ::sendto(fd_, d.data(), d.size(), 0, reinterpret_cast<sockaddr*>(&to_), sizeof to_);
    }
    // Every message received within `wait`, bundles opened.
    std::vector<OscMessage> receive(std::chrono::milliseconds wait) {
        std::vector<OscMessage> out;
        const auto end = std::chrono::steady_clock::now() + wait;
        std::vector<std::uint8_t> buffer(65536);
        while (std::chrono::steady_clock::now() < end) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 10) <= 0) continue;
            const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
            const auto d = decode(buffer.data(), static_cast<std::size_t>(n));
            out.insert(out.end(), d.messages.begin(), d.messages.end());
        }
        return out;
    }

  private:
    int fd_;
    sockaddr_in to_{};
};

Datagram message(const std::string& address) {
    return OscWriter().message(address).take_message();
}

std::uint64_t subscribers(control::Controller& c) {
    for (const auto& s : c.status().surfaces)
        if (s.name == "osc") return s.subscribers;
    return 0;
}

TEST(OscServer, ASubscriptionRunsOutUnlessRenewed) {
    Fixture fx;
    OscServer server(fx.controller, options(1500ms));
    UdpClient client(server.port());
    client.send(message("/phantom/subscribe"));
    EXPECT_FALSE(client.receive(500ms).empty());  // the whole state, then meters
    client.send(message("/phantom/subscribe"));   // renewed at 500 ms: good until 2000 ms
    client.receive(1100ms);
    EXPECT_FALSE(client.receive(200ms).empty()) << "renewed: still sent to after 1500 ms";
    client.receive(500ms);  // the lease ends at 2000 ms
    EXPECT_TRUE(client.receive(300ms).empty()) << "not renewed: no longer sent to";
}

TEST(OscServer, SubscribersAreBounded) {
    Fixture fx;
    OscServer server(fx.controller, options(20000ms, 2));
    UdpClient a(server.port()), b(server.port()), c(server.port());
    a.send(message("/phantom/subscribe"));
    b.send(message("/phantom/subscribe"));
    a.receive(100ms);
    c.send(message("/phantom/subscribe"));
    const auto answer = c.receive(100ms);
    ASSERT_FALSE(answer.empty());
    EXPECT_EQ(answer[0].address, "/phantom/error");
    EXPECT_NE(answer[0].args.at(1).text.find("at most 2"), std::string::npos);
    std::this_thread::sleep_for(300ms);  // the status is reported every 250 ms
    EXPECT_EQ(subscribers(fx.controller), 2u);
}

TEST(OscServer, AnAddressInUseIsRefusedWithWhatToDo) {
    Fixture fx;
    OscServer first(fx.controller, options());
    OscOptions same = options();
    same.port = first.port();
    try {
        OscServer second(fx.controller, same);
        FAIL() << "bound twice";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("--osc off"), std::string::npos) << e.what();
    }
}

TEST(OscServer, GarbageIsCountedAndTheServerGoesOnAnswering) {
    Fixture fx;
    OscServer server(fx.controller, options());
    UdpClient attacker(server.port()), client(server.port());
    for (int k = 0; k < 2000; ++k)  // no NUL anywhere, or all NULs: never a valid packet
        attacker.send(Datagram(static_cast<std::size_t>(4 + k % 64), static_cast<std::uint8_t>(k)));
    client.send(message("/phantom/monitor/mute"));
    bool answered = false;
    for (const auto& m : client.receive(1000ms))
        answered |= m.address == "/phantom/monitor/mute";
    EXPECT_TRUE(answered);
    std::this_thread::sleep_for(300ms);
    const auto surfaces = fx.controller.status().surfaces;
    ASSERT_EQ(surfaces.size(), 1u);
    EXPECT_EQ(surfaces[0].malformed, 2000u);
    EXPECT_EQ(surfaces[0].received, 1u);
}

}  // namespace
}  // namespace phantom::osc
