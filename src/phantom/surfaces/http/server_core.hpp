// Inside the HTTP server (http_server.hpp): what its connections share, and the push to the
// WebSocket clients. Three kinds of thread, each with one job:
//
//   [io]   one thread runs `io`: every socket, timer and queue of every client. Nothing that
//          runs there waits: no lock of the controller's, no blocking call.
//   [api]  `api_pool` calls route_api() (which takes the controller's lock) and serialises the
//          answer; the result is posted back to [io].
//   [feed] one thread runs `feed_io`: 40 times a second, WsFeed::tick() builds the frames once;
//          they are posted to [io] and shared by every client. Hellos are built there too, so
//          that a client's hello and the ticks it receives form one unbroken sequence.
#pragma once

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>

#include "phantom/surfaces/http/http_server.hpp"
#include "phantom/surfaces/http/ws_feed.hpp"

namespace phantom::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

using Frame = std::shared_ptr<const std::string>;

class ServerCore;
class WsSession;

// Held by every connection while it lives: counts it against max_connections.
class ConnectionSlot {
  public:
    explicit ConnectionSlot(std::atomic<size_t>& count) : count_(&count) { count.fetch_add(1); }
    ~ConnectionSlot() { count_->fetch_sub(1); }
    ConnectionSlot(const ConnectionSlot&) = delete;
    ConnectionSlot& operator=(const ConnectionSlot&) = delete;

  private:
    std::atomic<size_t>* count_;
};

// Starts the HTTP side of one accepted connection. [io]
void start_http_session(ServerCore& core, tcp::socket socket, std::shared_ptr<ConnectionSlot> slot);

class ServerCore {
  public:
    ServerCore(control::Controller& controller, const HttpOptions& options);

    control::Controller& controller;
    const HttpOptions options;
    const HttpLimits limits;
    std::atomic<size_t> connections{0};
    std::atomic<size_t> subscribers_count{0};
    // stop() has begun: a new API call is answered 503 at once. API answers not yet written
    // (from the call's start to the end of its write): stop() lets them go out first.
    std::atomic<bool> stopping{false};
    std::atomic<size_t> answers_pending{0};

    // The WebSocket push. [io] join: the hello is built on [feed], then the client is sent it
    // and subscribed, on [io], in the order of the ticks. leave: unsubscribes.
    void join(const std::shared_ptr<WsSession>& session);
    void leave(WsSession* session);
    // [feed] one tick: build the frames, hand them to [io].
    void tick();

    // Any thread: a failure inside a handler, to stderr once per distinct message (a client
    // repeating the request that causes it cannot flood the log).
    void log_failure(const std::string& where, const std::string& what);

    // Binds and starts the threads; throws std::runtime_error naming the address. Returns the
    // port. stop(): answers the API calls under way (for at most half a second), then ends the
    // threads and drops every connection; called once, before the end.
    int start();
    void stop();

  private:
    void accept_next();  // [io]
    void refuse_full(tcp::socket socket);
    void schedule_tick();  // [feed]

    WsFeed feed_;
    // [feed]
    Frame hello_;
    std::uint64_t hello_seq_ = 0;
    std::uint64_t ticked_seq_ = 0;
    // [io]
    std::unordered_map<WsSession*, std::shared_ptr<WsSession>> subscribers_;
    std::mutex log_mutex_;
    std::set<std::string> logged_;

  public:
    // Last, so destroyed first: their pending handlers hold sessions, whose sockets need `io`
    // and whose slots count in `connections`.
    asio::io_context io{1};
    asio::io_context feed_io{1};
    asio::thread_pool api_pool;

  private:
    tcp::acceptor acceptor_{io};
    asio::steady_timer accept_pause_{io};
    asio::steady_timer tick_timer_{feed_io};
    std::chrono::steady_clock::time_point next_tick_;
    std::thread io_thread_, feed_thread_;
};

}  // namespace phantom::http::detail
