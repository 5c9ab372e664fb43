// GET /api/plugins through a real socket: the LV2 plugins Phantom can host here. The expected
// entries are read from the plugins' own TTL files (Debian's lv2-examples and x42-plugins, which
// scripts/setup.sh installs): eg-amp has one audio input, one output and one control (gain);
// nodelay declares lv2:reportsLatency; x42's balance is stereo (in/out left and right), so it
// does not fit a mono slot; eg-metro (audio out, no audio in) and eg-fifths (MIDI only) cannot
// sit in a channel and are not listed. Every URI listed is also one lilv's own `lv2ls` finds.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <future>
#include <memory>
#include <set>

#include "http_test_support.hpp"
#include "phantom/surfaces/http/plugins_route.hpp"

namespace phantom::http {
namespace {

using nlohmann::json;
using test::ServedInterface;

class PluginsApi : public ServedInterface {
  protected:
    // A first listing reads every installed bundle's TTL (about 200 plugins with LSP's): seconds
    // on a loaded machine, and more than the usual 10 s once under a full parallel suite. What
    // these tests check is the list, not its speed.
    PluginsApi() { timeout_ms = 60000; }
    // The entry for `uri`, or null when it is not listed.
    static json find(const json& list, const std::string& uri) {
        for (const json& p : list)
            if (p["uri"] == uri) return p;
        return nullptr;
    }
};

std::set<std::string> lv2ls() {
    std::set<std::string> uris;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen("lv2ls 2>/dev/null", "r"), ::pclose);
    if (!pipe) return uris;
    char line[1024];
    while (std::fgets(line, sizeof line, pipe.get())) {
        std::string uri(line);
        while (!uri.empty() && (uri.back() == '\n' || uri.back() == '\r'))
            uri.pop_back();
        uris.insert(uri);
    }
    return uris;
}

TEST_F(PluginsApi, ListsTheInstalledPluginsWithTheirLayoutAndLatency) {
    const json list = ok("GET", "/api/plugins")["plugins"];
    ASSERT_TRUE(list.is_array());

    const json amp = find(list, "http://lv2plug.in/plugins/eg-amp");
    ASSERT_FALSE(amp.is_null()) << list.dump();
    EXPECT_EQ(amp["name"], "Simple Amplifier");
    EXPECT_EQ(amp["audio_inputs"], 1);
    EXPECT_EQ(amp["audio_outputs"], 1);
    EXPECT_EQ(amp["layout"], "mono");
    EXPECT_EQ(amp["mono_slot"], true);
    EXPECT_EQ(amp["reports_latency"], false);
    EXPECT_EQ(amp["controls"], 1);
    EXPECT_EQ(amp["stereo_slot"], true);  // once a side

    const json nodelay = find(list, "http://gareus.org/oss/lv2/nodelay");
    ASSERT_FALSE(nodelay.is_null());
    EXPECT_EQ(nodelay["name"], "No Delay Line");
    EXPECT_EQ(nodelay["mono_slot"], true);
    EXPECT_EQ(nodelay["reports_latency"], true);

    const json balance = find(list, "http://gareus.org/oss/lv2/balance");
    ASSERT_FALSE(balance.is_null());
    EXPECT_EQ(balance["layout"], "stereo");
    EXPECT_EQ(balance["audio_inputs"], 2);
    EXPECT_EQ(balance["mono_slot"], false);
    EXPECT_EQ(balance["stereo_slot"], true);

    EXPECT_TRUE(find(list, "http://lv2plug.in/plugins/eg-metro").is_null());
    EXPECT_TRUE(find(list, "http://lv2plug.in/plugins/eg-fifths").is_null());

    // Sorted by URI, each once, each one lilv's lv2ls knows.
    std::vector<std::string> uris;
    for (const json& p : list)
        uris.push_back(p["uri"].get<std::string>());
    EXPECT_TRUE(std::is_sorted(uris.begin(), uris.end()));
    EXPECT_EQ(std::set<std::string>(uris.begin(), uris.end()).size(), uris.size());
    const std::set<std::string> installed = lv2ls();
    ASSERT_FALSE(installed.empty()) << "lv2ls (lilv-utils) is needed for this check";
    for (const std::string& uri : uris)
        EXPECT_TRUE(installed.count(uri)) << uri;
    // A second call answers the same (from the kept copy).
    EXPECT_EQ(ok("GET", "/api/plugins")["plugins"], list);
}

TEST_F(PluginsApi, RefusalsCarryTheirReason) {
    auto refused = [&](const std::string& method, const std::string& path, int status,
                       const std::string& why) {
        HttpResult r = call(method, path, method == "GET" ? "" : "{}");
        EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body;
        EXPECT_NE(r.body.find(why), std::string::npos) << r.body;
        return r;
    };
    refused("GET", "/api/plugins/eg-amp", 404, "no such endpoint");
    const HttpResult post = refused("POST", "/api/plugins", 405, "allowed: GET");
    EXPECT_EQ(post.header("Allow"), "GET");
    refused("DELETE", "/api/plugins", 405, "allowed: GET");
    const HttpResult query = refused("GET", "/api/plugins?mono=1", 400,
                                     "GET /api/plugins: unknown query parameter 'mono'");
    EXPECT_EQ(json::parse(query.body)["kind"], "malformed");
    // A slot given a plugin that is not installed here: 409 "not available" (not 422 "out of
    // range": no range is involved), saying so and how to list the installed ones.
    const HttpResult missing = call("PUT", "/api/params/input/in5/insert/1/plugin",
                                    R"({"value": "http://example.org/no-such-plugin"})");
    EXPECT_EQ(missing.status, 409) << missing.body;
    const json why = json::parse(missing.body);
    EXPECT_EQ(why["kind"], "not available");
    EXPECT_EQ(why["path"], "/input/in5/insert/1/plugin");
    EXPECT_NE(why["error"].get<std::string>().find(
                  "'http://example.org/no-such-plugin' is not installed"),
              std::string::npos)
        << why;
    EXPECT_NE(why["error"].get<std::string>().find("`phantom plugins`"), std::string::npos) << why;
    // A value that is no URI at all is out of what the slot takes: 422.
    const HttpResult no_uri =
        call("PUT", "/api/params/input/in5/insert/1/plugin", R"({"value": "eg-amp"})");
    EXPECT_EQ(no_uri.status, 422) << no_uri.body;
    EXPECT_NE(no_uri.body.find("'eg-amp' is not a URI"), std::string::npos) << no_uri.body;
    // The access token is not a refusal (the guard checks it before the route).
    EXPECT_EQ(call("GET", "/api/plugins?token=x").status, 200);
}

// The first listing loads and describes every installed bundle (4.6 s on a loaded machine);
// it must not hold the controller's lock meanwhile, or every other client's request (meters,
// a fader from another panel) waits behind it. While the listing is describing its first
// plugin (the hook holds it there), a parameter PUT from another connection must
// complete: it is answered before the listing is. Under the controller's lock it could
// not be, and the wait in the hook would time out (the failure path only: a pass never waits
// it; 5 s, within the client's 10 s for the listing's own answer).
TEST_F(PluginsApi, AFirstListingDoesNotHoldUpOtherRequests) {
    std::promise<void> describing;
    std::promise<HttpResult> put_answered;
    std::future<HttpResult> put = put_answered.get_future();
    bool first = true;
    bool answered_during_listing = false;
    forget_plugins_list_for_test([&] {
        if (!first) return;
        first = false;
        describing.set_value();
        answered_during_listing =
            put.wait_for(std::chrono::seconds(5)) == std::future_status::ready;
    });
    std::future<HttpResult> listing =
        std::async(std::launch::async, [&] { return call("GET", "/api/plugins"); });
    ASSERT_EQ(describing.get_future().wait_for(std::chrono::seconds(60)), std::future_status::ready)
        << "no plugin described";
    std::thread other([&] {
        try {
            put_answered.set_value(
                call("PUT", "/api/params/output/hp1/volume", R"({"value": -12})"));
        } catch (const std::exception&) {
            put_answered.set_value(HttpResult{});  // no answer at all: status 0
        }
    });
    other.join();
    const HttpResult list = listing.get();
    forget_plugins_list_for_test();

    EXPECT_TRUE(answered_during_listing)
        << "a parameter PUT waited for the first GET /api/plugins to finish";
    EXPECT_EQ(put.get().status, 200);
    EXPECT_DOUBLE_EQ(value("/output/hp1/volume"), -12.0);
    EXPECT_EQ(list.status, 200);
    EXPECT_FALSE(json::parse(list.body)["plugins"].empty());
}

}  // namespace
}  // namespace phantom::http
