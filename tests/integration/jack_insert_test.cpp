// A hardware insert on JACK: a real `jackd -d dummy`, a real `phantom start --backend jack`,
// and a libjack client that delays its input by N frames standing in for the outboard gear
// between Phantom's send (hw_out_line3) and its return (hw_in_in5). Phantom's measurement
// (POST /api/inserts/in1/measure) must find the gear's N plus what the JACK graph adds to a
// loop through another client (a connection that closes a cycle runs one period late), and
// jack_iodelay, run on the same gear, must find the same figure within a frame.
#include <gtest/gtest.h>
#include <jack/jack.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "jack_outboard.hpp"
#include "phantom_on_jack.hpp"

namespace phantom::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kGearFrames = 100;

class JackInsert : public PhantomOnJack {};

TEST_F(JackInsert, TheMeasuredLoopIsTheGearsDelayPlusTheGraphsAndJackIodelayAgrees) {
    JackDelayClient gear(server.name(), kGearFrames);
    ASSERT_TRUE(gear.ok());
    const int period = static_cast<int>(jack_get_buffer_size(observer));
    // The loop; in5 hears only the gear (the dummy driver's capture is silence anyway).
    jack_disconnect(observer, "system:capture_5", "phantom:hw_in_in5");
    ASSERT_EQ(jack_connect(observer, "phantom:hw_out_line3", "outboard:in"), 0);
    ASSERT_EQ(jack_connect(observer, "outboard:out", "phantom:hw_in_in5"), 0);
    auto r = phantom.request("POST", "/api/params",
                             R"({"/input/in1/insert/send": "line3",
                                 "/input/in1/insert/return": "in5",
                                 "/input/in1/insert/on": true})");
    ASSERT_EQ(r.status, 200) << r.body;
    r = phantom.request("POST", "/api/inserts/in1/measure");
    ASSERT_EQ(r.status, 200) << r.body;
    const json m = json::parse(r.body);
    const double measured = m["delay_exact_frames"].get<double>();
    EXPECT_NEAR(m["gain_db"].get<double>(), 0.0, 0.05) << r.body;
    EXPECT_FALSE(m["inverted"].get<bool>());
    // The gear's N, and whole periods of the graph: JACK runs a loop through a client one
    // period late where it closes the cycle.
    const double graph = measured - kGearFrames;
    EXPECT_GE(graph, period - 1.0) << r.body;
    EXPECT_NEAR(std::remainder(graph, period), 0.0, 1.0) << r.body;

    // The status reports the insert's delay as the input's latency.
    json s;
    for (int k = 0; k < 50; ++k) {
        s = json::parse(phantom.request("GET", "/api/status").body);
        if (s["latency"]["inputs"]["in1"]["frames"] == m["delay_frames"]) break;
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(s["latency"]["inputs"]["in1"]["frames"], m["delay_frames"]) << s["latency"].dump();

    // jack_iodelay on the same gear, in Phantom's place.
    ASSERT_EQ(jack_disconnect(observer, "phantom:hw_out_line3", "outboard:in"), 0);
    ASSERT_EQ(jack_disconnect(observer, "outboard:out", "phantom:hw_in_in5"), 0);
    std::string log;
    const auto reference =
        jack_iodelay_frames(observer, server.name(), "outboard:in", "outboard:out", 3.0, log);
    ASSERT_TRUE(reference.has_value()) << log;
    EXPECT_NEAR(measured, *reference, 1.0) << "jack_iodelay said:\n" << log;
    std::fprintf(stderr, "gear %d frames, period %d: Phantom measured %.3f, jack_iodelay %.3f\n",
                 kGearFrames, period, measured, *reference);
}

}  // namespace
}  // namespace phantom::test
