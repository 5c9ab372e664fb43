#include "phantom/surfaces/osc/osc_server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace phantom::osc {

namespace {

using Clock = std::chrono::steady_clock;

// Datagrams taken per wake-up before the push gets its turn: a flood delays feedback by at
// most this many messages' work.
constexpr int kBurst = 256;
// The kernel's queue for the socket: a burst of a tablet's fader moves, not a flood.
constexpr int kReceiveBufferBytes = 1 << 20;
constexpr auto kReportInterval = std::chrono::milliseconds(250);

bool loopback_host(const std::string& host) {
    return host == "::1" || host.starts_with("127.");
}

bool same_endpoint(const sockaddr_storage& a, socklen_t la, const sockaddr_storage& b,
                   socklen_t lb) {
    return la == lb && std::memcmp(&a, &b, la) == 0;
}

}  // namespace

std::pair<std::string, int> parse_osc_address(const std::string& text) {
    const auto colon = text.rfind(':');
    const auto bad = [&](const std::string& why) {
        return std::invalid_argument(fmt::format(
            "--osc {}: {} (expected ADDR:PORT, e.g. 127.0.0.1:7481, or off)", text, why));
    };
    if (colon == std::string::npos || colon == 0) throw bad("no port");
    std::string host = text.substr(0, colon);
    const std::string port = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    if (host == "localhost") host = "127.0.0.1";
    if (port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535)
        throw bad(fmt::format("'{}' is not a port (0 to 65535)", port));
    in6_addr probe{};
    if (inet_pton(host.find(':') != std::string::npos ? AF_INET6 : AF_INET, host.c_str(), &probe) !=
        1)
        throw bad(fmt::format("'{}' is not an IP address", host));
    return {host, std::stoi(port)};
}

OscServer::OscServer(control::Controller& controller, const OscOptions& options)
    : controller_(controller),
      options_(options),
      dispatch_(controller),
      filter_(options.allow),
      host_(options.host) {
    sockaddr_storage bind_address{};
    socklen_t bind_length = 0;
    const bool v6 = host_.find(':') != std::string::npos;
    if (v6) {
        auto& a = reinterpret_cast<sockaddr_in6&>(bind_address);
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(static_cast<std::uint16_t>(options.port));
        if (inet_pton(AF_INET6, host_.c_str(), &a.sin6_addr) != 1)
            throw std::runtime_error(fmt::format("OSC: '{}' is not an IP address", host_));
        bind_length = sizeof a;
    } else {
        auto& a = reinterpret_cast<sockaddr_in&>(bind_address);
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(options.port));
        if (inet_pton(AF_INET, host_.c_str(), &a.sin_addr) != 1)
            throw std::runtime_error(fmt::format("OSC: '{}' is not an IP address", host_));
        bind_length = sizeof a;
    }
    fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) throw std::runtime_error(fmt::format("OSC: socket: {}", std::strerror(errno)));
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &kReceiveBufferBytes, sizeof kReceiveBufferBytes);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&bind_address), bind_length) != 0) {
        const int error = errno;
        ::close(fd_);
        throw std::runtime_error(fmt::format(
            "OSC: cannot listen on udp {}:{}: {}{}", host_, options.port, std::strerror(error),
            error == EADDRINUSE ? " (another Phantom? give --osc ADDR:PORT, or --osc off)" : ""));
    }
    sockaddr_storage bound{};
    socklen_t bound_length = sizeof bound;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &bound_length);
    port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                              : reinterpret_cast<sockaddr_in&>(bound).sin_port);
    if (!loopback_host(host_) && options.allow.empty())
        notice_ = fmt::format(
            "OSC listens on {} but only this machine may send: allow a network with "
            "--osc-allow (e.g. 192.168.1.0/24)",
            url());
    status_.name = "osc";
    status_.address = url();
    status_.notice = notice_;
    std::vector<control::Change> skipped;
    bool lost = false;
    seen_seq_ = controller_.changes_since(0, skipped, lost);  // feedback starts from now
    report();
    thread_ = std::thread([this] { run(); });
}

OscServer::~OscServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
}

std::string OscServer::url() const {
    return host_.find(':') != std::string::npos ? fmt::format("udp://[{}]:{}", host_, port_)
                                                : fmt::format("udp://{}:{}", host_, port_);
}

