// What a page of another site can make a browser send — an <img> GET, a form POST with or
// without a body, a text/plain fetch — changes nothing; a request that says it comes from
// another site (Sec-Fetch-Site) is refused. A GET that reads may come from anywhere.
#include <gtest/gtest.h>

#include "http_test_support.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/surfaces/http/http_client.hpp"
#include "phantom/surfaces/http/http_server.hpp"

namespace phantom::http {
namespace {

using nlohmann::json;

class CrossSite : public ::testing::Test {
  protected:
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    control::Controller controller{iface, true};
    HttpServer server{controller, HttpOptions{"127.0.0.1", 0, {}, {}}};

    // A request written as a browser would send it, byte for byte.
    int raw(const std::string& request) {
        test::RawConnection c(server.port());
        c.send(request);
        return c.read_status();
    }
    double value(const std::string& path) {
        return iface.params().value(iface.params().require(path));
    }
};

TEST_F(CrossSite, NothingItCanSendChangesState) {
    ASSERT_EQ(
        http_request("127.0.0.1", server.port(), "POST", "/api/snapshots", R"({"name": "loud"})")
            .status,
        201);
    const std::vector<double> before = iface.params().values();
    const std::string host = "Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n";
    const std::string site = "Origin: http://evil.example\r\nSec-Fetch-Site: cross-site\r\n";
    // <img src=…/api/meters/clear>: a GET, which changes nothing anywhere.
    EXPECT_EQ(raw("GET /api/meters/clear HTTP/1.1\r\n" + host +
                  "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Dest: image\r\n\r\n"),
              405);
    // <form method=post action=…/api/snapshots/loud>: a recall, with no body and no type.
    EXPECT_EQ(raw("POST /api/snapshots/loud HTTP/1.1\r\n" + host + "Content-Length: 0\r\n\r\n"),
              415);
    EXPECT_EQ(
        raw("POST /api/snapshots/loud HTTP/1.1\r\n" + host + site + "Content-Length: 0\r\n\r\n"),
        403);
    EXPECT_EQ(raw("DELETE /api/snapshots/loud HTTP/1.1\r\n" + host + "\r\n"), 415);
    // A form's own types, and fetch's text/plain (no preflight): not JSON.
    const std::string form = "value=1";
    EXPECT_EQ(
        raw("PUT /api/params/monitor/dim HTTP/1.1\r\n" + host +
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\n\r\n" + form),
        415);
    const std::string text = R"({"/monitor/dim": true})";
    EXPECT_EQ(raw("POST /api/params HTTP/1.1\r\n" + host + "Content-Type: text/plain\r\n" +
                  "Content-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text),
              415);
    EXPECT_EQ(raw("POST /api/params HTTP/1.1\r\n" + host +
                  "Content-Type: application/json-seq\r\nContent-Length: " +
                  std::to_string(text.size()) + "\r\n\r\n" + text),
              415);
    // Sec-Fetch-Site alone (a browser that sends no Origin): refused on a write.
    EXPECT_EQ(raw("POST /api/params HTTP/1.1\r\n" + host +
                  "Sec-Fetch-Site: same-site\r\nContent-Type: application/json\r\n"
                  "Content-Length: " +
                  std::to_string(text.size()) + "\r\n\r\n" + text),
              403);
    EXPECT_EQ(iface.params().values(), before);
    EXPECT_EQ(http_request("127.0.0.1", server.port(), "GET", "/api/snapshots").body,
              "{\"snapshots\":[\"loud\"]}\n");
}

TEST_F(CrossSite, ReadsMayComeFromAnywhereAndTheOwnPageMayWrite) {
    EXPECT_EQ(http_request("127.0.0.1", server.port(), "GET", "/api/status", {},
                           {{"Sec-Fetch-Site", "cross-site"}, {"Origin", "http://evil.example"}})
                  .status,
              200);
    const std::string own = "http://127.0.0.1:" + std::to_string(server.port());
    EXPECT_EQ(http_request("127.0.0.1", server.port(), "PUT", "/api/params/monitor/dim",
                           R"({"value": true})",
                           {{"Origin", own},
                            {"Sec-Fetch-Site", "same-origin"},
                            {"Content-Type", "application/json; charset=UTF-8"}})
                  .status,
              200);
    EXPECT_EQ(value("/monitor/dim"), 1.0);
    // The panel's own body-less writes say they are JSON.
    EXPECT_EQ(http_request("127.0.0.1", server.port(), "POST", "/api/meters/clear", {},
                           {{"Origin", own}, {"Sec-Fetch-Site", "same-origin"}})
                  .status,
              200);
}

TEST_F(CrossSite, TheWebSocketRefusesAnotherSite) {
    test::WsClient cross("127.0.0.1", server.port(), "/api/ws", {{"Sec-Fetch-Site", "cross-site"}});
    EXPECT_EQ(cross.status(), 403);
    const std::string own = "http://127.0.0.1:" + std::to_string(server.port());
    test::WsClient same("127.0.0.1", server.port(), "/api/ws",
                        {{"Origin", own}, {"Sec-Fetch-Site", "same-origin"}});
    EXPECT_TRUE(same.open()) << same.status();
}

}  // namespace
}  // namespace phantom::http
