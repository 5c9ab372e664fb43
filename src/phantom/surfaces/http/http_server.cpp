#include "phantom/surfaces/http/http_server.hpp"

#include <arpa/inet.h>
#include <civetweb.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "phantom/surfaces/http/api_routes.hpp"
#include "phantom/surfaces/http/web_assets.hpp"

namespace phantom::http {

using nlohmann::json;

namespace {

const char* reason_phrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 303:
            return "See Other";
        case 401:
            return "Unauthorized";
        case 400:
            return "Bad Request";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 409:
            return "Conflict";
        case 413:
            return "Payload Too Large";
        case 415:
            return "Unsupported Media Type";
        case 421:
            return "Misdirected Request";
        case 422:
            return "Unprocessable Entity";
        default:
            return "Error";
    }
}

void send_json(mg_connection* conn, int status, const json& body, const std::string& allow = {}) {
    const std::string text = body.dump() + "\n";
    mg_printf(conn,
              "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n%s\r\n",
              status, reason_phrase(status), text.size(),
              allow.empty() ? "" : fmt::format("Allow: {}\r\n", allow).c_str());
    mg_write(conn, text.data(), text.size());
}

// "localhost:7480" → "localhost"; "[::1]:7480" → "[::1]".
std::string host_name(const std::string& host) {
    if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);
    return host.substr(0, host.find(':'));
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// An IP literal cannot be rebound: DNS rebinding needs a name the attacker controls.
bool is_ip_literal(const std::string& name) {
    if (name.size() > 2 && name.front() == '[' && name.back() == ']') {
        in6_addr a6{};
        return inet_pton(AF_INET6, name.substr(1, name.size() - 2).c_str(), &a6) == 1;
    }
    in_addr a4{};
    return inet_pton(AF_INET, name.c_str(), &a4) == 1;
}

bool same_secret(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char diff = 0;  // no early exit: the time does not tell how much matched
    for (size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

// The value of `name` in a query string or cookie header ("a=1&token=x", "a=1; token=x").
std::string field_value(const std::string& text, const std::string& name, char separator) {
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(separator, start);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(start, end - start);
        item.erase(0, item.find_first_not_of(' '));
        if (item.compare(0, name.size() + 1, name + "=") == 0) return item.substr(name.size() + 1);
        start = end + 1;
    }
    return {};
}

// Only letters, digits and the `extra` characters: safe to put back into a header.
bool plain(const std::string& s, std::string_view extra) {
    return std::all_of(s.begin(), s.end(), [&](unsigned char c) {
        return std::isalnum(c) || extra.find(static_cast<char>(c)) != std::string_view::npos;
    });
}

constexpr const char* kTokenCookie = "phantom_token";

// A page of plain text: escaped (a path from the request must never become markup on this
// origin, where a script could drive the API), and allowed to run nothing.
void send_html(mg_connection* conn, int status, const std::string& text) {
    std::string escaped;
    for (char c : text) {
        switch (c) {
            case '&':
                escaped += "&amp;";
                break;
            case '<':
                escaped += "&lt;";
                break;
            case '>':
                escaped += "&gt;";
                break;
            case '"':
                escaped += "&quot;";
                break;
            case '\'':
                escaped += "&#39;";
                break;
            default:
                escaped += c;
        }
    }
    const std::string page =
        "<!doctype html><meta charset=utf-8><title>Phantom</title><p>" + escaped + "</p>\n";
    mg_printf(conn,
              "HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "
              "%zu\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
              "X-Frame-Options: DENY\r\nContent-Security-Policy: default-src 'none'\r\n\r\n",
              status, reason_phrase(status), page.size());
    mg_write(conn, page.data(), page.size());
}

int on_request(mg_connection* conn, void* self) {
    return static_cast<HttpServer*>(self)->handle_request(conn);
}
int on_ws_connect(const mg_connection* conn, void* self) {
    return static_cast<HttpServer*>(self)->accept_websocket(conn);
}
void on_ws_ready(mg_connection* conn, void* self) {
    static_cast<HttpServer*>(self)->websocket_ready(conn);
}
int on_ws_data(mg_connection*, int, char*, size_t, void*) {
    return 1;  // clients only listen; changes go through the HTTP routes
}
void on_ws_close(const mg_connection* conn, void* self) {
    static_cast<HttpServer*>(self)->websocket_closed(conn);
}

thread_local std::string t_start_error;
int on_log(const mg_connection*, const char* message) {
    t_start_error = message;
    return 1;  // civetweb prints nothing itself
}

}  // namespace

