// POST /api/inserts/<id>/measure through a real socket, with an audio thread running the
// engine: the loop is virtual outboard gear of known delay, so the answer must be one block
// of the virtual converters each way (2 × 256 frames here) plus the gear's 2.5625 ms (123 frames at
// 48 kHz). Refusals carry their reason and change nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "http_test_support.hpp"

namespace phantom::http {
namespace {

using nlohmann::json;

class InsertsApi : public test::ServedInterface {
  protected:
    std::atomic<bool> running{false};
    std::thread audio;
    std::vector<std::vector<float>> out;
    std::vector<float*> out_ptr;

    void run_audio() {
        iface.start();
        out.assign(iface.output_channel_count(), std::vector<float>(256));
        for (auto& b : out)
            out_ptr.push_back(b.data());
        running = true;
        audio = std::thread([this] {
            engine::BlockIo io;
            io.frames = 256;
            io.outputs = out_ptr.data();
            while (running.load()) {
                iface.process(io);
                std::this_thread::yield();
            }
        });
    }
    void TearDown() override {
        running = false;
        if (audio.joinable()) audio.join();
    }
};

TEST_F(InsertsApi, MeasureFindsTheLoopAndSetsTheDelay) {
    controller.with_interface(
        [](engine::Interface& i) { i.set_source("in5", "outboard:line3:delay=2.5625ms:invert"); });
    ok("POST", "/api/params",
       R"({"/input/in1/insert/send": "line3", "/input/in1/insert/return": "in5",
           "/input/in1/insert/on": true})");
    run_audio();
    const json r = ok("POST", "/api/inserts/in1/measure");
    EXPECT_EQ(r["input"], "in1");
    EXPECT_EQ(r["delay_frames"], 512 + 123);
    EXPECT_NEAR(r["delay_exact_frames"].get<double>(), 512 + 123, 1.0);
    EXPECT_EQ(r["previous_delay_frames"], 0);
    EXPECT_NEAR(r["gain_db"].get<double>(), 0.0, 0.05);
    EXPECT_EQ(r["inverted"], true);
    EXPECT_EQ(value("/input/in1/insert/delay"), 512 + 123);
    const json status = ok("GET", "/api/status");
    EXPECT_EQ(status["latency"]["inputs"]["in1"]["frames"], 512 + 123) << status["latency"].dump();
}

TEST_F(InsertsApi, RefusalsCarryTheirReason) {
    auto refused = [&](const std::string& method, const std::string& path, int status,
                       const std::string& why) {
        const HttpResult r = call(method, path);
        EXPECT_EQ(r.status, status) << method << " " << path << ": " << r.body;
        EXPECT_NE(r.body.find(why), std::string::npos) << r.body;
    };
    refused("POST", "/api/inserts/in99/measure", 404, "in99: no such input");
    refused("POST", "/api/inserts/in1", 404, "no such endpoint");
    refused("POST", "/api/inserts/in1/measure/again", 404, "no such endpoint");
    refused("GET", "/api/inserts/in1/measure", 405, "allowed: POST");
    refused("POST", "/api/inserts/pb1/measure", 409, "no insert slot");
    refused("POST", "/api/inserts/in1/measure", 409, "no send");
    EXPECT_EQ(value("/input/in1/insert/delay"), 0);
}

}  // namespace
}  // namespace phantom::http
