// Load on the control plane (docs/benchmarks.md, "Control plane under load"): many panels, slow
// WebSocket clients that never read, and slowloris connections, all at once against a real
// `phantom start`, while a fresh client times `GET /api/status` and one panel's meter frames
// are counted.
//
//   phantom-http-load [--phantom PATH] [--seconds 60] [--panels 200] [--slow 20] [--loris 40]
//                     [--port N]   (N: use a running Phantom instead of starting one)
//
// Everything goes to 127.0.0.1 only; every loop is bounded by --seconds.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "phantom/surfaces/http/http_client.hpp"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::string phantom = "build/phantom";
    int seconds = 60, panels = 200, slow = 20, loris = 40, port = 0;
};

// A panel: reads every frame, counts the meters ones (and keeps their times when measured).
struct Panel : std::enable_shared_from_this<Panel> {
    explicit Panel(asio::io_context& io) : ws(io) {}
    websocket::stream<tcp::socket> ws;
    beast::flat_buffer buffer;
    std::size_t meters = 0, frames = 0;
    bool measured = false, ended = false;
    std::vector<Clock::time_point> meter_times;

    void read() {
        ws.async_read(buffer, [self = shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec) {
                self->ended = true;
                return;
            }
            ++self->frames;
            const auto data = self->buffer.cdata();
            const std::string_view text(static_cast<const char*>(data.data()), data.size());
            if (text.find("\"type\":\"meters\"") != std::string_view::npos) {
                ++self->meters;
                if (self->measured) self->meter_times.push_back(Clock::now());
            }
            self->buffer.consume(self->buffer.size());
            self->read();
        });
    }
};

bool open_ws(websocket::stream<tcp::socket>& ws, int port, int receive_buffer_bytes) {
    beast::error_code ec;
    auto& s = ws.next_layer();
    s.open(tcp::v4(), ec);
    if (receive_buffer_bytes > 0)
        s.set_option(asio::socket_base::receive_buffer_size(receive_buffer_bytes), ec);
    s.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    if (ec) return false;
    ws.handshake("127.0.0.1:" + std::to_string(port), "/api/ws", ec);
    return !ec;
}

// A slowloris connection: a header begun and never finished, a line every few seconds; when
// the server closes it (its header deadline), another takes its place.
struct Loris : std::enable_shared_from_this<Loris> {
    Loris(asio::io_context& io, int server_port) : socket(io), timer(io), port(server_port) {}
    tcp::socket socket;
    asio::steady_timer timer;
    int port;
    std::size_t reopened = 0;
    Clock::time_point end;

    void open() {
        beast::error_code ec;
        socket = tcp::socket(socket.get_executor());
        socket.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)},
                       ec);
        static const std::string start = "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        asio::write(socket, asio::buffer(start), ec);
        trickle();
    }
    void trickle() {
        if (Clock::now() > end) return;
        timer.expires_after(std::chrono::seconds(2));
        timer.async_wait([self = shared_from_this()](beast::error_code ec) {
            if (ec) return;
            static const std::string line = "X-Slow: 1\r\n";
            beast::error_code wec;
            asio::write(self->socket, asio::buffer(line), wec);
            if (wec) {  // closed by the server
                ++self->reopened;
                self->open();
                return;
            }
            self->trickle();
        });
    }
};

