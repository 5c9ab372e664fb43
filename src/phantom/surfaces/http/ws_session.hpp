// One WebSocket client of /api/ws, after its upgrade request passed the guards. [io] only.
//
// Its send queue is bounded: at most one meters frame waits (a newer one replaces it), change
// frames and hellos wait in order up to limits.ws_max_queued_frames, and past that the client
// is dropped. One frame is written at a time; the read side only answers pings and closes
// (clients only listen: changes go through the HTTP routes).
#pragma once

#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <memory>

#include "phantom/surfaces/http/server_core.hpp"

namespace phantom::http::detail {

class WsSession : public std::enable_shared_from_this<WsSession> {
  public:
    WsSession(ServerCore& core, beast::tcp_stream stream, std::shared_ptr<ConnectionSlot> slot);

    // Answers the upgrade request, then joins the push.
    void accept(beast::http::request<beast::http::string_body> request);
    // The first frame; after it, the client is subscribed. [io]
    void send_hello(const Frame& hello);
    void send_changes(const Frame& frame);
    void send_meters(const Frame& frame);
    bool closed() const { return closed_; }

  private:
    void read_loop();
    void write_next();
    void drop();
    template <typename F>
    void guarded(F&& f);

    ServerCore& core_;
    beast::websocket::stream<beast::tcp_stream> ws_;
    std::shared_ptr<ConnectionSlot> slot_;
    beast::http::request<beast::http::string_body> upgrade_;  // read by the accept
    beast::flat_buffer read_buffer_;
    std::deque<Frame> changes_;
    Frame meters_;
    Frame writing_;  // kept alive while its write is under way
    bool closed_ = false;
};

}  // namespace phantom::http::detail
