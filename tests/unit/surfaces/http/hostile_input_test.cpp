// Requests that used to end the process (an exception escaped the server's C callback), sent to
// the real server on a real socket: each is answered with its code and a JSON body, and the
// next request is answered too. Last, the same requests to a real `phantom start`.
#include <gtest/gtest.h>

#include "http_test_support.hpp"
#include "live_process.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/surfaces/http/http_client.hpp"
#include "phantom/surfaces/http/http_server.hpp"

namespace phantom::http {
namespace {

using nlohmann::json;

struct Killer {
    std::string method, path, body;
    int status;
};

// The reproductions of the issue, with the answer each must get instead.
std::vector<Killer> killers() {
    const std::string cut_echo = R"({"value": ")" + std::string(188, 'a') + "\xC3\xA9" + "x";
    std::string deep = R"({"value": )" + std::string(430, '[') + std::string(430, ']') + "}";
    return {
        {"GET", "/api/%ff", "", 404},
        {"GET", "/api/params/%ff", "", 404},
        {"GET", "/api/params/mix/%ff%fe", "", 404},
        {"GET", "/api/params?prefix=%ff", "", 404},
        {"GET", "/api/snapshots/%ff", "", 404},
        {"DELETE", "/api/snapshots/%ff", "", 404},
        {"PUT", "/api/params/monitor/dim", "{\"value\": \"\xFF\"}", 400},
        {"PUT", "/api/params/monitor/dim", "{\"value\": \"\xC3\"}", 400},  // cut é
        {"POST", "/api/snapshots", "{\"name\": \"caf\xE9\"}", 400},
        {"PUT", "/api/params/monitor/dim", cut_echo, 400},
        {"PUT", "/api/params/monitor/dim", R"({"value": 1e400})", 422},
        {"POST", "/api/params", R"({"/monitor/volume": -1e400})", 422},
        {"PUT", "/api/params/monitor/dim", deep, 400},
        {"POST", "/api/params", deep, 400},
    };
}

class HostileInput : public ::testing::Test {
  protected:
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    control::Controller controller{iface, true};
    HttpServer server{controller, HttpOptions{"127.0.0.1", 0, {}, {}}};
};

TEST_F(HostileInput, EachIsAnsweredAndTheServerGoesOn) {
    for (const Killer& k : killers()) {
        HttpResult r = http_request("127.0.0.1", server.port(), k.method, k.path, k.body);
        EXPECT_EQ(r.status, k.status) << k.method << " " << k.path << ": " << r.body;
        const json body = json::parse(r.body, nullptr, false);  // valid UTF-8 JSON
        EXPECT_TRUE(body.is_object() && body.contains("error")) << k.path << ": " << r.body;
        EXPECT_EQ(http_request("127.0.0.1", server.port(), "GET", "/api/status").status, 200)
            << "after " << k.method << " " << k.path;
    }
    EXPECT_EQ(iface.params().value(iface.params().require("/monitor/dim")), 0.0);
}

TEST_F(HostileInput, AnswersNameWhatWasWrong) {
    const json path = json::parse(http_request("127.0.0.1", server.port(), "GET", "/api/%ff").body);
    EXPECT_EQ(path["path"], "/api/\xEF\xBF\xBD");  // the byte shown as U+FFFD
    const json huge = json::parse(http_request("127.0.0.1", server.port(), "PUT",
                                               "/api/params/monitor/dim", R"({"value": 1e400})")
                                      .body);
    EXPECT_NE(huge["error"].get<std::string>().find("1e400"), std::string::npos) << huge;
    const std::string deep = R"({"value": )" + std::string(430, '[') + std::string(430, ']') + "}";
    const json nested = json::parse(
        http_request("127.0.0.1", server.port(), "PUT", "/api/params/monitor/dim", deep).body);
    EXPECT_NE(nested["error"].get<std::string>().find("deeper than 64"), std::string::npos)
        << nested;
    // A panel file that is not there, with bytes that are not UTF-8: 404, shown replaced.
    HttpResult page = http_request("127.0.0.1", server.port(), "GET", "/%ff.js");
    EXPECT_EQ(page.status, 404);
    EXPECT_NE(page.body.find("/\xEF\xBF\xBD.js"), std::string::npos) << page.body;
}

// A NUL sent as %00 cut every message that quoted it short (what() is a C string): "no
// snapshot named '" and nothing after. The whole sentence comes back, the byte shown as \x00.
TEST_F(HostileInput, ANulInWhatWasSentIsShownAndTheMessageIsWhole) {
    auto error_of = [&](const std::string& path) {
        const HttpResult r = http_request("127.0.0.1", server.port(), "GET", path);
        return json::parse(r.body)["error"].get<std::string>();
    };
    const std::string snapshot = error_of("/api/snapshots/%00x");
    EXPECT_NE(snapshot.find("'\\x00x'"), std::string::npos) << snapshot;
    EXPECT_EQ(snapshot.find('\0'), std::string::npos);
    const std::string points = error_of("/api/strips/in1/response?points=5%00");
    EXPECT_NE(points.find("(got '5\\x00')"), std::string::npos) << points;
    const std::string strip = error_of("/api/strips/in1%00/response");
    EXPECT_NE(strip.find("in1\\x00"), std::string::npos) << strip;
    EXPECT_GT(strip.size(), std::string("GET /api/strips/in1\\x00").size()) << strip;
}

TEST_F(HostileInput, BrokenHttpIsAnsweredOrClosedNeverFatal) {
    const std::vector<std::string> requests = {
        "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
        "GARBAGE\r\n\r\n",
        "GET http://evil.example/api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(20000, 'a') +
            "\r\n\r\n",
        "PUT /api/params/monitor/dim HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
        "application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        std::string("GET /api/\0status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    46),  // a NUL in the path
    };
    for (const std::string& request : requests) {
        test::RawConnection c(server.port());
        c.send(request);
        const int status = c.read_status();
        EXPECT_TRUE(status == 0 || (status >= 400 && status < 500))
            << status << " for " << request.substr(0, 60);
        EXPECT_EQ(http_request("127.0.0.1", server.port(), "GET", "/api/status").status, 200);
    }
    test::RawConnection big(server.port());  // announced larger than 1 MiB: refused unread
    big.send(
        "PUT /api/params/monitor/dim HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
        "application/json\r\nContent-Length: 2000000\r\n\r\n{");
    EXPECT_EQ(big.read_status(), 413);
    test::RawConnection chunked(server.port());  // chunked past 1 MiB: refused at the limit
    chunked.send(
        "PUT /api/params/monitor/dim HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
        "application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = std::string("100000\r\n") + std::string(0x100000, ' ') + "\r\n";
    chunked.send(chunk);
    chunked.send(chunk);
    EXPECT_EQ(chunked.read_status(), 413);
}

TEST(HostileInputLive, PhantomStartSurvivesEveryOne) {
    const std::string dir = ::testing::TempDir();
    phantom::test::LiveProcess live({"--session", dir + "phantom-hostile-state.json"},
                                    dir + "phantom-hostile.log");
    ASSERT_TRUE(live.wait_ready()) << live.log();
    for (const Killer& k : killers()) {
        HttpResult r = http_request("127.0.0.1", live.port(), k.method, k.path, k.body);
        EXPECT_EQ(r.status, k.status) << k.method << " " << k.path << ": " << r.body;
    }
    EXPECT_EQ(live.request("GET", "/api/status").status, 200);
    EXPECT_EQ(live.stop(SIGTERM), 0) << live.log();  // alive until asked, and exits cleanly
}

}  // namespace
}  // namespace phantom::http
