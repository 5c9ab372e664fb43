#include "phantom/server/http_server.hpp"

#include <arpa/inet.h>
#include <civetweb.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "phantom/server/api_routes.hpp"

namespace phantom::server {

using nlohmann::json;

namespace {

const char* reason_phrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 201:
            return "Created";
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

HttpServer::HttpServer(control::Controller& controller, HttpOptions options)
    : controller_(controller), options_(std::move(options)) {
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
    mg_set_request_handler(ctx_, "/api", on_request, this);
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
    return fmt::format("http://{}:{}/", options_.host == "0.0.0.0" ? "127.0.0.1" : options_.host,
                       port_);
}

size_t HttpServer::websocket_clients() const {
    std::lock_guard lock(clients_mutex_);
    return clients_.size();
}

bool HttpServer::host_allowed(const mg_connection* conn) const {
    const char* host = mg_get_header(conn, "Host");
    if (!host) return false;
    const std::string name = host_name(host);
    if (name == "localhost" || name == "127.0.0.1" || name == "[::1]") return true;
    if (name == options_.host && options_.host != "0.0.0.0") return true;
    return std::find(options_.allowed_hosts.begin(), options_.allowed_hosts.end(), name) !=
           options_.allowed_hosts.end();
}

bool HttpServer::origin_allowed(const mg_connection* conn) const {
    const char* origin = mg_get_header(conn, "Origin");
    if (!origin) return true;  // not a browser (curl, the CLI): Host already checked
    std::string o = origin;
    if (o.compare(0, 7, "http://") != 0) return false;
    o = o.substr(7);
    const std::string name = host_name(o);
    const std::string port = o.size() > name.size() && o[name.size()] == ':'
                                 ? o.substr(name.size() + 1)
                                 : std::string("80");
    if (port != std::to_string(port_)) return false;
    const bool local = name == "localhost" || name == "127.0.0.1" || name == "[::1]";
    return local || std::find(options_.allowed_hosts.begin(), options_.allowed_hosts.end(), name) !=
                        options_.allowed_hosts.end();
}

int HttpServer::handle_request(mg_connection* conn) {
    const mg_request_info* info = mg_get_request_info(conn);
    ApiRequest request;
    request.method = info->request_method ? info->request_method : "";
    request.path = info->local_uri ? info->local_uri : "";
    request.query = info->query_string ? info->query_string : "";
    if (!host_allowed(conn)) {
        send_json(conn, 421,
                  {{"error",
                    "the Host header names no address of this Phantom (DNS rebinding "
                    "guard; see --allow-host)"}});
        return 421;
    }
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
    return host_allowed(conn) && origin_allowed(conn) ? 0 : 1;  // non-zero refuses
}

void HttpServer::websocket_ready(mg_connection* conn) {
    // The first message: the whole tree, so a client starts in step.
    const std::string hello = json{{"type", "hello"}, {"params", controller_.params("")}}.dump();
    mg_websocket_write(conn, MG_WEBSOCKET_OPCODE_TEXT, hello.data(), hello.size());
    std::lock_guard lock(clients_mutex_);
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
    std::vector<json> changes;
    bool lost = false;
    std::uint64_t seen = controller_.changes_since(~std::uint64_t{0} >> 1, changes, lost);
    changes.clear();
    while (!stop_.load()) {
        next += period;
        std::this_thread::sleep_until(next);
        if (Clock::now() > next + period) next = Clock::now();  // fell behind: do not burst
        std::lock_guard lock(clients_mutex_);
        if (clients_.empty()) {
            seen = controller_.changes_since(seen, changes, lost);
            changes.clear();
            continue;
        }
        std::string messages[2];
        seen = controller_.changes_since(seen, changes, lost);
        if (lost) {
            messages[0] = json{{"type", "hello"}, {"params", controller_.params("")}}.dump();
        } else if (!changes.empty()) {
            messages[0] = json{{"type", "changes"}, {"changes", changes}}.dump();
        }
        changes.clear();
        json meters = controller_.meters();
        meters["type"] = "meters";
        messages[1] = meters.dump();
        for (mg_connection* conn : clients_)
            for (const auto& m : messages)
                if (!m.empty())
                    mg_websocket_write(conn, MG_WEBSOCKET_OPCODE_TEXT, m.data(), m.size());
    }
}

}  // namespace phantom::server