pid_t start_phantom(const std::string& binary, int& port) {
    int out[2];
    if (pipe(out) != 0) return -1;
    const std::string state = "/tmp/phantom-http-load-" + std::to_string(getpid()) + ".json";
    const pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        ::close(out[0]);
        const int null = ::open("/dev/null", O_WRONLY);
        dup2(null, 2);
        execl(binary.c_str(), binary.c_str(), "start", "--http", "127.0.0.1:0", "--osc", "off",
              "--quiet", "--session", state.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    ::close(out[1]);
    std::string text;
    char buffer[256];
    const std::regex url("http://127\\.0\\.0\\.1:([0-9]+)/");
    std::smatch m;
    while (!std::regex_search(text, m, url)) {
        const ssize_t n = read(out[0], buffer, sizeof buffer);
        if (n <= 0) return -1;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    port = std::stoi(m[1]);
    return pid;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--phantom")
            o.phantom = v;
        else if (a == "--seconds")
            o.seconds = std::stoi(v);
        else if (a == "--panels")
            o.panels = std::stoi(v);
        else if (a == "--slow")
            o.slow = std::stoi(v);
        else if (a == "--loris")
            o.loris = std::stoi(v);
        else if (a == "--port")
            o.port = std::stoi(v);
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    pid_t child = -1;
    int port = o.port;
    if (!port) {
        child = start_phantom(o.phantom, port);
        if (child < 0) {
            std::fprintf(stderr, "cannot start %s\n", o.phantom.c_str());
            return 1;
        }
    }

    asio::io_context io;
    std::vector<std::shared_ptr<Panel>> panels;
    for (int k = 0; k < o.panels; ++k) {
        auto p = std::make_shared<Panel>(io);
        if (!open_ws(p->ws, port, 0)) {
            std::fprintf(stderr, "panel %d could not connect\n", k);
            continue;
        }
        p->measured = k == 0;
        p->read();
        panels.push_back(p);
    }
    std::vector<std::unique_ptr<websocket::stream<tcp::socket>>> slow;
    for (int k = 0; k < o.slow; ++k) {
        auto s = std::make_unique<websocket::stream<tcp::socket>>(io);
        if (open_ws(*s, port, 4096)) slow.push_back(std::move(s));  // and never read
    }
    const auto start = Clock::now();
    const auto end = start + std::chrono::seconds(o.seconds);
    std::vector<std::shared_ptr<Loris>> loris;
    for (int k = 0; k < o.loris; ++k) {
        auto l = std::make_shared<Loris>(io, port);
        l->end = end;
        l->open();
        loris.push_back(l);
    }
    std::printf(
        "%zu panels, %zu slow WebSocket clients that never read, %zu slowloris "
        "connections; %d s\n",
        panels.size(), slow.size(), loris.size(), o.seconds);
    std::fflush(stdout);
    std::thread clients([&] { io.run_until(end + std::chrono::seconds(1)); });

    // The fresh client: a new connection for each GET /api/status, ten a second.
    std::vector<double> latency_ms;
    int failures = 0;
    while (Clock::now() < end) {
        const auto t0 = Clock::now();
        try {
            const auto r = phantom::http::http_request("127.0.0.1", port, "GET", "/api/status");
            if (r.status != 200) ++failures;
        } catch (const std::exception&) {
            ++failures;
        }
        latency_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        std::this_thread::sleep_until(t0 + std::chrono::milliseconds(100));
    }
    clients.join();

    std::vector<Clock::time_point> times;  // the measured panel's, within the run
    if (!panels.empty())
        for (const auto& t : panels.front()->meter_times)
            if (t >= start && t < end) times.push_back(t);
    // The measured panel's meter rate over the run, and its worst whole second.
    std::vector<int> per_second(static_cast<std::size_t>(o.seconds), 0);
    for (const auto& t : times) {
        const auto s = std::chrono::duration_cast<std::chrono::seconds>(t - start).count();
        if (s >= 0 && s < o.seconds) ++per_second[static_cast<std::size_t>(s)];
    }
    std::size_t alive = 0, frames = 0;
    for (const auto& p : panels) {
        alive += !p->ended;
        frames += p->frames;
    }
    // Were the clients that never read dropped by the server? Their socket holds what came
    // before the drop, then the end.
    std::size_t dropped = 0;
    for (auto& s : slow) {
        auto& socket = s->next_layer();
        beast::error_code ec;
        socket.non_blocking(true, ec);
        char sink[65536];
        while (!ec)
            socket.read_some(asio::buffer(sink), ec);
        dropped += ec == asio::error::eof || ec == asio::error::connection_reset;
    }
    std::size_t reopened = 0;
    for (const auto& l : loris)
        reopened += l->reopened;
    std::printf(
        "GET /api/status (fresh connection each): %zu requests, %d failed, median "
        "%.1f ms, p95 %.1f ms, max %.1f ms\n",
        latency_ms.size(), failures, percentile(latency_ms, 0.5), percentile(latency_ms, 0.95),
        percentile(latency_ms, 1.0));
    std::printf("measured panel: %.1f meter frames/s over the run, worst second %d\n",
                static_cast<double>(times.size()) / o.seconds,
                per_second.empty() ? 0 : *std::min_element(per_second.begin(), per_second.end()));
    std::printf("panels still connected at the end: %zu of %zu; %zu frames received in all\n",
                alive, panels.size(), frames);
    std::printf("slowloris connections closed by the header deadline and reopened: %zu\n",
                reopened);
    std::printf("clients that never read, dropped by the server: %zu of %zu\n", dropped,
                slow.size());
    if (child > 0) {
        kill(child, SIGTERM);
        waitpid(child, nullptr, 0);
    }
    return 0;
}
