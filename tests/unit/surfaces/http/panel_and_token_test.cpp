// The web panel's files served by the control plane itself, their safety headers, and the
// access token that guards a Phantom bound beyond loopback, through real sockets: a client on
// this machine, one coming from the machine's network address, and the WebSocket upgrade.
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>

#include "http_test_support.hpp"
#include "phantom/app/live_instance.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/surfaces/http/http_client.hpp"
#include "phantom/surfaces/http/http_server.hpp"
#include "phantom/surfaces/http/web_assets.hpp"

namespace phantom::http {
namespace {

using nlohmann::json;

struct Served {
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    control::Controller controller{iface, true};
    HttpServer server;
    explicit Served(HttpOptions options) : server(controller, std::move(options)) {}
};

TEST(WebPanel, IsServedFromTheBinaryWithItsTypesAndSafetyHeaders) {
    Served s({"127.0.0.1", 0, {}, {}});
    HttpResult page = http_request("127.0.0.1", s.server.port(), "GET", "/");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("<title>Phantom</title>"), std::string::npos);
    EXPECT_EQ(page.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(page.header("X-Frame-Options"), "DENY");  // no clickjacking of a 48 V switch
    EXPECT_NE(page.header("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
    // Every file the panel has is there, byte for byte, with its type.
    size_t scripts = 0;
    for (const WebAsset& a : web_assets()) {
        HttpResult r = http_request("127.0.0.1", s.server.port(), "GET", std::string(a.path));
        EXPECT_EQ(r.status, 200) << a.path;
        EXPECT_EQ(r.body, a.body) << a.path;
        EXPECT_EQ(r.header("Content-Type"), a.content_type) << a.path;
        if (a.path.ends_with(".js")) {
            ++scripts;
            EXPECT_EQ(a.content_type, "text/javascript; charset=utf-8");
        }
    }
    EXPECT_GE(scripts, 8u);  // main, api, store, scale, controls, meters and the views
    EXPECT_EQ(http_request("127.0.0.1", s.server.port(), "GET", "/no/such.js").status, 404);
    // A path echoed in an error page never becomes markup on the panel's origin.
    HttpResult reflected =
        http_request("127.0.0.1", s.server.port(), "GET", "/%3Cscript%3Ealert(1)%3C/script%3E");
    EXPECT_EQ(reflected.status, 404);
    EXPECT_EQ(reflected.body.find("<script>"), std::string::npos) << reflected.body;
    EXPECT_NE(reflected.body.find("&lt;script&gt;"), std::string::npos) << reflected.body;
    EXPECT_EQ(reflected.header("Content-Security-Policy"), "default-src 'none'");
    EXPECT_EQ(http_request("127.0.0.1", s.server.port(), "POST", "/index.html", "{}").status, 405);
}

TEST(WebPanel, TheDnsRebindingGuardCoversThePanelToo) {
    Served s({"127.0.0.1", 0, {"studio.local"}, {}});
    auto with_host = [&](const std::string& host) {
        test::RawConnection c(s.server.port());
        c.send("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
        return c.read_status();
    };
    EXPECT_EQ(with_host("evil.example"), 421);
    EXPECT_EQ(with_host("evil.example:" + std::to_string(s.server.port())), 421);
    EXPECT_EQ(with_host("localhost"), 200);
    EXPECT_EQ(with_host("192.168.1.20:7480"), 200);  // an address literal cannot be rebound
    EXPECT_EQ(with_host("STUDIO.local"), 200);       // --allow-host, any case
}

TEST(WebPanel, AnOriginMustBeTheAddressTheRequestWentTo) {
    Served s({"127.0.0.1", 0, {}, {}});
    const int port = s.server.port();
    auto put = [&](const std::string& origin) {
        return http_request("127.0.0.1", port, "PUT", "/api/params/monitor/dim",
                            R"({"value": true})", {{"Origin", origin}})
            .status;
    };
    EXPECT_EQ(put("http://evil.example"), 403);
    EXPECT_EQ(put("http://localhost:" + std::to_string(port)), 403);  // another origin
    EXPECT_EQ(put("http://127.0.0.1:" + std::to_string(port + 1)), 403);
    EXPECT_EQ(put("https://127.0.0.1:" + std::to_string(port)), 403);
    EXPECT_EQ(put("http://127.0.0.1:" + std::to_string(port)), 200);
}

TEST(AccessToken, IsRequiredFromTheNetworkAndBecomesACookie) {
    const std::string lan = network_address();
    if (lan.empty()) GTEST_SKIP() << "this machine has no network address besides loopback";
    const std::string token = make_access_token();
    ASSERT_EQ(token.size(), 32u);
    EXPECT_NE(token, make_access_token());
    Served s({"0.0.0.0", 0, {}, token});
    const int port = s.server.port();
    EXPECT_NE(s.server.url().find("?token=" + token), std::string::npos) << s.server.url();

    // From the network without the token: refused, with a message saying what to do.
    HttpResult api = http_request(lan, port, "GET", "/api/status");
    EXPECT_EQ(api.status, 401);
    EXPECT_NE(json::parse(api.body)["error"].get<std::string>().find("token"), std::string::npos);
    EXPECT_EQ(http_request(lan, port, "GET", "/").status, 401);
    EXPECT_EQ(
        http_request(lan, port, "PUT", "/api/params/monitor/dim", R"({"value": true})").status,
        401);
    EXPECT_EQ(s.iface.params().value(s.iface.params().require("/monitor/dim")), 0.0);
    EXPECT_EQ(http_request(lan, port, "GET", "/?token=" + std::string(32, '0')).status, 401);

    // The first visit with ?token= sets a cookie and drops the token from the address.
    HttpResult first = http_request(lan, port, "GET", "/?token=" + token);
    EXPECT_EQ(first.status, 303);
    EXPECT_EQ(first.header("Location"), "/");
    const std::string cookie = first.header("Set-Cookie");
    EXPECT_EQ(cookie.rfind("phantom_token=" + token + ";", 0), 0u) << cookie;
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    HttpHeaders with_cookie{{"Cookie", "other=1; phantom_token=" + token}};
    EXPECT_EQ(http_request(lan, port, "GET", "/", {}, with_cookie).status, 200);
    EXPECT_EQ(http_request(lan, port, "GET", "/api/status", {}, with_cookie).status, 200);
    // Scripts (the CLI from elsewhere) bring it as a bearer token.
    EXPECT_EQ(
        http_request(lan, port, "GET", "/api/status", {}, {{"Authorization", "Bearer " + token}})
            .status,
        200);
    // Every route takes the token in its query, the strip's response too (its own query
    // parser refused `token` as an unknown key).
    EXPECT_EQ(
        http_request(lan, port, "GET", "/api/strips/in1/response?points=4&token=" + token).status,
        200);
    EXPECT_EQ(http_request(lan, port, "GET", "/api/strips/in1/response?token=" + token).status,
              200);
    // On this machine, as with the loopback default, no token is needed.
    EXPECT_EQ(http_request("127.0.0.1", port, "GET", "/api/status").status, 200);
}

TEST(AccessToken, GuardsTheWebSocketUpgrade) {
    const std::string lan = network_address();
    if (lan.empty()) GTEST_SKIP() << "this machine has no network address besides loopback";
    const std::string token = make_access_token();
    Served s({"0.0.0.0", 0, {}, token});
    test::WsClient refused(lan, s.server.port(), "/api/ws");
    EXPECT_EQ(refused.status(), 401);
    test::WsClient accepted(lan, s.server.port(), "/api/ws?token=" + token);
    EXPECT_TRUE(accepted.open()) << accepted.status();
}

TEST(AccessToken, IsOnlyMadeWhenPhantomIsReachableFromTheNetwork) {
    const std::string dir = ::testing::TempDir();
    app::LiveOptions options;
    options.http = {"127.0.0.1", 0, {}, {}};
    options.state_path = dir + "phantom-token-local.json";
    std::remove(options.state_path.c_str());
    {
        app::LiveInstance live(options);
        EXPECT_EQ(live.url().find("token="), std::string::npos) << live.url();
    }
    options.http.host = "0.0.0.0";
    options.state_path = dir + "phantom-token-lan.json";
    std::remove(options.state_path.c_str());
    {
        app::LiveInstance live(options);  // the URL `phantom start` prints
        EXPECT_TRUE(std::regex_search(live.url(),
                                      std::regex("^http://[0-9.]+:[0-9]+/\\?token=[0-9a-f]{32}$")))
            << live.url();
    }
    EXPECT_TRUE(is_loopback_host("127.0.0.1"));
    EXPECT_TRUE(is_loopback_host("127.0.0.2"));
    EXPECT_TRUE(is_loopback_host("localhost"));
    EXPECT_TRUE(is_loopback_host("::1"));
    EXPECT_TRUE(is_loopback_host("::ffff:127.0.0.1"));
    EXPECT_FALSE(is_loopback_host("0.0.0.0"));
    EXPECT_FALSE(is_loopback_host("192.168.1.20"));
}

}  // namespace
}  // namespace phantom::http
