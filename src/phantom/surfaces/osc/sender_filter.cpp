#include "phantom/surfaces/osc/sender_filter.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>

#include <cstring>
#include <stdexcept>

namespace phantom::osc {

namespace {

constexpr std::uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

}  // namespace

SenderFilter::SenderFilter(const std::vector<std::string>& networks) {
    for (const auto& entry : networks) {
        const auto slash = entry.find('/');
        const std::string host = entry.substr(0, slash);
        Network n;
        n.v6 = host.find(':') != std::string::npos;
        if (inet_pton(n.v6 ? AF_INET6 : AF_INET, host.c_str(), n.bytes.data()) != 1)
            throw std::invalid_argument(fmt::format(
                "--osc-allow {}: '{}' is not an IP address (expected e.g. 192.168.1.0/24)", entry,
                host));
        const int max_bits = n.v6 ? 128 : 32;
        n.prefix_bits = max_bits;
        if (slash != std::string::npos) {
            const std::string bits = entry.substr(slash + 1);
            if (bits.empty() || bits.size() > 3 ||
                bits.find_first_not_of("0123456789") != std::string::npos ||
                std::stoi(bits) > max_bits)
                throw std::invalid_argument(
                    fmt::format("--osc-allow {}: '/{}' is not a prefix length (0 to {})", entry,
                                bits, max_bits));
            n.prefix_bits = std::stoi(bits);
        }
        networks_.push_back(n);
    }
}

bool SenderFilter::contains(const Network& n, bool v6, const std::uint8_t* bytes) {
    if (n.v6 != v6) return false;
    int bits = n.prefix_bits;
    for (int k = 0; bits > 0; ++k, bits -= 8) {
        const auto mask = static_cast<std::uint8_t>(bits >= 8 ? 0xff : 0xff << (8 - bits));
        if ((bytes[k] & mask) != (n.bytes[k] & mask)) return false;
    }
    return true;
}

bool SenderFilter::allows(const sockaddr_storage& sender) const {
    const std::uint8_t* bytes = nullptr;
    bool v6 = false;
    if (sender.ss_family == AF_INET) {
        bytes = reinterpret_cast<const std::uint8_t*>(
            &reinterpret_cast<const sockaddr_in&>(sender).sin_addr);
    } else if (sender.ss_family == AF_INET6) {
        bytes = reinterpret_cast<const sockaddr_in6&>(sender).sin6_addr.s6_addr;
        v6 = true;
        if (std::memcmp(bytes, kMappedPrefix, 12) == 0) {
            bytes += 12;
            v6 = false;
        }
    } else {
        return false;
    }
    if (!v6 && bytes[0] == 127) return true;  // loopback, 127.0.0.0/8
    if (v6) {
        static constexpr std::uint8_t kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0,
                                                        0, 0, 0, 0, 0, 0, 0, 1};
        if (std::memcmp(bytes, kLoopback6, 16) == 0) return true;
    }
    for (const auto& n : networks_)
        if (contains(n, v6, bytes)) return true;
    return false;
}

}  // namespace phantom::osc
