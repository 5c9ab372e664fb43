#include "phantom/surfaces/http/http_server.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "phantom/surfaces/http/server_core.hpp"
#include "phantom/surfaces/http/ws_session.hpp"

namespace phantom::http {

namespace detail {

namespace {

// Sent without waiting to a connection beyond max_connections, which is then closed: the
// client learns at once that the server is full, and holds nothing.
const std::string& full_answer() {
    static const std::string kText = [] {
        const std::string body =
            "{\"error\":\"this Phantom has as many connections as it takes; try again\"}\n";
        return fmt::format(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            "Content-Length: {}\r\nRetry-After: 1\r\nCache-Control: no-store\r\n"
            "Connection: close\r\n\r\n{}",
            body.size(), body);
    }();
    return kText;
}

// How long a stop waits for the answers of calls under way: written at once to any client
// that reads, and a SIGTERM must end Phantom within a second.
constexpr auto kAnswerDrain = std::chrono::milliseconds(500);

// Runs `io` on this thread until it is stopped; a failure that escaped a handler is logged
// and the loop goes on (every handler catches its own: this is the last net).
void run_guarded(ServerCore& core, asio::io_context& io, const char* name) {
    for (;;) {
        try {
            io.run();
            return;
        } catch (const std::exception& e) {
            core.log_failure(name, e.what());
        } catch (...) {
            core.log_failure(name, "an exception that is not std::exception");
        }
    }
}

}  // namespace

ServerCore::ServerCore(control::Controller& c, const HttpOptions& o)
    : controller(c),
      options(o),
      limits(o.limits),
      feed_(c),
      api_pool(static_cast<std::size_t>(std::max(1, o.limits.api_threads))) {}

int ServerCore::start() {
    boost::system::error_code ec;
    const std::string where = fmt::format("{}:{}", options.host, options.port);
    tcp::endpoint endpoint;
    const asio::ip::address address = asio::ip::make_address(options.host, ec);
    if (!ec) {
        endpoint = tcp::endpoint(address, static_cast<unsigned short>(options.port));
    } else {  // a name ("localhost")
        tcp::resolver resolver(io);
        auto results = resolver.resolve(options.host, std::to_string(options.port), ec);
        if (ec || results.empty())
            throw std::runtime_error(fmt::format("cannot listen on {}: {}", where,
                                                 ec ? ec.message() : "the name has no address"));
        endpoint = results.begin()->endpoint();
    }
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) throw std::runtime_error(fmt::format("cannot listen on {}: {}", where, ec.message()));
    const int port = acceptor_.local_endpoint().port();

    accept_next();
    next_tick_ = std::chrono::steady_clock::now();
    schedule_tick();
    io_thread_ = std::thread([this] { run_guarded(*this, io, "the HTTP server's I/O"); });
    feed_thread_ = std::thread([this] { run_guarded(*this, feed_io, "the WebSocket push"); });
    return port;
}

void ServerCore::stop() {
    // A call under way gets its answer (an insert measurement cut short by the stop says it
    // was not applied): no new call starts, the pool finishes those it has, and [io] writes
    // their answers, for at most kAnswerDrain (a client that reads nothing cannot hold it).
    stopping.store(true);
    api_pool.join();
    const auto until = std::chrono::steady_clock::now() + kAnswerDrain;
    while (answers_pending.load() > 0 && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    feed_io.stop();
    if (feed_thread_.joinable()) feed_thread_.join();
    io.stop();
    if (io_thread_.joinable()) io_thread_.join();
    subscribers_.clear();
    subscribers_count.store(0);
}

void ServerCore::accept_next() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (ec) {  // out of file descriptors, most likely: wait for some to close, never spin
            log_failure("accepting a connection", ec.message());
            accept_pause_.expires_after(std::chrono::milliseconds(100));
            accept_pause_.async_wait([this](boost::system::error_code e) {
                if (!e) accept_next();
            });
            return;
        }
        try {
            if (connections.load() >= limits.max_connections)
                refuse_full(std::move(socket));
            else
                start_http_session(*this, std::move(socket),
                                   std::make_shared<ConnectionSlot>(connections));
        } catch (const std::exception& e) {
            log_failure("starting a connection", e.what());
        }
        accept_next();
    });
}

