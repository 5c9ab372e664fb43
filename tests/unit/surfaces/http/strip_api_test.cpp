// The channel strips over HTTP, through a real socket: set like any parameter, the gain
// reduction in /api/meters where a compressor, gate or limiter is on, the limiter's latency in
// /api/status, and a bad value refused with its range, changing nothing.
#include <gtest/gtest.h>

#include "http_test_support.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/surfaces/http/http_client.hpp"
#include "phantom/surfaces/http/http_server.hpp"

namespace phantom::http {
namespace {

using nlohmann::json;

class StripApi : public test::ServedInterface {
  protected:
    // Half a second of audio through the engine, as the driver would run it.
    void play() {
        std::vector<std::vector<float>> out(iface.output_channel_count(), std::vector<float>(256));
        std::vector<std::vector<float>> cap(iface.capture_channel_count(), std::vector<float>(256));
        std::vector<float*> out_ptr, cap_ptr;
        for (auto& b : out)
            out_ptr.push_back(b.data());
        for (auto& b : cap)
            cap_ptr.push_back(b.data());
        engine::BlockIo io;
        io.frames = 256;
        io.outputs = out_ptr.data();
        io.capture = cap_ptr.data();
        for (int k = 0; k < 94; ++k) {
            iface.process(io);
            iface.maintain();
        }
    }
    static const json* channel(const json& list, const std::string& id) {
        for (const auto& c : list)
            if (c["id"] == id) return &c;
        return nullptr;
    }
};

TEST_F(StripApi, GainReductionInTheMetersAndTheLimitersLatencyInTheStatus) {
    const json eq = ok("GET", "/api/params/input/in5/eq/low/type");
    EXPECT_EQ(eq["choices"], json({"shelf", "bell"}));
    iface.set_source("in5", "sine:1k:+12dBu");  // -6 dBFS at the converter
    ok("POST", "/api/params",
       R"({"/input/in5/comp/on": true, "/input/in5/comp/threshold": -30, "/input/in5/comp/knee": 0,
           "/input/in5/comp/attack": 0.1, "/input/in5/comp/release": 3000, "/mix/hp1/in5/gain": 0, "/output/hp1/limiter/on": true,
           "/output/hp1/limiter/ceiling": -30})");
    iface.start();
    play();
    const json m = ok("GET", "/api/meters");
    const json* in5 = channel(m["inputs"], "in5");
    ASSERT_NE(in5, nullptr);
    // -6.02 dBFS into threshold -30, ratio 4: 24 dB over, 18 dB of reduction at the peaks.
    ASSERT_TRUE(in5->contains("comp_gr_db")) << *in5;
    EXPECT_NEAR((*in5)["comp_gr_db"].get<double>(), 0.75 * (30 - 6.02), 0.1);
    EXPECT_FALSE(in5->contains("gate_gr_db"));  // the gate is off
    EXPECT_FALSE(channel(m["inputs"], "in1")->contains("comp_gr_db"));
    const json* hp1 = channel(m["outputs"], "hp1.L");
    ASSERT_NE(hp1, nullptr);
    ASSERT_TRUE(hp1->contains("limiter_gr_db")) << *hp1;
    EXPECT_GT((*hp1)["limiter_gr_db"].get<double>(), 0.0);
    // The compressed sine (-24 dBFS peak, -27 on each side of hp1) under a -30 dBFS ceiling.
    EXPECT_NEAR((*hp1)["limiter_gr_db"].get<double>(), 3.0, 1.0);
    EXPECT_LE((*hp1)["peak_dbfs"].get<double>(), -30.0 + 0.01);  // the ceiling holds
    const json st = ok("GET", "/api/status");
    EXPECT_EQ(st["output_strip_latency_frames"]["hp1"], 72);  // 1.5 ms at 48 kHz
    EXPECT_EQ(st["output_strip_latency_frames"]["main"], 0);
}

TEST_F(StripApi, FrequencyAndReleaseKnobsTurnByRatiosAndTheDelayLinearly) {
    // What every surface reads to move a knob (the panel, OSC's normalised faders, MIDI).
    EXPECT_EQ(ok("GET", "/api/params/input/in1/eq/mid1/freq")["taper"], "log");
    EXPECT_EQ(ok("GET", "/api/params/input/in1/lowcut/freq")["taper"], "log");
    EXPECT_EQ(ok("GET", "/api/params/output/hp1/limiter/release")["taper"], "log");
    EXPECT_EQ(ok("GET", "/api/params/input/in1/eq/mid1/q")["taper"], "log");
    EXPECT_EQ(ok("GET", "/api/params/input/in1/comp/ratio")["taper"], "log");
    EXPECT_EQ(ok("GET", "/api/params/output/hp1/delay")["taper"], "linear");
    EXPECT_EQ(ok("GET", "/api/params/input/in1/width")["taper"], "linear");
    EXPECT_EQ(ok("GET", "/api/params/input/in1/eq/mid1/gain")["taper"], "linear");
}

TEST_F(StripApi, ABadValueIsRefusedWithItsRangeAndChangesNothing) {
    const std::vector<double> before = iface.params().values();
    HttpResult r = call("PUT", "/api/params/input/in1/lowcut/freq", R"({"value": 1000})");
    EXPECT_EQ(r.status, 422) << r.body;
    const json e = json::parse(r.body);
    EXPECT_EQ(e["path"], "/input/in1/lowcut/freq");
    EXPECT_NE(e["allowed"].get<std::string>().find("20 to 500 Hz"), std::string::npos) << r.body;
    // Half of a batch good, half bad: nothing of it is applied, no strip is made.
    r = call("POST", "/api/params",
             R"({"/input/in1/comp/on": true, "/input/in1/comp/ratio": 0.5})");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(json::parse(r.body)["path"], "/input/in1/comp/ratio");
    EXPECT_EQ(call("PUT", "/api/params/output/hp1/delay", R"({"value": 51})").status, 422);
    EXPECT_EQ(call("PUT", "/api/params/input/in1/lowcut/slope", R"({"value": "36"})").status, 422);
    EXPECT_EQ(call("PUT", "/api/params/input/pb1/eq/on", R"({"value": true})").status, 404);
    EXPECT_EQ(iface.params().values(), before);
    EXPECT_EQ(iface.strips().inputs[0], nullptr);
    ok("PUT", "/api/params/input/in1/comp/ratio", R"({"value": 8})");
    EXPECT_EQ(value("/input/in1/comp/ratio"), 8.0);
}

}  // namespace
}  // namespace phantom::http