bool is_loopback_host(const std::string& host) {
    const std::string h = lower(host);
    return h == "localhost" || h == "::1" || h == "[::1]" || h.compare(0, 4, "127.") == 0 ||
           h.compare(0, 11, "::ffff:127.") == 0;
}

std::string network_address() {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return {};
    std::string found;
    for (ifaddrs* a = list; a && found.empty(); a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
        char text[INET_ADDRSTRLEN] = "";
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text,
                  sizeof text);
        if (!is_loopback_host(text)) found = text;
    }
    freeifaddrs(list);
    return found;
}

std::string make_access_token() {
    unsigned char bytes[16];
    size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0) throw std::runtime_error("cannot read random bytes for the access token");
        got += static_cast<size_t>(n);
    }
    std::string token;
    for (unsigned char b : bytes)
        token += fmt::format("{:02x}", b);
    return token;
}

HttpServer::HttpServer(control::Controller& controller, HttpOptions options)
    : controller_(controller), options_(std::move(options)), feed_(controller) {
    mg_init_library(MG_FEATURES_WEBSOCKET);
    const std::string listen = fmt::format("{}:{}", options_.host, options_.port);
    const char* cw_options[] = {
        "listening_ports",      listen.c_str(), "num_threads", "16", "request_timeout_ms", "5000",
        "websocket_timeout_ms", "3600000",      nullptr};
    mg_callbacks callbacks{};
    callbacks.log_message = on_log;
    t_start_error.clear();
    ctx_ = mg_start(&callbacks, this, cw_options);
    if (!ctx_)
        throw std::runtime_error(fmt::format(
            "cannot listen on {}: {}", listen,
            t_start_error.empty() ? "the address is in use or not local" : t_start_error));
    mg_server_port ports[1]{};
    if (mg_get_server_ports(ctx_, 1, ports) > 0) port_ = ports[0].port;
    mg_set_request_handler(ctx_, "/", on_request, this);  // the API and the panel's files
    mg_set_websocket_handler(ctx_, "/api/ws", on_ws_connect, on_ws_ready, on_ws_data, on_ws_close,
                             this);
    pusher_ = std::thread([this] { push_loop(); });
}

HttpServer::~HttpServer() {
    stop_.store(true);
    pusher_.join();
    // civetweb's listener polls with a 2 s timeout before it sees the stop flag; a connection
    // of our own wakes it, so that `phantom start` exits within a second of SIGTERM.
    std::atomic<bool> stopped{false};
    std::thread stopper([&] {
        mg_stop(ctx_);
        stopped.store(true);
    });
    while (!stopped.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port_));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd >= 0) {
            (void)::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
            ::close(fd);
        }
    }
    stopper.join();
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
    std::lock_guard lock(clients_mutex_);
    return clients_.size();
}

bool HttpServer::host_allowed(const mg_connection* conn) const {
    const char* host = mg_get_header(conn, "Host");
    if (!host) return false;
    const std::string name = lower(host_name(host));
    if (name == "localhost" || is_ip_literal(name)) return true;
    return std::any_of(options_.allowed_hosts.begin(), options_.allowed_hosts.end(),
                       [&](const std::string& h) { return lower(h) == name; });
}

