// The OSC server: one UDP socket and one thread that takes datagrams, answers their senders,
// and every kPushInterval sends the change feed and the meters to the subscribers.
//
// Hostile datagrams (docs/threat-model.md): each is read whole into a fixed buffer (a longer
// one is cut by the kernel, seen, and dropped), checked by decode() before anything reads it,
// and taken or dropped whole; a sender not allowed by the SenderFilter is dropped before
// decoding. Every drop is counted and reported in the status. Replies and feedback never wait:
// a datagram the kernel cannot take at once is dropped (a client that does not read loses
// feedback, never holds up the server). Subscriptions are leases (OscOptions::lease) and
// bounded in number, so clients that vanished are not sent to for long.
//
// Threads: the server's own; it calls the controller (its lock) for each datagram and for the
// meters, never the audio thread.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "phantom/control/controller.hpp"
#include "phantom/surfaces/osc/osc_dispatch.hpp"
#include "phantom/surfaces/osc/sender_filter.hpp"

namespace phantom::osc {

struct OscOptions {
    std::string host = "127.0.0.1";  // beyond loopback only when asked (--osc)
    int port = 7481;                 // 0: any free port (tests)
    std::vector<std::string> allow;  // networks beyond this machine that may send (--osc-allow)
    // A subscription lasts this long from its last /phantom/subscribe: renew every 10 s.
    std::chrono::milliseconds lease{20000};
    std::size_t max_subscribers = 32;
};

// "127.0.0.1:7481", "[::1]:7481", "0.0.0.0:9000" → host and port; throws
// std::invalid_argument naming the option.
std::pair<std::string, int> parse_osc_address(const std::string& text);

class OscServer {
  public:
    // [control-thread] Binds now (throws std::runtime_error naming the address when it cannot)
    // and starts the thread.
    OscServer(control::Controller& controller, const OscOptions& options);
    ~OscServer();
    OscServer(const OscServer&) = delete;
    OscServer& operator=(const OscServer&) = delete;

    // "udp://127.0.0.1:7481", with the port bound.
    std::string url() const;
    int port() const { return port_; }
    // One line for the start banner when senders beyond this machine cannot reach it.
    std::string notice() const { return notice_; }

    // Feedback cadence: ≥ 30 meter frames a second even when a wake-up is late.
    static constexpr std::chrono::milliseconds kPushInterval{25};

  private:
    struct Subscriber {
        sockaddr_storage address{};
        socklen_t length = 0;
        bool norm = false;
        std::chrono::steady_clock::time_point expires;
    };

    void run();
    void take(const std::uint8_t* data, std::size_t size, const sockaddr_storage& from,
              socklen_t from_length);
    void subscribe(const Outcome& outcome, const sockaddr_storage& from, socklen_t length);
    void push(std::chrono::steady_clock::time_point now);
    void send(const Datagram& d, const sockaddr_storage& to, socklen_t length);
    void report();

    control::Controller& controller_;
    OscOptions options_;
    OscDispatch dispatch_;
    SenderFilter filter_;
    int fd_ = -1;
    int port_ = 0;
    std::string host_, notice_;
    std::vector<Subscriber> subscribers_;
    std::uint64_t seen_seq_ = 0;
    control::SurfaceStatus status_;
    std::uint64_t send_dropped_ = 0;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace phantom::osc
