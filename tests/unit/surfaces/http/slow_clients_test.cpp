// Slow, numerous and stalled clients against the real server on a real socket: none of them
// holds a thread, so a fresh request is still answered and a panel still gets its meters.
// These check that things happen, not how fast (speed: bench/http_load.cpp).
#include <gtest/gtest.h>

#include <memory>

#include "http_test_support.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/surfaces/http/http_client.hpp"
#include "phantom/surfaces/http/http_server.hpp"

namespace phantom::http {
namespace {

using test::RawConnection;
using test::WsClient;

class SlowClients : public ::testing::Test {
  protected:
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    control::Controller controller{iface, true};
    std::unique_ptr<HttpServer> server;

    void start(HttpLimits limits = {}) {
        HttpOptions options{"127.0.0.1", 0, {}, {}};
        options.limits = limits;
        server = std::make_unique<HttpServer>(controller, options);
    }
    int status(const std::string& method = "GET", const std::string& path = "/api/status",
               const std::string& body = {}) {
        return http_request("127.0.0.1", server->port(), method, path, body).status;
    }
};

TEST_F(SlowClients, TwentyOpenWebSocketsLeaveTheApiAnswering) {
    start();
    std::vector<std::unique_ptr<WsClient>> clients;
    for (int k = 0; k < 20; ++k) {
        clients.push_back(std::make_unique<WsClient>("127.0.0.1", server->port(), "/api/ws"));
        ASSERT_TRUE(clients.back()->open()) << k;
    }
    EXPECT_TRUE(test::eventually([&] { return server->websocket_clients() == 20; }));
    EXPECT_EQ(status(), 200);
    EXPECT_EQ(status("PUT", "/api/params/monitor/dim", R"({"value": true})"), 200);
}

TEST_F(SlowClients, AClientThatNeverReadsStarvesNoOther) {
    start();
    // Its receive window is tiny and it never reads: the server's writes to it stall.
    WsClient stalled("127.0.0.1", server->port(), "/api/ws", {}, 4096);
    ASSERT_TRUE(stalled.open());
    std::this_thread::sleep_for(std::chrono::seconds(2));  // let its buffers fill
    WsClient panel("127.0.0.1", server->port(), "/api/ws");
    ASSERT_TRUE(panel.open());
    panel.start_reading();
    std::this_thread::sleep_for(std::chrono::seconds(2));
    EXPECT_GT(panel.count("meters"), 0u);  // frames keep coming (the rate: bench/)
    EXPECT_EQ(status("PUT", "/api/params/monitor/mono", R"({"value": true})"), 200);
    EXPECT_TRUE(test::eventually([&] { return panel.count("changes") > 0; }));
    EXPECT_EQ(status(), 200);
}

TEST_F(SlowClients, AClientWhoseChangesPileUpIsDropped) {
    HttpLimits limits;
    limits.ws_max_queued_frames = 8;
    start(limits);
    WsClient stalled("127.0.0.1", server->port(), "/api/ws", {}, 4096);
    ASSERT_TRUE(stalled.open());
    WsClient panel("127.0.0.1", server->port(), "/api/ws");
    ASSERT_TRUE(panel.open());
    panel.start_reading();
    ASSERT_TRUE(test::eventually([&] { return server->websocket_clients() == 2; }));
    // One change a tick, until the stalled client's queue passes its bound.
    for (int k = 0; k < 2000 && server->websocket_clients() == 2; ++k) {
        const std::string body = "{\"value\": " + std::to_string(-(k % 40)) + "}";
        ASSERT_EQ(status("PUT", "/api/params/output/hp1/volume", body), 200);
        std::this_thread::sleep_for(std::chrono::milliseconds(15));
    }
    EXPECT_EQ(server->websocket_clients(), 1u);  // the stalled one went, the panel stays
    const size_t before = panel.count("meters");
    EXPECT_TRUE(test::eventually([&] { return panel.count("meters") > before; }));
}

TEST_F(SlowClients, AClientThatAnswersNoPingIsDroppedOneThatReadsStays) {
    HttpLimits limits;
    limits.ws_idle = std::chrono::milliseconds(1000);
    start(limits);
    WsClient silent("127.0.0.1", server->port(), "/api/ws", {}, 4096);  // never reads: no pong
    ASSERT_TRUE(silent.open());
    WsClient panel("127.0.0.1", server->port(), "/api/ws");  // reads, so it answers pings
    ASSERT_TRUE(panel.open());
    panel.start_reading();
    ASSERT_TRUE(test::eventually([&] { return server->websocket_clients() == 2; }));
    EXPECT_TRUE(test::eventually([&] { return server->websocket_clients() == 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // past two idle periods
    EXPECT_EQ(server->websocket_clients(), 1u);
    EXPECT_FALSE(panel.ended());
}

TEST_F(SlowClients, FortySlowlorisConnectionsLeaveTheApiAnswering) {
    start();
    std::vector<std::unique_ptr<RawConnection>> loris;
    for (int k = 0; k < 40; ++k) {
        loris.push_back(std::make_unique<RawConnection>(server->port()));
        ASSERT_TRUE(loris.back()->send("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    }
    for (int second = 0; second < 2; ++second) {  // a header line now and then, never the end
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        for (auto& c : loris)
            c->send("X-Slow: 1\r\n");
    }
    EXPECT_EQ(status(), 200);
}

TEST_F(SlowClients, TheHeaderDeadlineIsForTheWholeHeader) {
    HttpLimits limits;
    limits.header_deadline = std::chrono::milliseconds(1000);
    start(limits);
    RawConnection loris(server->port());
    loris.send("GET /api/status HTTP/1.1\r\n");
    // A byte every 200 ms would satisfy any per-byte timeout; the whole header has 1 s.
    bool closed = false;
    for (int k = 0; k < 100 && !closed; ++k) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        closed = !loris.send("X");
        if (!closed) {
            loris.read_all(std::chrono::milliseconds(1));
            closed = loris.closed_by_server();
        }
    }
    EXPECT_TRUE(closed);
}

TEST_F(SlowClients, SixteenStalledBodiesLeaveTheApiAnswering) {
    HttpLimits limits;
    limits.body_deadline = std::chrono::milliseconds(1500);
    start(limits);
    std::vector<std::unique_ptr<RawConnection>> stalled;
    for (int k = 0; k < 16; ++k) {
        stalled.push_back(std::make_unique<RawConnection>(server->port()));
        stalled.back()->send(
            "PUT /api/params/monitor/dim HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
            "application/json\r\nContent-Length: 100\r\n\r\n{\"value\":");
    }
    EXPECT_EQ(status(), 200);
    EXPECT_EQ(status("PUT", "/api/params/monitor/dim", R"({"value": true})"), 200);
    // And the body deadline closes them.
    for (auto& c : stalled) {
        c->read_all(std::chrono::milliseconds(15000));
        EXPECT_TRUE(c->closed_by_server());
    }
}

TEST_F(SlowClients, BeyondTheConnectionLimitNewOnesAreRefusedAtOnce) {
    HttpLimits limits;
    limits.max_connections = 8;
    start(limits);
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int k = 0; k < 8; ++k)
        idle.push_back(std::make_unique<RawConnection>(server->port()));
    ASSERT_TRUE(test::eventually([&] { return server->connections() == 8; }));
    RawConnection extra(server->port());
    extra.send("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    EXPECT_EQ(extra.read_status(), 503);
    idle.clear();  // they go: room again
    ASSERT_TRUE(test::eventually([&] { return server->connections() == 0; }));
    EXPECT_EQ(status(), 200);
}

}  // namespace
}  // namespace phantom::http
