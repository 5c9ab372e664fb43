// Clients for the HTTP surface's tests, on real sockets: raw TCP for requests no well-behaved
// client sends (a bad Host, a header that never ends, a body that stalls), and a Beast
// WebSocket client that collects what /api/ws pushes (or never reads it).
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "phantom/control/controller.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/surfaces/http/http_client.hpp"
#include "phantom/surfaces/http/http_server.hpp"

namespace phantom::http::test {

// A TCP connection to 127.0.0.1:port, closed at the end of its life.
class RawConnection {
  public:
    explicit RawConnection(int port, int receive_buffer_bytes = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (receive_buffer_bytes > 0)
            ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes,
                         sizeof receive_buffer_bytes);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    ~RawConnection() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    bool connected() const { return connected_; }
    bool send(const std::string& bytes) {
        size_t sent = 0;
        while (sent < bytes.size()) {
            const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
            if (n <= 0) return false;
            sent += static_cast<size_t>(n);
        }
        return true;
    }
    // Everything until the server closes, or until `timeout` passes.
    std::string read_all(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
        std::string out;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        char buffer[8192];
        while (std::chrono::steady_clock::now() < deadline) {
            pollfd p{fd_, POLLIN, 0};
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (::poll(&p, 1, static_cast<int>(std::max<long>(left.count(), 0))) <= 0) break;
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) {
                closed_by_server_ = true;
                break;
            }
            out.append(buffer, static_cast<size_t>(n));
        }
        return out;
    }
    // One answer: its status line's code (0 when none came), read until the server closes or
    // the whole body (Content-Length) is in.
    int read_status(std::string* body = nullptr,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
        std::string text;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        char buffer[8192];
        while (std::chrono::steady_clock::now() < deadline) {
            const size_t end = text.find("\r\n\r\n");
            if (end != std::string::npos) {
                const size_t cl = text.find("Content-Length: ");
                const size_t length =
                    cl == std::string::npos ? 0 : std::stoul(text.substr(cl + 16));
                if (text.size() >= end + 4 + length) break;
            }
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) continue;
            const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            text.append(buffer, static_cast<size_t>(n));
        }
        if (text.compare(0, 9, "HTTP/1.1 ") != 0) return 0;
        if (body) *body = text.substr(std::min(text.size(), text.find("\r\n\r\n") + 4));
        return std::stoi(text.substr(9, 3));
    }
    bool closed_by_server() const { return closed_by_server_; }

  private:
    int fd_ = -1;
    bool connected_ = false;
    bool closed_by_server_ = false;
};

// A WebSocket client of /api/ws. Connected and upgraded by the constructor; status() is 101
// when the server accepted, else the code it refused with.
class WsClient {
  public:
    struct Message {
        std::chrono::steady_clock::time_point at;
        nlohmann::json body;
    };

    WsClient(const std::string& host, int port, const std::string& target,
             const HttpHeaders& headers = {}, int receive_buffer_bytes = 0)
        : ws_(io_) {
        namespace websocket = boost::beast::websocket;
        boost::system::error_code ec;
        auto& socket = boost::beast::get_lowest_layer(ws_);
        socket.open(boost::asio::ip::tcp::v4(), ec);
        if (receive_buffer_bytes > 0)
            socket.set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer_bytes),
                              ec);
        socket.connect({boost::asio::ip::make_address(host), static_cast<unsigned short>(port)},
                       ec);
        if (ec) return;
        ws_.set_option(websocket::stream_base::decorator([headers](websocket::request_type& r) {
            for (const auto& [name, value] : headers)
                r.set(name, value);
        }));
        websocket::response_type response;
        ws_.handshake(response, host + ":" + std::to_string(port), target, ec);
        status_ = static_cast<int>(response.result_int());
    }
    ~WsClient() { close(); }
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;

    int status() const { return status_; }
    bool open() const { return status_ == 101; }

    // Collects every text frame on a thread of its own until close().
    void start_reading() {
        read_next();
        reader_ = std::thread([this] { io_.run(); });
    }
    std::vector<Message> messages() {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    size_t count(const std::string& type) {
        std::lock_guard lock(mutex_);
        size_t n = 0;
        for (const auto& m : messages_)
            n += m.body.value("type", "") == type;
        return n;
    }
    // The server closed the connection (seen by the reader).
    bool ended() const { return ended_.load(); }
    void close() {
        boost::asio::post(io_, [this] {
            boost::system::error_code ignored;
            boost::beast::get_lowest_layer(ws_).close(ignored);
        });
        if (reader_.joinable()) reader_.join();
        boost::system::error_code ignored;
        boost::beast::get_lowest_layer(ws_).close(ignored);
    }

  private:
    void read_next() {
        ws_.async_read(buffer_, [this](boost::system::error_code ec, size_t) {
            if (ec) {
                ended_.store(true);
                return;
            }
            const std::string text = boost::beast::buffers_to_string(buffer_.data());
            buffer_.consume(buffer_.size());
            {
                std::lock_guard lock(mutex_);
                messages_.push_back({std::chrono::steady_clock::now(),
                                     nlohmann::json::parse(text, nullptr, false)});
            }
            read_next();
        });
    }

    boost::asio::io_context io_;
    boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
    boost::beast::flat_buffer buffer_;
    int status_ = 0;
    std::thread reader_;
    std::mutex mutex_;
    std::vector<Message> messages_;
    std::atomic<bool> ended_{false};
};

// Wait until `done()` or `limit` passes; the last value of done().
template <typename F>
bool eventually(F&& done, std::chrono::milliseconds limit = std::chrono::milliseconds(15000)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

// studio-8x8 behind a real HTTP server on a free port, and the calls a test makes to it.
class ServedInterface : public ::testing::Test {
  protected:
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    control::Controller controller{iface, true};
    HttpServer server{controller, HttpOptions{"127.0.0.1", 0, {}, {}}};

    // How long a call waits for its answer.
    int timeout_ms = 10000;

    HttpResult call(const std::string& method, const std::string& path,
                    const std::string& body = {}, const HttpHeaders& headers = {}) {
        return http_request("127.0.0.1", server.port(), method, path, body, headers, timeout_ms);
    }
    nlohmann::json ok(const std::string& method, const std::string& path,
                      const std::string& body = {}) {
        HttpResult r = call(method, path, body);
        EXPECT_LT(r.status, 300) << method << " " << path << ": " << r.body;
        return nlohmann::json::parse(r.body);
    }
    double value(const std::string& path) {
        return iface.params().value(iface.params().require(path));
    }
};

}  // namespace phantom::http::test