void ServerCore::refuse_full(tcp::socket socket) {
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.send(asio::buffer(full_answer()), 0, ignored);  // fits any fresh socket's buffer
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

void ServerCore::schedule_tick() {
    using Clock = std::chrono::steady_clock;
    const auto period = std::chrono::microseconds(1000000 / HttpServer::kMeterRateHz);
    next_tick_ += period;
    if (Clock::now() > next_tick_ + period) next_tick_ = Clock::now();  // behind: no burst
    tick_timer_.expires_at(next_tick_);
    tick_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) return;
        tick();
        schedule_tick();
    });
}

void ServerCore::tick() {
    try {
        WsFeed::Tick t = feed_.tick();
        ticked_seq_ = t.to_seq;
        Frame changes =
            t.changes.empty() ? nullptr : std::make_shared<const std::string>(std::move(t.changes));
        Frame meters =
            t.meters.empty() ? nullptr : std::make_shared<const std::string>(std::move(t.meters));
        asio::post(io, [this, changes, meters] {
            std::vector<std::shared_ptr<WsSession>> clients;  // a send may drop one: copy
            clients.reserve(subscribers_.size());
            for (const auto& [_, s] : subscribers_)
                clients.push_back(s);
            for (const auto& s : clients) {
                try {
                    if (changes) s->send_changes(changes);
                    if (meters) s->send_meters(meters);
                } catch (const std::exception& e) {
                    log_failure("pushing to a WebSocket client", e.what());
                }
            }
        });
    } catch (const std::exception& e) {
        log_failure("the WebSocket push", e.what());
    }
}

void ServerCore::join(const std::shared_ptr<WsSession>& session) {
    asio::post(feed_io, [this, session] {
        try {
            // One hello serves every client that joins before the next change is pushed.
            if (!hello_ || hello_seq_ < ticked_seq_) {
                WsFeed::Hello h = feed_.hello();
                hello_ = std::make_shared<const std::string>(std::move(h.text));
                hello_seq_ = h.seq;
            }
            // Posted after every tick so far and before the next: the client gets the ticks
            // after its hello, and only those.
            asio::post(io, [this, session, hello = hello_] {
                if (session->closed()) return;
                try {
                    session->send_hello(hello);
                    subscribers_.emplace(session.get(), session);
                    subscribers_count.store(subscribers_.size());
                } catch (const std::exception& e) {
                    log_failure("sending a WebSocket hello", e.what());
                }
            });
        } catch (const std::exception& e) {
            log_failure("building a WebSocket hello", e.what());
        }
    });
}

void ServerCore::leave(WsSession* session) {
    subscribers_.erase(session);
    subscribers_count.store(subscribers_.size());
}

void ServerCore::log_failure(const std::string& where, const std::string& what) {
    std::lock_guard lock(log_mutex_);
    constexpr std::size_t kDistinctFailures = 64;
    const std::string line = where + ": " + what;
    if (logged_.size() >= kDistinctFailures || !logged_.insert(line).second) return;
    std::fprintf(stderr, "phantom: HTTP server: %s (the same failure again is not logged)\n",
                 line.c_str());
}

}  // namespace detail

HttpServer::HttpServer(control::Controller& controller, HttpOptions options)
    : options_(std::move(options)),
      core_(std::make_unique<detail::ServerCore>(controller, options_)) {
    port_ = core_->start();
}

HttpServer::~HttpServer() {
    core_->stop();
}

std::string HttpServer::url() const {
    std::string host = options_.host;
    if (host == "0.0.0.0") {  // any address: name one a tablet can reach, when there is one
        const std::string lan = options_.token.empty() ? "" : network_address();
        host = lan.empty() ? "127.0.0.1" : lan;
    }
    return fmt::format("http://{}:{}/{}", host, port_,
                       options_.token.empty() ? "" : "?token=" + options_.token);
}

size_t HttpServer::websocket_clients() const {
    return core_->subscribers_count.load();
}

size_t HttpServer::connections() const {
    return core_->connections.load();
}

}  // namespace phantom::http