bool HttpServer::origin_allowed(const mg_connection* conn) const {
    const char* origin = mg_get_header(conn, "Origin");
    if (!origin) return true;  // not a browser (curl, the CLI): Host already checked
    const char* host = mg_get_header(conn, "Host");
    if (!host) return false;
    // Same origin: the page was loaded from the very address this request goes to.
    auto with_port = [](const std::string& h) {
        return h.size() > host_name(h).size() ? h : h + ":80";
    };
    const std::string o = lower(origin);
    return o.compare(0, 7, "http://") == 0 && with_port(o.substr(7)) == with_port(lower(host));
}

HttpServer::Access HttpServer::access(const mg_connection* conn) const {
    if (options_.token.empty()) return Access::Granted;
    const mg_request_info* info = mg_get_request_info(conn);
    if (is_loopback_host(info->remote_addr)) return Access::Granted;  // as the loopback default
    const char* cookie = mg_get_header(conn, "Cookie");
    if (cookie && same_secret(field_value(cookie, kTokenCookie, ';'), options_.token))
        return Access::Granted;
    const char* authorization = mg_get_header(conn, "Authorization");
    if (authorization && same_secret(authorization, "Bearer " + options_.token))
        return Access::Granted;
    const std::string query = info->query_string ? info->query_string : "";
    if (same_secret(field_value(query, "token", '&'), options_.token)) return Access::TokenInQuery;
    return Access::Refused;
}

int HttpServer::check_token(mg_connection* conn, const std::string& path) {
    const Access a = access(conn);
    if (a == Access::Granted) return 0;
    const bool api = path.compare(0, 4, "/api") == 0;
    if (a == Access::TokenInQuery) {
        if (api) return 0;
        // Remember the token in a cookie and drop it from the address bar and history. The path
        // came decoded: only a plain one goes back into a header.
        mg_printf(conn,
                  "HTTP/1.1 303 See Other\r\nLocation: %s\r\nSet-Cookie: %s=%s; Path=/; "
                  "HttpOnly; SameSite=Strict\r\nContent-Length: 0\r\nCache-Control: "
                  "no-store\r\n\r\n",
                  plain(path, "/.-_") ? path.c_str() : "/", kTokenCookie, options_.token.c_str());
        return 303;
    }
    const std::string why =
        "this Phantom is reachable from the network and needs its access token: open the "
        "address `phantom start` printed (it ends in ?token=…)";
    if (api)
        send_json(conn, 401, {{"error", why}});
    else
        send_html(conn, 401, why);
    return 401;
}

int HttpServer::serve_asset(mg_connection* conn, const std::string& method,
                            const std::string& path) {
    if (method != "GET" && method != "HEAD") {
        send_json(conn, 405, {{"error", "the panel's files are read with GET"}}, "GET, HEAD");
        return 405;
    }
    const std::string wanted = path == "/" ? "/index.html" : path;
    // The WebSocket is named beside 'self' for browsers that do not count ws: as 'self'. The
    // Host was checked already; only a plain one goes back into a header.
    const char* host = mg_get_header(conn, "Host");
    const std::string h = host ? host : "";
    const std::string ws = plain(h, ".:-[]") && !h.empty() ? " ws://" + h : "";
    for (const WebAsset& a : web_assets()) {
        if (a.path != wanted) continue;
        // The panel may not be framed by another site, nor load anything from elsewhere.
        mg_printf(conn,
                  "HTTP/1.1 200 OK\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\n"
                  "Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n"
                  "X-Frame-Options: DENY\r\nContent-Security-Policy: default-src 'self'; "
                  "connect-src 'self'%s; frame-ancestors 'none'\r\n\r\n",
                  static_cast<int>(a.content_type.size()), a.content_type.data(), a.body.size(),
                  ws.c_str());
        if (method == "GET") mg_write(conn, a.body.data(), a.body.size());
        return 200;
    }
    send_html(conn, 404, "Not found: " + std::string(mg_get_request_info(conn)->local_uri));
    return 404;
}

