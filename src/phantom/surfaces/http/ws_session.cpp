#include "phantom/surfaces/http/ws_session.hpp"

namespace phantom::http::detail {

namespace websocket = beast::websocket;

namespace {

// A client says nothing but pongs and a close: anything larger is not a client of ours.
constexpr std::size_t kMaxClientMessageBytes = 4096;
// Bounds the kernel's memory per client (200 panels) and lets a stalled client's queue show
// in ours, where it is coalesced and bounded, rather than in megabytes of socket buffer.
constexpr int kSendBufferBytes = 256 * 1024;

}  // namespace

// Every handler runs inside this: a failure drops this client (and is logged once), never
// leaves the handler.
template <typename F>
void WsSession::guarded(F&& f) {
    try {
        f();
    } catch (const std::exception& e) {
        core_.log_failure("a WebSocket client", e.what());
        drop();
    } catch (...) {
        core_.log_failure("a WebSocket client", "an exception that is not std::exception");
        drop();
    }
}

WsSession::WsSession(ServerCore& core, beast::tcp_stream stream,
                     std::shared_ptr<ConnectionSlot> slot)
    : core_(core), ws_(std::move(stream)), slot_(std::move(slot)) {}

void WsSession::accept(beast::http::request<beast::http::string_body> request) {
    beast::get_lowest_layer(ws_).expires_never();  // the WebSocket keeps its own timeouts
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().set_option(
        asio::socket_base::send_buffer_size(kSendBufferBytes), ignored);
    websocket::stream_base::timeout timeout{};
    timeout.handshake_timeout = core_.limits.write_deadline;
    timeout.idle_timeout = core_.limits.ws_idle;
    timeout.keep_alive_pings = true;
    ws_.set_option(timeout);
    ws_.read_message_max(kMaxClientMessageBytes);
    upgrade_ = std::move(request);
    ws_.async_accept(upgrade_, [self = shared_from_this()](boost::system::error_code ec) {
        if (ec) return;  // the socket closes with the last reference
        self->guarded([&] {
            self->read_loop();
            self->core_.join(self);
        });
    });
}

void WsSession::read_loop() {
    ws_.async_read(read_buffer_,
                   [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                       if (ec) {
                           self->drop();
                           return;
                       }
                       self->read_buffer_.clear();  // clients only listen: ignore what they say
                       self->guarded([&] { self->read_loop(); });
                   });
}

void WsSession::send_hello(const Frame& hello) {
    send_changes(hello);
}

void WsSession::send_changes(const Frame& frame) {
    if (closed_) return;
    if (changes_.size() >= core_.limits.ws_max_queued_frames) {
        drop();  // it reads too slowly: it reconnects and starts over with a hello
        return;
    }
    changes_.push_back(frame);
    if (!writing_) write_next();
}

void WsSession::send_meters(const Frame& frame) {
    if (closed_) return;
    meters_ = frame;  // coalesced: only the newest waits
    if (!writing_) write_next();
}

void WsSession::write_next() {
    if (closed_) return;
    if (!changes_.empty()) {
        writing_ = std::move(changes_.front());
        changes_.pop_front();
    } else if (meters_) {
        writing_ = std::move(meters_);
        meters_.reset();
    } else {
        return;
    }
    ws_.text(true);
    ws_.async_write(asio::buffer(*writing_),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                        self->writing_.reset();
                        if (ec) {
                            self->drop();
                            return;
                        }
                        self->guarded([&] { self->write_next(); });
                    });
}

void WsSession::drop() {
    if (closed_) return;
    closed_ = true;
    changes_.clear();
    meters_.reset();
    core_.leave(this);
    // A hard close: a client that does not read would never see a close frame. Pending
    // operations end with operation_aborted, and the session goes with their handlers.
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(ws_).socket().close(ignored);
}

}  // namespace phantom::http::detail
