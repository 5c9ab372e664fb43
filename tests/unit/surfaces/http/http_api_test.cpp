// The HTTP + WebSocket control plane, in process on a free port, through a real socket: every
// route, every error code, the DNS-rebinding and CSRF guards, concurrency, and the WebSocket
// meter rate and change notifications.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "http_test_support.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/surfaces/http/http_client.hpp"
#include "phantom/surfaces/http/http_server.hpp"

namespace phantom::http {
namespace {

using nlohmann::json;

class HttpApi : public test::ServedInterface {};

TEST_F(HttpApi, ServesTheDeviceParamsMetersAndStatus) {
    EXPECT_EQ(ok("GET", "/api/device")["id"], "studio-8x8");
    const json all = ok("GET", "/api/params");
    EXPECT_EQ(all.size(), iface.params().size());
    const json one = ok("GET", "/api/params/monitor/dim");
    EXPECT_EQ(one["path"], "/monitor/dim");
    EXPECT_EQ(one["type"], "bool");
    EXPECT_EQ(one["default"], false);
    const json gain = ok("GET", "/api/params/input/in1/gain");  // what a panel draws a knob from
    EXPECT_EQ(gain["min"], 0.0);
    EXPECT_EQ(gain["max"], 60.0);
    EXPECT_EQ(gain["unit"], "dB");
    EXPECT_EQ(ok("GET", "/api/params/mix/main/in1/gain")["min"], "-inf");
    const json under = ok("GET", "/api/params/mix/hp1/in1");
    EXPECT_EQ(under.size(), 5u);  // gain, pan, mute, the reverb and echo sends
    EXPECT_EQ(ok("GET", "/api/params?prefix=%2Fmonitor%2Fd").size(), 2u);  // dim, dim_level
    const json meters = ok("GET", "/api/meters");
    EXPECT_EQ(meters["outputs"].size(), iface.output_channel_count());
    EXPECT_EQ(ok("GET", "/api/status")["device"], "studio-8x8");
}

TEST_F(HttpApi, PutAndPostChangeParameters) {
    json r = ok("PUT", "/api/params/mix/main/in1/gain", R"({"value": -6})");
    EXPECT_EQ(r["changed"][0]["value"], -6.0);
    EXPECT_EQ(value("/mix/main/in1/gain"), -6.0);
    ok("POST", "/api/params", R"({"/monitor/dim": true, "/output/hp1/volume": -10})");
    EXPECT_EQ(value("/monitor/dim"), 1.0);
    EXPECT_EQ(value("/output/hp1/volume"), -10.0);
}

// A level far below the fader's floor (an outside attack sent -1e308 dB) is answered, stored
// and shown as -inf, the value every fader reads there.
TEST_F(HttpApi, ALevelBelowTheFadersFloorIsAnsweredAsMinusInf) {
    ok("POST", "/api/params", R"({"/mix/main/in1/gain": -10, "/output/hp1/volume": -10})");
    json r = ok("PUT", "/api/params/mix/main/in1/gain", R"({"value": -1e308})");
    EXPECT_EQ(r["changed"][0]["value"], "-inf") << r.dump();
    EXPECT_EQ(ok("GET", "/api/params/mix/main/in1/gain")["value"], "-inf");
    r = ok("POST", "/api/params", R"({"/output/hp1/volume": "-500"})");
    EXPECT_EQ(r["changed"][0]["value"], "-inf") << r.dump();
}

TEST_F(HttpApi, EveryErrorHasItsCodeAndAJsonBody) {
    auto expect = [&](int code, const std::string& method, const std::string& path,
                      const std::string& body, const HttpHeaders& headers = {}) {
        HttpResult r = call(method, path, body, headers);
        EXPECT_EQ(r.status, code) << method << " " << path << " " << body << ": " << r.body;
        json j = json::parse(r.body, nullptr, false);
        EXPECT_TRUE(j.is_object() && j.contains("error")) << r.body;
        return j;
    };
    json unknown = expect(404, "GET", "/api/params/mix/main/in99/gain", "");
    EXPECT_EQ(unknown["path"], "/mix/main/in99/gain/");
    expect(404, "PUT", "/api/params/no/such", R"({"value": 1})");
    expect(404, "GET", "/api/nothing", "");
    expect(400, "PUT", "/api/params/monitor/dim", R"({"value": tru)");
    expect(400, "PUT", "/api/params/monitor/dim", R"({"val": true})");
    expect(400, "POST", "/api/params", R"(42)");
    json range = expect(422, "PUT", "/api/params/mix/main/in1/gain", R"({"value": 40})");
    EXPECT_EQ(range["path"], "/mix/main/in1/gain");
    EXPECT_EQ(range["value"], 40);
    EXPECT_TRUE(range.contains("allowed"));
    json type = expect(422, "PUT", "/api/params/monitor/speakers", R"({"value": 7})");
    EXPECT_NE(type["allowed"].get<std::string>().find("one of"), std::string::npos);
    expect(405, "DELETE", "/api/params/monitor/dim", "");
    expect(409, "POST", "/api/params",
           R"({"/output/hp1/mirror": "hp2", "/output/hp2/mirror": "hp1"})");
    expect(415, "PUT", "/api/params/monitor/dim", R"({"value": true})",
           {{"Content-Type", "text/plain"}});
    EXPECT_EQ(value("/monitor/dim"), 0.0);
}

TEST_F(HttpApi, ABatchThatFailsHalfWayChangesNothing) {
    const std::vector<double> before = iface.params().values();
    HttpResult r =
        call("POST", "/api/params",
             R"({"/monitor/dim": true, "/mix/main/in1/gain": -3, "/mix/main/in2/pan": 5})");
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(json::parse(r.body)["path"], "/mix/main/in2/pan");
    EXPECT_EQ(iface.params().values(), before);
}

TEST_F(HttpApi, ForeignHostAndOriginAreRefused) {
    // DNS rebinding: the browser sends the attacker's name as Host.
    HttpResult rebound = http_request("127.0.0.1", server.port(), "GET", "/api/status", {},
                                      {{"Host", "evil.example:7480"}});
    EXPECT_EQ(rebound.status, 421);
    test::RawConnection twice(server.port());  // two Host headers: which one would count?
    twice.send("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n");
    EXPECT_EQ(twice.read_status(), 421);

    HttpResult cross = call("PUT", "/api/params/monitor/dim", R"({"value": true})",
                            {{"Origin", "http://evil.example"}});
    EXPECT_EQ(cross.status, 403);
    EXPECT_EQ(value("/monitor/dim"), 0.0);
    const std::string own = "http://127.0.0.1:" + std::to_string(server.port());
    EXPECT_EQ(
        call("PUT", "/api/params/monitor/dim", R"({"value": true})", {{"Origin", own}}).status,
        200);
}

TEST_F(HttpApi, SnapshotsAreSavedListedRecalledAndDeleted) {
    ok("PUT", "/api/params/monitor/dim", R"({"value": true})");
    EXPECT_EQ(call("POST", "/api/snapshots", R"({"name": "dimmed"})").status, 201);
    EXPECT_EQ(ok("GET", "/api/snapshots")["snapshots"], json::array({"dimmed"}));
    EXPECT_EQ(ok("GET", "/api/snapshots/dimmed")["params"]["/monitor/dim"], true);
    ok("PUT", "/api/params/monitor/dim", R"({"value": false})");
    json r = ok("POST", "/api/snapshots/dimmed");
    EXPECT_EQ(r["recalled"], "dimmed");
    EXPECT_EQ(value("/monitor/dim"), 1.0);
    ok("DELETE", "/api/snapshots/dimmed");
    EXPECT_EQ(call("GET", "/api/snapshots/dimmed").status, 404);
    EXPECT_EQ(call("POST", "/api/snapshots", R"({"name": "a\u0007b"})").status, 422);
    // A name is one URL segment, percent-encoded: "/" and spaces included.
    EXPECT_EQ(call("POST", "/api/snapshots", R"({"name": "Verse 2/loud"})").status, 201);
    EXPECT_EQ(ok("POST", "/api/snapshots/verse%202%2Floud")["recalled"], "Verse 2/loud");
}

TEST_F(HttpApi, SnapshotsAreRenamedAndClipLightsClearedWithTheirErrors) {
    EXPECT_EQ(call("POST", "/api/snapshots", R"({"name": "a"})").status, 201);
    EXPECT_EQ(call("POST", "/api/snapshots", R"({"name": "b"})").status, 201);
    EXPECT_EQ(ok("PUT", "/api/snapshots/a", R"({"name": "c"})")["to"], "c");
    EXPECT_EQ(ok("GET", "/api/snapshots")["snapshots"], json::array({"b", "c"}));
    EXPECT_EQ(call("PUT", "/api/snapshots/c", R"({"name": "b"})").status, 409);
    EXPECT_EQ(call("PUT", "/api/snapshots/zz", R"({"name": "d"})").status, 404);
    EXPECT_EQ(call("PUT", "/api/snapshots/c", R"({"name": ""})").status, 422);
    EXPECT_EQ(call("PUT", "/api/snapshots/c", R"({"nam": "d"})").status, 400);

    EXPECT_EQ(ok("POST", "/api/meters/clear")["cleared"].size(),
              iface.layout().sources.size() + iface.output_channel_count());
    EXPECT_EQ(ok("POST", "/api/meters/clear", R"({"id": "hp1"})")["cleared"],
              json::array({"hp1.L", "hp1.R"}));
    EXPECT_EQ(call("POST", "/api/meters/clear", R"({"id": "hp9"})").status, 404);
    EXPECT_EQ(call("POST", "/api/meters/clear", R"({"id": 3})").status, 400);
    EXPECT_EQ(call("GET", "/api/meters/clear").status, 405);
}

TEST_F(HttpApi, HundredConcurrentSettersLeaveAConsistentState) {
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 100; ++t) {
        threads.emplace_back([&, t] {
            const std::string body = "{\"value\": " + std::to_string(-(t % 60)) + "}";
            HttpResult a = call("PUT", "/api/params/output/hp1/volume", body);
            HttpResult b = call("POST", "/api/params",
                                "{\"/mix/hp1/in1/gain\": " + std::to_string(-(t % 60)) +
                                    ", \"/mix/hp1/in2/gain\": " + std::to_string(-(t % 60)) + "}");
            if (a.status != 200 || b.status != 200) ++failures;
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(failures.load(), 0);
    // The batch is atomic: both crosspoints hold the value of the same (last) batch.
    EXPECT_EQ(value("/mix/hp1/in1/gain"), value("/mix/hp1/in2/gain"));
    EXPECT_EQ(ok("GET", "/api/params/output/hp1/volume")["value"], value("/output/hp1/volume"));
}

TEST_F(HttpApi, WebSocketPushesMetersAtThirtyHertzAndEveryChange) {
    test::WsClient ws("127.0.0.1", server.port(), "/api/ws");
    ASSERT_TRUE(ws.open()) << ws.status();
    ws.start_reading();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ok("PUT", "/api/params/monitor/mono", R"({"value": true})");
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    ws.close();

    const auto messages = ws.messages();
    ASSERT_FALSE(messages.empty());
    EXPECT_EQ(messages.front().body["type"], "hello");
    std::vector<std::chrono::steady_clock::time_point> meter_times;
    bool saw_change = false;
    for (const auto& [t, m] : messages) {
        if (m["type"] == "meters") meter_times.push_back(t);
        if (m["type"] == "changes")
            for (const auto& c : m["changes"])
                saw_change |= c["path"] == "/monitor/mono" && c["value"] == true;
    }
    EXPECT_TRUE(saw_change);
    ASSERT_GE(meter_times.size(), 10u);
    const double seconds =
        std::chrono::duration<double>(meter_times.back() - meter_times.front()).count();
    const double rate_hz = static_cast<double>(meter_times.size() - 1) / seconds;
    EXPECT_GE(rate_hz, 30.0) << meter_times.size() << " meter messages in " << seconds << " s";
}

TEST_F(HttpApi, WebSocketFromAForeignOriginIsRefused) {
    test::WsClient ws("127.0.0.1", server.port(), "/api/ws", {{"Origin", "http://evil.example"}});
    EXPECT_EQ(ws.status(), 403);
    EXPECT_EQ(server.websocket_clients(), 0u);
}

TEST(HttpClient, SaysClearlyWhenNothingListens) {
    try {
        http_request("127.0.0.1", 1, "GET", "/api/status");
        FAIL();
    } catch (const ConnectError& e) {
        EXPECT_NE(std::string(e.what()).find("no Phantom answers"), std::string::npos);
    }
    EXPECT_THROW(parse_host_port("localhost"), std::invalid_argument);
    EXPECT_EQ(parse_host_port("127.0.0.1:7480").second, 7480);
}

}  // namespace
}  // namespace phantom::http