int HttpServer::handle_request(mg_connection* conn) {
    const mg_request_info* info = mg_get_request_info(conn);
    const std::string method = info->request_method ? info->request_method : "";
    const std::string path = info->local_uri ? info->local_uri : "";
    const std::string query = info->query_string ? info->query_string : "";
    if (!host_allowed(conn)) {
        send_json(conn, 421,
                  {{"error",
                    "the Host header names no address of this Phantom (DNS rebinding "
                    "guard; see --allow-host)"}});
        return 421;
    }
    if (const int refused = check_token(conn, path)) return refused;
    if (path != "/api" && path.compare(0, 5, "/api/") != 0) return serve_asset(conn, method, path);
    return handle_api(conn, method, path, query);
}

int HttpServer::handle_api(mg_connection* conn, const std::string& method, const std::string& path,
                           const std::string& query) {
    const mg_request_info* info = mg_get_request_info(conn);
    ApiRequest request{method, path, query, {}};
    const bool write = is_write_method(request.method);
    if (write && !origin_allowed(conn)) {
        send_json(conn, 403, {{"error", "a foreign Origin may not change this Phantom"}});
        return 403;
    }
    if (info->content_length > kMaxBodyBytes) {
        send_json(conn, 413,
                  {{"error", fmt::format("the body is larger than {} bytes", kMaxBodyBytes)}});
        return 413;
    }
    if (write && info->content_length > 0) {
        const char* type = mg_get_header(conn, "Content-Type");
        if (!type || std::strncmp(type, "application/json", 16) != 0) {
            send_json(conn, 415, {{"error", "the body must be Content-Type: application/json"}});
            return 415;
        }
        char buffer[8192];
        int n = 0;
        while ((n = mg_read(conn, buffer, sizeof buffer)) > 0) {
            request.body.append(buffer, static_cast<size_t>(n));
            if (static_cast<long long>(request.body.size()) > kMaxBodyBytes) {
                send_json(conn, 413, {{"error", "the body is too large"}});
                return 413;
            }
        }
    }
    ApiResponse response = route_api(controller_, request);
    send_json(conn, response.status, response.body, response.allow);
    return response.status;
}

int HttpServer::accept_websocket(const mg_connection* conn) {
    const bool ok = host_allowed(conn) && origin_allowed(conn) && access(conn) != Access::Refused;
    return ok ? 0 : 1;  // non-zero refuses
}

void HttpServer::websocket_ready(mg_connection* conn) {
    // The first message: the whole tree, so a client starts in step. Sent under the clients'
    // lock, which push_loop() holds while it sends a tick: this client gets every later change.
    std::lock_guard lock(clients_mutex_);
    const std::string hello = feed_.hello().text;
    mg_websocket_write(conn, MG_WEBSOCKET_OPCODE_TEXT, hello.data(), hello.size());
    clients_.push_back(conn);
}

void HttpServer::websocket_closed(const mg_connection* conn) {
    std::lock_guard lock(clients_mutex_);
    std::erase(clients_, conn);
}

void HttpServer::push_loop() {
    using Clock = std::chrono::steady_clock;
    const auto period = std::chrono::microseconds(1000000 / kMeterRateHz);
    auto next = Clock::now();
    while (!stop_.load()) {
        next += period;
        std::this_thread::sleep_until(next);
        if (Clock::now() > next + period) next = Clock::now();  // fell behind: do not burst
        std::lock_guard lock(clients_mutex_);
        const WsFeed::Tick tick = feed_.tick();
        for (mg_connection* conn : clients_)
            for (const std::string* m : {&tick.changes, &tick.meters})
                if (!m->empty())
                    mg_websocket_write(conn, MG_WEBSOCKET_OPCODE_TEXT, m->data(), m->size());
    }
}

}  // namespace phantom::http
