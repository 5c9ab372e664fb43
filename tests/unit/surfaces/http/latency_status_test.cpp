// /api/status's `latency` object through a real socket: the backend's halves as the backend
// reports them, Phantom's own latency per input and per output, and each output's round trip
// (capture + the slowest input's own + the output's own + playback). The limiter's lookahead
// is computed here from its documented rule: 1.5 ms at the rate, rounded to whole frames.
#include <gtest/gtest.h>

#include <cmath>

#include "http_test_support.hpp"
#include "phantom/surfaces/http/api_json.hpp"

namespace phantom::http {
namespace {

using nlohmann::json;

class LatencyStatus : public test::ServedInterface {
  protected:
    void SetUp() override {
        // As a sound card's driver would report it: a block each way at 48 kHz, 256 frames.
        backend::BackendStatus b;
        b.rate_hz = 48000;
        b.frames = 256;
        b.capture_latency_frames = 256;
        b.playback_latency_frames = 256;
        b.latency_frames = 512;
        controller.set_backend_status(b);
    }
};

const int kLookaheadFrames = static_cast<int>(std::lround(0.0015 * 48000));  // 72

TEST_F(LatencyStatus, EveryPathWithTheBackendsHalvesAndItsRoundTrip) {
    json l = ok("GET", "/api/status")["latency"];
    EXPECT_EQ(l["block_frames"], 256);
    EXPECT_EQ(l["capture_frames"], 256);
    EXPECT_EQ(l["capture_ms"], 5.33);  // 256 / 48 kHz
    EXPECT_EQ(l["playback_frames"], 256);
    EXPECT_EQ(l["playback_ms"], 5.33);
    // Every hardware input of studio-8x8 (8 analog, 8 ADAT, 2 S/PDIF), none adding latency.
    EXPECT_EQ(l["inputs"].size(), 18u) << l.dump();
    for (const auto& [id, in] : l["inputs"].items()) {
        EXPECT_EQ(in["frames"], 0) << id;
        EXPECT_EQ(in["ms"], 0.0) << id;
    }
    EXPECT_FALSE(l["inputs"].contains("pb1"));  // the host's playback is not an input path
    // Every output, and with nothing of Phantom's own the round trip is the backend's.
    for (const char* id : {"main", "alt", "line3", "line4", "line5", "line6", "hp1", "hp2"}) {
        ASSERT_TRUE(l["outputs"].contains(id)) << id;
        EXPECT_EQ(l["outputs"][id]["frames"], 0) << id;
        EXPECT_EQ(l["outputs"][id]["round_trip_frames"], 512) << id;
        EXPECT_EQ(l["outputs"][id]["round_trip_ms"], 10.67) << id;
    }
    EXPECT_EQ(l["round_trip_frames"], 512);

    ok("PUT", "/api/params/output/hp1/limiter/on", R"({"value": true})");
    const json st = ok("GET", "/api/status");
    l = st["latency"];
    EXPECT_EQ(l["outputs"]["hp1"]["frames"], kLookaheadFrames);
    EXPECT_EQ(l["outputs"]["hp1"]["ms"], 1.5);
    EXPECT_EQ(l["outputs"]["hp1"]["round_trip_frames"], 512 + kLookaheadFrames);
    EXPECT_EQ(l["outputs"]["hp1"]["round_trip_ms"], 12.17);  // 584 / 48 kHz
    EXPECT_EQ(l["outputs"]["hp2"]["frames"], 0);
    EXPECT_EQ(l["outputs"]["main"]["round_trip_frames"], 512);
    EXPECT_EQ(l["round_trip_frames"], 512 + kLookaheadFrames);
    EXPECT_EQ(l["round_trip_ms"], 12.17);
    // The older field still says the same.
    EXPECT_EQ(st["output_strip_latency_frames"]["hp1"], kLookaheadFrames);
    EXPECT_EQ(st["latency_frames"], 512);  // the backend's alone, as before
}

// An insert of 100 frames on in1: its own latency; every other source (inputs and playback
// alike) held back by 100 to meet it; the mixes reached at 100, and the round trip from any
// input through the mixes grows by as much. Compensation off: nothing added.
TEST_F(LatencyStatus, CompensationIsShownPerPath) {
    json l = ok("GET", "/api/status")["latency"];
    EXPECT_EQ(l["compensate"], true);
    EXPECT_EQ(l["mixes_frames"], 0);
    EXPECT_EQ(l["inputs"]["in2"]["compensation_frames"], 0);
    EXPECT_EQ(l["playback"].size(), 20u) << l.dump();  // studio-8x8's pb1 … pb20

    ok("POST", "/api/params",
       R"({"/input/in1/insert/send": "line3", "/input/in1/insert/return": "in5",
           "/input/in1/insert/delay": 100, "/input/in1/insert/on": true})");
    l = ok("GET", "/api/status")["latency"];
    EXPECT_EQ(l["inputs"]["in1"]["frames"], 100);
    EXPECT_EQ(l["inputs"]["in1"]["compensation_frames"], 0);
    for (const auto& [id, in] : l["inputs"].items()) {
        if (id == "in1") continue;
        EXPECT_EQ(in["frames"], 0) << id;
        EXPECT_EQ(in["compensation_frames"], 100) << id;
        EXPECT_EQ(in["compensation_ms"], 2.08) << id;  // 100 / 48 kHz
    }
    for (const auto& [id, pb] : l["playback"].items()) {
        EXPECT_EQ(pb["frames"], 0) << id;
        EXPECT_EQ(pb["compensation_frames"], 100) << id;
    }
    EXPECT_EQ(l["mixes_frames"], 100);
    EXPECT_EQ(l["mixes_ms"], 2.08);
    EXPECT_EQ(l["outputs"]["main"]["round_trip_frames"], 512 + 100);
    EXPECT_EQ(l["round_trip_frames"], 512 + 100);

    ok("PUT", "/api/params/latency/compensate", R"({"value": false})");
    l = ok("GET", "/api/status")["latency"];
    EXPECT_EQ(l["compensate"], false);
    EXPECT_EQ(l["inputs"]["in2"]["compensation_frames"], 0);
    EXPECT_EQ(l["playback"]["pb1"]["compensation_frames"], 0);
    EXPECT_EQ(l["inputs"]["in1"]["frames"], 100);
    EXPECT_EQ(l["mixes_frames"], 100);  // in1 still reaches them that late
    EXPECT_EQ(l["round_trip_frames"], 512 + 100);
}

// A path later than compensation can hold the others back (an insert's 32768-frame loop plus a
// plugin's latency on the same input): the status does not claim that every source arrives
// together (an outside test saw "every source arrives +100000 frames" with 32768 added).
TEST(LatencyStatusJson, APathBeyondTheCompensationLimitIsNotCalledAligned) {
    control::Status s;
    s.rate_hz = 48000;
    s.latency_compensate = true;
    s.input_latency_frames = {{"in1", 40000}, {"in2", 0}};
    s.input_compensation_frames = {0, 32768};
    json l = to_json(s)["latency"];
    EXPECT_EQ(l["mixes_frames"], 40000);
    EXPECT_EQ(l["aligned"], false);
    s.input_latency_frames = {{"in1", 100}, {"in2", 0}};
    s.input_compensation_frames = {0, 100};
    EXPECT_EQ(to_json(s)["latency"]["aligned"], true);
}

}  // namespace
}  // namespace phantom::http
