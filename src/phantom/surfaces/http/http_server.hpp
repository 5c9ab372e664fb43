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
// Every other GET path serves the web panel (web/, compiled in: web_assets.hpp).
//
// Security (reliability.md §5): bound to 127.0.0.1 by default; every request's Host must be a
// local name, an IP address, or a name allowed explicitly (DNS rebinding needs a name); a
// request that changes state, and the WebSocket upgrade, is refused when its Origin is not
// the Host it was sent to; bodies must be application/json (no form or text/plain CSRF); GET
// never changes anything; pages may not be framed (clickjacking a 48 V switch). With a token
// (set when bound beyond loopback), a client not on this machine must bring it: `?token=` once,
// which sets a cookie, or `Authorization: Bearer`.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "phantom/control/controller.hpp"
#include "phantom/surfaces/http/ws_feed.hpp"

struct mg_context;
struct mg_connection;

namespace phantom::http {

struct HttpOptions {
    std::string host = "127.0.0.1";
    int port = 7480;                         // 0: any free port (tests)
    std::vector<std::string> allowed_hosts;  // beyond localhost, 127.0.0.1 and [::1]
    std::string token;                       // non-empty: required of clients not on this machine
};

// True for 127.x.y.z, ::1 and localhost: an address only this machine can reach.
bool is_loopback_host(const std::string& host);
// An IPv4 address of this machine that another one can reach, or "" when it has none.
std::string network_address();
// 32 hex digits from the kernel's random source (getrandom).
std::string make_access_token();

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
    // The address to open the panel at; with a token, it carries `?token=`.
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
    enum class Access { Granted, TokenInQuery, Refused };
    Access access(const mg_connection* conn) const;
    // 0 when the client may go on; otherwise the answer has been sent (401, or the redirect
    // that turns `?token=` into a cookie) and this is its status.
    int check_token(mg_connection* conn, const std::string& path);
    int serve_asset(mg_connection* conn, const std::string& method, const std::string& path);
    int handle_api(mg_connection* conn, const std::string& method, const std::string& path,
                   const std::string& query);

    control::Controller& controller_;
    HttpOptions options_;
    WsFeed feed_;
    int port_ = 0;
    mg_context* ctx_ = nullptr;
    mutable std::mutex clients_mutex_;
    std::vector<mg_connection*> clients_;
    std::atomic<bool> stop_{false};
    std::thread pusher_;
};

}  // namespace phantom::http
