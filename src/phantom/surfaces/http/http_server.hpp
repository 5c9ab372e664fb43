// The HTTP + WebSocket control plane (Boost.Beast on Asio): a JSON API over the Controller, and
// the WebSocket /api/ws that pushes meters at kMeterRateHz and every parameter change.
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
// Errors are JSON {"error", "path", "value", "allowed"}: 400 malformed (or nested deeper than
// kMaxJsonDepth), 403 cross-site, 404 unknown (also a path that is not UTF-8), 405 wrong method,
// 408 too slow, 409 conflict, 413 too large, 415 not JSON, 422 wrong type or range (or a number
// beyond double range), 431 header too large, 500 a failure inside (logged once), 503 full.
//
// Every other GET path serves the web panel (web/, compiled in: web_assets.hpp).
//
// Security (reliability.md §5): bound to 127.0.0.1 by default; every request's Host must be a
// local name, an IP address, or a name allowed explicitly (DNS rebinding needs a name); a
// request that changes state, and the WebSocket upgrade, is refused when its Origin is not
// the Host it was sent to or its Sec-Fetch-Site is cross-site or same-site; a request that
// changes state must say Content-Type: application/json (optionally ; charset=utf-8), with or
// without a body (no form, text/plain or <img> CSRF); GET never changes anything; pages may
// not be framed (clickjacking a 48 V switch). With a token
// (set when bound beyond loopback), a client not on this machine must bring it: `?token=` once,
// which sets a cookie, or `Authorization: Bearer`.
//
// Slow and hostile clients (docs/threat-model.md): one thread does every socket's I/O and never
// waits on anything; the controller is called on a small pool (api_threads); the push runs on a
// thread of its own and hands each client the same frames. Limits (HttpLimits): a bounded
// number of connections (beyond it, a 503 at once and the socket closed), a deadline for the
// whole header and one for the whole body, a body size, a JSON depth, and per WebSocket client
// a bounded queue: meters are coalesced (only the newest waits), and a client whose queue of
// changes passes its bound, or that answers no ping within ws_idle, is dropped.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "phantom/control/controller.hpp"

namespace phantom::http {

struct HttpLimits {
    // 200 panels, a few CLI and API clients, and room to spare; each costs a socket and a few
    // kilobytes (the file-descriptor limit is the hard bound).
    std::size_t max_connections = 512;
    // From the connection (or the previous answer) to the end of the request's header, and
    // from there to the end of its body: whole deadlines, not per byte, so a client trickling a
    // byte a second (slowloris) is closed as surely as one that sends nothing.
    std::chrono::milliseconds header_deadline{10000};
    std::chrono::milliseconds body_deadline{10000};
    // To write one answer; a client that does not read it is closed.
    std::chrono::milliseconds write_deadline{10000};
    // Change frames (and hellos) waiting for one WebSocket client: 256 is six seconds of a
    // fader dragged without pause; past it the client is dropped (it reconnects and gets a
    // hello). Meters never queue: only the newest waits.
    std::size_t ws_max_queued_frames = 256;
    // A WebSocket client that sends nothing for half of this is pinged; silent for all of it,
    // dropped (a browser answers pings by itself, however busy the page).
    std::chrono::milliseconds ws_idle{20000};
    // The controller's calls (they take its lock, sometimes for milliseconds).
    int api_threads = 2;
};

struct HttpOptions {
    std::string host = "127.0.0.1";
    int port = 7480;                         // 0: any free port (tests)
    std::vector<std::string> allowed_hosts;  // beyond localhost, 127.0.0.1 and [::1]
    std::string token;                       // non-empty: required of clients not on this machine
    HttpLimits limits{};
};

// True for 127.x.y.z, ::1 and localhost: an address only this machine can reach.
bool is_loopback_host(const std::string& host);
// An IPv4 address of this machine that another one can reach, or "" when it has none.
std::string network_address();
// 32 hex digits from the kernel's random source (getrandom).
std::string make_access_token();

namespace detail {
class ServerCore;
}

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
    // WebSocket clients that have their hello and receive the push.
    size_t websocket_clients() const;
    // Open connections of any kind (HTTP, WebSocket, not yet a whole request).
    size_t connections() const;

  private:
    HttpOptions options_;
    int port_ = 0;
    std::unique_ptr<detail::ServerCore> core_;
};

}  // namespace phantom::http
