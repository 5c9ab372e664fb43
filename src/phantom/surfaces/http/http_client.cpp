#include "phantom/surfaces/http/http_client.hpp"

#include <civetweb.h>
#include <fmt/format.h>

#include <strings.h>

#include <charconv>

namespace phantom::http {

HttpResult http_request(const std::string& host, int port, const std::string& method,
                        const std::string& path, const std::string& body,
                        const HttpHeaders& headers, int timeout_ms) {
    mg_init_library(0);
    char error[256] = "";
    mg_connection* conn = mg_connect_client(host.c_str(), port, 0, error, sizeof error);
    if (!conn)
        throw ConnectError(
            fmt::format("no Phantom answers at {}:{} ({}); start one with "
                        "`phantom start`, or give its address with --http",
                        host, port, error));
    std::string request = fmt::format("{} {} HTTP/1.1\r\nHost: {}:{}\r\nConnection: close\r\n",
                                      method, path, host, port);
    for (const auto& [name, value] : headers)
        request += fmt::format("{}: {}\r\n", name, value);
    if (!body.empty())
        request +=
            fmt::format("Content-Type: application/json\r\nContent-Length: {}\r\n", body.size());
    else if (method != "GET" && method != "DELETE")
        request += "Content-Length: 0\r\n";
    request += "\r\n" + body;
    mg_write(conn, request.data(), request.size());
    if (mg_get_response(conn, error, sizeof error, timeout_ms) < 0) {
        mg_close_connection(conn);
        throw std::runtime_error(
            fmt::format("{}:{}: {} {}: no valid answer ({})", host, port, method, path, error));
    }
    HttpResult result;
    const mg_response_info* info = mg_get_response_info(conn);
    result.status = info->status_code;
    for (int k = 0; k < info->num_headers; ++k)
        result.headers.emplace_back(info->http_headers[k].name, info->http_headers[k].value);
    char buffer[8192];
    int n = 0;
    while ((n = mg_read(conn, buffer, sizeof buffer)) > 0)
        result.body.append(buffer, static_cast<size_t>(n));
    mg_close_connection(conn);
    return result;
}

std::string HttpResult::header(const std::string& name) const {
    for (const auto& [n, v] : headers)
        if (strcasecmp(n.c_str(), name.c_str()) == 0) return v;
    return {};
}

std::pair<std::string, int> parse_host_port(const std::string& text) {
    const size_t colon = text.rfind(':');
    int port = -1;
    if (colon != std::string::npos && colon > 0) {
        const char* first = text.data() + colon + 1;
        const char* last = text.data() + text.size();
        auto [end, ec] = std::from_chars(first, last, port);
        if (ec != std::errc() || end != last) port = -1;
    }
    if (port < 0 || port > 65535)
        throw std::invalid_argument(
            fmt::format("--http {}: expected HOST:PORT, e.g. 127.0.0.1:7480", text));
    return {text.substr(0, colon), port};
}

}  // namespace phantom::http
