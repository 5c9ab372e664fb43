// The HTTP + WebSocket control plane (civetweb): a JSON API over the Controller, and the
// WebSocket /api/ws that pushes meters at kMeterRateHz and every parameter change.
//
//   GET  /api/device                    the spec sheet
//   GET  /api/params[?prefix=/mix/hp1]  every parameter with schema and value
//   GET  /api/params/<path>             one parameter (or, for a prefix, the list under it)
//   PUT  /api/params/<path>             {"value": …}
//   POST /api/params                    a batch, all-or-nothing: {"/path": value, …}
//   GET  /api/meters   GET /api/status
//   GET  /api/snapshots                 names; GET /api/snapshots/<name>: its parameters
//   POST /api/snapshots                 {"name": "…"}: save the current state
//   POST /api/snapshots/<name>          recall (safely: see control/controller.hpp)
//   DELETE /api/snapshots/<name>
//
// Errors are JSON {"error", "path", "value", "allowed"}: 400 malformed, 404 unknown, 405 wrong
// method, 409 conflict, 413 too large, 415 not JSON, 422 wrong type or range.
//
// Security (reliability.md §5): bound to 127.0.0.1 by default; every request's Host must be a
// local name (or one allowed explicitly) against DNS rebinding; a request that changes state,
// and the WebSocket upgrade, is refused when it carries a foreign Origin; bodies must be
// application/json (no form or text/plain CSRF); GET never changes anything.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "phantom/control/controller.hpp"

struct mg_context;
struct mg_connection;

namespace phantom::server {

struct HttpOptions {
    std::string host = "127.0.0.1";
    int port = 7480;                         // 0: any free port (tests)
    std::vector<std::string> allowed_hosts;  // beyond localhost, 127.0.0.1 and [::1]
};

class HttpServer {
  public:
    static constexpr int kMeterRateHz = 40;
    static constexpr long long kMaxBodyBytes = 1 << 20;

    // Starts listening; throws std::runtime_error naming the address when it cannot.
    HttpServer(control::Controller& controller, HttpOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    int port() const { return port_; }
    std::string url() const;
    size_t websocket_clients() const;

    // Internal: civetweb's C callbacks land here.
    int handle_request(mg_connection* conn);
    int accept_websocket(const mg_connection* conn);
    void websocket_ready(mg_connection* conn);
    void websocket_closed(const mg_connection* conn);

  private:
    void push_loop();
    bool host_allowed(const mg_connection* conn) const;
    bool origin_allowed(const mg_connection* conn) const;

    control::Controller& controller_;
    HttpOptions options_;
    int port_ = 0;
    mg_context* ctx_ = nullptr;
    mutable std::mutex clients_mutex_;
    std::vector<mg_connection*> clients_;
    std::atomic<bool> stop_{false};
    std::thread pusher_;
};

}  // namespace phantom::server
