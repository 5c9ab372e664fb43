#include "phantom/surfaces/http/http_client.hpp"

#include <fmt/format.h>
#include <strings.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>

namespace phantom::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

namespace {

// An answer as large as the biggest device's whole parameter tree, with room to spare.
constexpr std::uint64_t kMaxAnswerBytes = 256ull << 20;

bool has_header(const HttpHeaders& headers, const char* name) {
    for (const auto& [n, v] : headers)
        if (strcasecmp(n.c_str(), name) == 0) return true;
    return false;
}

// Runs one asynchronous operation to its end on `io` (each under the stream's deadline), so
// that a blocking call still has a timeout.
template <typename Start>
boost::system::error_code run(asio::io_context& io, Start&& start) {
    boost::system::error_code result = asio::error::would_block;
    start([&](boost::system::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
}

}  // namespace

HttpResult http_request(const std::string& host, int port, const std::string& method,
                        const std::string& path, const std::string& body,
                        const HttpHeaders& headers, int timeout_ms) {
    asio::io_context io;
    const auto timeout = std::chrono::milliseconds(timeout_ms);
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    const auto addresses = resolver.resolve(host, std::to_string(port), ec);
    beast::tcp_stream stream(io);
    if (!ec) {
        stream.expires_after(timeout);
        ec = run(io, [&](auto handler) { stream.async_connect(addresses, handler); });
    }
    if (ec)
        throw ConnectError(
            fmt::format("no Phantom answers at {}:{} ({}); start one with "
                        "`phantom start`, or give its address with --http",
                        host, port, ec.message()));

    bhttp::request<bhttp::string_body> request{bhttp::string_to_verb(method), path, 11};
    if (request.method() == bhttp::verb::unknown) request.method_string(method);
    if (!has_header(headers, "Host"))
        request.set(bhttp::field::host, fmt::format("{}:{}", host, port));
    request.set(bhttp::field::connection, "close");
    for (const auto& [name, value] : headers)
        request.insert(name, value);
    // A request that changes state says it is JSON even without a body: the server refuses
    // anything else (a cross-site form cannot say it).
    const bool write = method != "GET" && method != "HEAD" && method != "OPTIONS";
    if ((write || !body.empty()) && !has_header(headers, "Content-Type"))
        request.set(bhttp::field::content_type, "application/json");
    request.body() = body;
    if (write || !body.empty()) request.prepare_payload();

    stream.expires_after(timeout);
    ec = run(io, [&](auto handler) { bhttp::async_write(stream, request, handler); });
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(kMaxAnswerBytes);
    if (method == "HEAD") parser.skip(true);  // the length of a body that does not come
    if (!ec) {
        stream.expires_after(timeout);
        ec = run(io, [&](auto handler) { bhttp::async_read(stream, buffer, parser, handler); });
    }
    if (ec && !(ec == bhttp::error::end_of_stream && parser.is_header_done()))
        throw std::runtime_error(fmt::format("{}:{}: {} {}: no valid answer ({})", host, port,
                                             method, path, ec.message()));
    HttpResult result;
    const auto& response = parser.get();
    result.status = static_cast<int>(response.result_int());
    for (const auto& field : response)
        result.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    result.body = response.body();
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
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
