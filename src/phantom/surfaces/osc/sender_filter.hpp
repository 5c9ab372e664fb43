// Who may send OSC. UDP has no connection and no token: the sender's address is all there is.
// This machine may always; another only from a network on the allow-list (--osc-allow), as a
// hardware mixer's OSC port is opened to the stage's tablets and no one else. A spoofed
// address can get past this, as past any UDP filter: docs/threat-model.md says what that
// costs.
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace phantom::osc {

class SenderFilter {
  public:
    // "192.168.1.0/24", "10.0.0.5" (one host), "fd00::/8"; throws std::invalid_argument
    // naming the entry that is not an address or a network.
    explicit SenderFilter(const std::vector<std::string>& networks);

    // [any-thread] IPv4-mapped IPv6 senders are judged as the IPv4 address they carry.
    bool allows(const sockaddr_storage& sender) const;

  private:
    struct Network {
        bool v6 = false;
        std::array<std::uint8_t, 16> bytes{};
        int prefix_bits = 0;
    };
    static bool contains(const Network& n, bool v6, const std::uint8_t* bytes);
    std::vector<Network> networks_;
};

}  // namespace phantom::osc
