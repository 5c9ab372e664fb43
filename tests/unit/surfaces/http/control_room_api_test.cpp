// The control room through the HTTP API, on a real socket: the solos, the clear action, the
// control-room source and the reference recall are parameters like any other, and the
// meters of every output (speaker set B included) are there.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "phantom/device/device_catalog.hpp"
#include "phantom/surfaces/http/http_client.hpp"
#include "phantom/surfaces/http/http_server.hpp"

namespace phantom::http {
namespace {

using nlohmann::json;

class ControlRoomApi : public ::testing::Test {
  protected:
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 256};
    control::Controller controller{iface, true};
    HttpServer server{controller, HttpOptions{"127.0.0.1", 0, {}, {}}};

    json ok(const std::string& method, const std::string& path, const std::string& body = {}) {
        HttpResult r = http_request("127.0.0.1", server.port(), method, path, body, {});
        EXPECT_LT(r.status, 300) << method << " " << path << ": " << r.body;
        return json::parse(r.body);
    }
    int status(const std::string& method, const std::string& path, const std::string& body) {
        return http_request("127.0.0.1", server.port(), method, path, body, {}).status;
    }
    double value(const std::string& path) {
        return iface.params().value(iface.params().require(path));
    }
};

TEST_F(ControlRoomApi, SoloLinkedPairAndClearAllInOneCommand) {
    ok("PUT", "/api/params/link/in1", R"({"value": true})");
    const json r = ok("PUT", "/api/params/solo/in1", R"({"value": true})");
    EXPECT_EQ(r["changed"].size(), 2u);  // in1 and, linked, in2
    EXPECT_EQ(value("/solo/in2"), 1.0);
    ok("PUT", "/api/params/solo/hp2", R"({"value": true})");
    const json cleared = ok("PUT", "/api/params/monitor/solo_clear", R"({"value": true})");
    EXPECT_EQ(cleared["changed"].size(), 3u);
    EXPECT_EQ(value("/solo/in1"), 0.0);
    EXPECT_EQ(value("/solo/in2"), 0.0);
    EXPECT_EQ(value("/solo/hp2"), 0.0);
    const json action = ok("GET", "/api/params/monitor/solo_clear");
    EXPECT_EQ(action["value"], false);
    // A client tells an action by its description (docs/parameters.md).
    EXPECT_EQ(action["description"].get<std::string>().rfind("action:", 0), 0u);
    // The per-mix solo is gone.
    EXPECT_EQ(status("PUT", "/api/params/mix/hp1/in2/solo", R"({"value": true})"), 404);
}

TEST_F(ControlRoomApi, SourceModeAndOutputAreChoices) {
    ok("PUT", "/api/params/monitor/source", R"({"value": "hp1"})");
    ok("PUT", "/api/params/monitor/solo_mode", R"({"value": "AFL"})");
    ok("PUT", "/api/params/monitor/solo_output", R"({"value": "hp2"})");
    const json source = ok("GET", "/api/params/monitor/source");
    EXPECT_EQ(source["value"], "hp1");
    const auto& choices = source["choices"];
    for (const char* c : {"main", "hp1", "hp2", "line3", "in1+in2", "adat1+adat2", "pb1+pb2"})
        EXPECT_NE(std::find(choices.begin(), choices.end(), c), choices.end()) << c;
    EXPECT_EQ(status("PUT", "/api/params/monitor/source", R"({"value": "alt"})"), 422);
}

TEST_F(ControlRoomApi, RecallGlidesUpToTheReferenceLevel) {
    ok("PUT", "/api/params/monitor/volume", R"({"value": -50})");
    const json r = ok("PUT", "/api/params/monitor/recall", R"({"value": true})");
    // A 30 dB rise is the listener guard's to glide in (controller.hpp), like any other.
    ASSERT_EQ(r["gliding"].size(), 1u);
    EXPECT_EQ(r["gliding"][0], "/monitor/volume");
    controller.tick(std::chrono::steady_clock::now() + std::chrono::seconds(2));
    EXPECT_NEAR(value("/monitor/volume"), -20.0, 1e-9);
    ok("PUT", "/api/params/monitor/volume", R"({"value": -24})");
    ok("PUT", "/api/params/monitor/store_reference", R"({"value": true})");
    EXPECT_EQ(value("/monitor/reference_level"), -24.0);
}

TEST_F(ControlRoomApi, ASnapshotNeitherKeepsNorRecallsSolos) {
    ok("PUT", "/api/params/solo/in3", R"({"value": true})");
    ok("PUT", "/api/params/mix/hp1/in3/gain", R"({"value": -6})");
    ok("POST", "/api/snapshots", R"({"name": "take"})");
    const json snap = ok("GET", "/api/snapshots/take");
    EXPECT_EQ(snap.dump().find("/solo/"), std::string::npos) << snap.dump();
    ok("PUT", "/api/params/solo/in3", R"({"value": false})");
    ok("PUT", "/api/params/solo/in4", R"({"value": true})");
    ok("PUT", "/api/params/mix/hp1/in3/gain", R"({"value": -20})");
    ok("POST", "/api/snapshots/take");
    EXPECT_EQ(value("/mix/hp1/in3/gain"), -6.0);  // the mix is recalled
    EXPECT_EQ(value("/solo/in3"), 0.0);           // the listening is left as it is
    EXPECT_EQ(value("/solo/in4"), 1.0);
}

TEST_F(ControlRoomApi, EveryOutputChannelHasAMeterSpeakerSetBIncluded) {
    const json meters = ok("GET", "/api/meters");
    std::vector<std::string> ids;
    for (const auto& m : meters["outputs"])
        ids.push_back(m["id"]);
    EXPECT_EQ(ids, iface.output_channel_names());
    for (const char* id : {"main.L", "alt.L", "alt.R", "hp1.L", "line6"})
        EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
}

}  // namespace
}  // namespace phantom::http