void OscServer::run() {
    // One datagram at a time into a fixed buffer one byte longer than any packet we take, so
    // a longer datagram shows as cut (MSG_TRUNC) and is dropped whole.
    std::vector<std::uint8_t> buffer(kMaxPacketBytes + 1);
    auto next_push = Clock::now();
    auto next_report = Clock::now() + kReportInterval;
    while (!stop_.load()) {
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(next_push - Clock::now());
        pollfd p{fd_, POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(std::clamp<long>(wait.count(), 0, kPushInterval.count())));
        for (int k = 0; k < kBurst; ++k) {
            sockaddr_storage from{};
            socklen_t from_length = sizeof from;
            const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), MSG_TRUNC,
                                         reinterpret_cast<sockaddr*>(&from), &from_length);
            if (n < 0) break;  // EAGAIN: the queue is empty
            if (!filter_.allows(from)) {
                ++status_.not_allowed;
                continue;
            }
            if (static_cast<std::size_t>(n) > kMaxPacketBytes) {
                ++status_.malformed;
                continue;
            }
            take(buffer.data(), static_cast<std::size_t>(n), from, from_length);
        }
        const auto now = Clock::now();
        if (now >= next_push) {
            push(now);
            next_push = now + kPushInterval;
        }
        if (now >= next_report) {
            report();
            next_report = now + kReportInterval;
        }
    }
}

void OscServer::take(const std::uint8_t* data, std::size_t size, const sockaddr_storage& from,
                     socklen_t from_length) {
    const Decoded decoded = decode(data, size);
    if (!decoded.ok()) {
        // Counted, and said once to the sender: a tablet app's author sees why nothing moves.
        ++status_.malformed;
        send(OscDispatch::error_reply("", "malformed OSC: " + decoded.error), from, from_length);
        return;
    }
    Outcome outcome;
    try {
        outcome = dispatch_.handle(decoded.messages);
    } catch (const std::exception& e) {  // a bug, not the sender's: answer it, keep serving
        send(OscDispatch::error_reply("", std::string("internal error: ") + e.what()), from,
             from_length);
        ++status_.refused;
        return;
    }
    status_.received += outcome.messages;
    status_.refused += outcome.refused;
    for (const auto& reply : outcome.replies)
        send(reply, from, from_length);
    if (outcome.subscription != Outcome::Subscription::None) subscribe(outcome, from, from_length);
}

void OscServer::subscribe(const Outcome& outcome, const sockaddr_storage& from, socklen_t length) {
    auto it = std::find_if(subscribers_.begin(), subscribers_.end(), [&](const Subscriber& s) {
        return same_endpoint(s.address, s.length, from, length);
    });
    if (outcome.subscription == Outcome::Subscription::Unsubscribe) {
        if (it != subscribers_.end()) subscribers_.erase(it);
        return;
    }
    const bool renewal = it != subscribers_.end();
    if (!renewal) {
        if (subscribers_.size() >= options_.max_subscribers) {
            send(OscDispatch::error_reply(
                     "/phantom/subscribe",
                     fmt::format("{} clients are subscribed already (at most {}); one must "
                                 "unsubscribe or let its lease run out",
                                 subscribers_.size(), options_.max_subscribers)),
                 from, length);
            ++status_.refused;
            return;
        }
        subscribers_.push_back({from, length, outcome.norm, {}});
        it = subscribers_.end() - 1;
    }
    const bool norm_added = renewal && outcome.norm && !it->norm;
    it->norm = outcome.norm;
    it->expires = Clock::now() + options_.lease;
    // A new subscriber gets every value; a renewal only extends the lease (every 10 s, it
    // would otherwise resend some 100 KiB, and a forged renewal would reflect it).
    if (!renewal || norm_added)
        for (const auto& d : dispatch_.whole_state(it->norm))
            send(d, from, length);
}

void OscServer::push(Clock::time_point now) {
    std::erase_if(subscribers_, [&](const Subscriber& s) { return s.expires <= now; });
    std::vector<control::Change> changes;
    bool lost = false;
    seen_seq_ = controller_.changes_since(seen_seq_, changes, lost);
    if (subscribers_.empty()) return;
    if (lost) {  // the log no longer reaches back: everything, as on subscribing
        for (const auto& s : subscribers_)
            for (const auto& d : dispatch_.whole_state(s.norm))
                send(d, s.address, s.length);
    } else if (!changes.empty()) {
        const auto plain = dispatch_.changes(changes, false);
        const auto with_norm = dispatch_.changes(changes, true);
        for (const auto& s : subscribers_)
            for (const auto& d : s.norm ? with_norm : plain)
                send(d, s.address, s.length);
    }
    const auto meters = dispatch_.meters(controller_.meters());
    for (const auto& s : subscribers_)
        for (const auto& d : meters)
            send(d, s.address, s.length);
}

void OscServer::send(const Datagram& d, const sockaddr_storage& to, socklen_t length) {
    if (::sendto(fd_, d.data(), d.size(), MSG_DONTWAIT | MSG_NOSIGNAL,
                 reinterpret_cast<const sockaddr*>(&to), length) < 0)
        ++send_dropped_;
}

void OscServer::report() {
    status_.subscribers = subscribers_.size();
    std::string notice = notice_;
    if (send_dropped_ > 0)
        notice += fmt::format(
            "{}{} datagrams to clients not sent (a client not reading, or "
            "the network full)",
            notice.empty() ? "" : "; ", send_dropped_);
    control::SurfaceStatus s = status_;
    s.notice = notice;
    controller_.set_surface_status(s);
}

}  // namespace phantom::osc
