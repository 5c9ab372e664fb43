// The latency Phantom's own processing adds, as JACK's ports and the status report it: a real
// `jackd -d dummy`, a real `phantom start --backend jack`, and an observer client (libjack)
// that reads the ports' ranges as any DAW would. The headphone limiter's lookahead is the one
// path latency Phantom has: expected values are the system ports' ranges (read from the
// server) plus the lookahead computed from its documented rule (1.5 ms at the rate, rounded
// to whole frames: dsp/limiter.hpp, docs/user-guide.md), never from the limiter itself.
#include <gtest/gtest.h>
#include <jack/jack.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>

#include "phantom_on_jack.hpp"
#include "run_command.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using Range = std::pair<unsigned, unsigned>;  // min, max

constexpr unsigned kRateHz = 48000;
// 1.5 ms of lookahead at 48 kHz: 72 frames.
const unsigned kLookaheadFrames = static_cast<unsigned>(std::lround(0.0015 * kRateHz));

Range shifted(Range r, unsigned frames) {
    return {r.first + frames, r.second + frames};
}

class JackLatency : public PhantomOnJack {
  protected:
    void SetUp() override {
        PhantomOnJack::SetUp();
        if (HasFatalFailure()) return;
        // hp1 is beyond the 8 system playback ports Phantom connects in order: a pair of
        // headphones on the last two.
        ASSERT_EQ(jack_connect(observer, "phantom:hw_out_hp1.L", "system:playback_7"), 0);
        ASSERT_EQ(jack_connect(observer, "phantom:hw_out_hp1.R", "system:playback_8"), 0);
    }

    Range range(const std::string& port, jack_latency_callback_mode_t mode) {
        jack_port_t* p = jack_port_by_name(observer, port.c_str());
        if (!p) {
            ADD_FAILURE() << "no port " << port;
            return {};
        }
        jack_latency_range_t r{};
        jack_port_get_latency_range(p, mode, &r);
        const unsigned lo = r.min, hi = r.max;  // the struct is packed: no references into it
        return {lo, hi};
    }
    // The server recomputes latencies when Phantom's control loop asks (every 20 ms it looks):
    // up to 3 s for the port's range to become `want`; the range it has then.
    Range wait_for(const std::string& port, jack_latency_callback_mode_t mode, Range want) {
        for (int k = 0; k < 300 && range(port, mode) != want; ++k)
            std::this_thread::sleep_for(10ms);
        return range(port, mode);
    }
    void set(const std::string& body) {
        const auto r = phantom.request("POST", "/api/params", body);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    json status() { return json::parse(phantom.request("GET", "/api/status").body); }
};

TEST_F(JackLatency, TheHeadphoneLimitersLookaheadIsInTheRangesOfEveryPathThroughIt) {
    const Range system_in = range("system:capture_1", JackCaptureLatency);
    const Range system_out = range("system:playback_1", JackPlaybackLatency);
    ASSERT_GT(system_in.second + system_out.second, 0u);  // the dummy driver has latency

    // Limiter off (the default): every range passes through as the server's.
    EXPECT_EQ(wait_for("phantom:hw_out_hp1.L", JackCaptureLatency, system_in), system_in);
    EXPECT_EQ(range("phantom:hw_out_main.L", JackCaptureLatency), system_in);
    EXPECT_EQ(wait_for("phantom:hw_in_in1", JackPlaybackLatency, system_out), system_out);
    EXPECT_EQ(range("phantom:playback_1", JackPlaybackLatency), system_out);
    // An output port's playback range is JACK's own: what follows it (system:playback_7, which
    // SetUp connected just now: the server's recomputation may still be on its way).
    EXPECT_EQ(wait_for("phantom:hw_out_hp1.L", JackPlaybackLatency, system_out), system_out);

    set(R"({"/output/hp1/limiter/on": true})");
    // Capture: what leaves hp1 was captured that much earlier; main and the inputs' own
    // capture channels are untouched.
    const Range hp1_in = shifted(system_in, kLookaheadFrames);
    EXPECT_EQ(wait_for("phantom:hw_out_hp1.L", JackCaptureLatency, hp1_in), hp1_in);
    EXPECT_EQ(range("phantom:hw_out_hp1.R", JackCaptureLatency), hp1_in);
    EXPECT_EQ(range("phantom:hw_out_main.L", JackCaptureLatency), system_in);
    EXPECT_EQ(range("phantom:capture_1", JackCaptureLatency), system_in);
    // Playback: what a DAW plays into Phantom reaches main at once and hp1 a lookahead later,
    // so the range of every input widens at its top by exactly the lookahead.
    const Range widened{system_out.first, system_out.second + kLookaheadFrames};
    EXPECT_EQ(wait_for("phantom:playback_1", JackPlaybackLatency, widened), widened);
    EXPECT_EQ(range("phantom:hw_in_in1", JackPlaybackLatency), widened);
    EXPECT_EQ(range("phantom:hw_out_hp1.L", JackPlaybackLatency), system_out);

    // The status says the same per path.
    json s;
    for (int k = 0; k < 50; ++k) {  // the status is refreshed every 100 ms
        s = status();
        if (s["latency"]["outputs"]["hp1"]["frames"] == kLookaheadFrames) break;
        std::this_thread::sleep_for(20ms);
    }
    const json& l = s["latency"];
    EXPECT_EQ(l["outputs"]["hp1"]["frames"], kLookaheadFrames) << s.dump();
    EXPECT_EQ(l["outputs"]["hp1"]["ms"], 1.5);
    EXPECT_EQ(l["outputs"]["main"]["frames"], 0);
    EXPECT_EQ(l["inputs"]["in1"]["frames"], 0);
    EXPECT_EQ(l["block_frames"], 256);
    EXPECT_EQ(l["capture_frames"], system_in.second);
    EXPECT_EQ(l["playback_frames"], system_out.second);
    const unsigned hp1_round_trip = system_in.second + kLookaheadFrames + system_out.second;
    EXPECT_EQ(l["outputs"]["hp1"]["round_trip_frames"], hp1_round_trip);
    EXPECT_EQ(l["outputs"]["main"]["round_trip_frames"], system_in.second + system_out.second);
    EXPECT_EQ(l["round_trip_frames"], hp1_round_trip);
    EXPECT_EQ(s["latency_frames"], system_in.second + system_out.second);  // the backend's
    EXPECT_EQ(s["output_strip_latency_frames"]["hp1"], kLookaheadFrames);

    // And `phantom status` prints it per path.
    const auto cli =
        run_command(phantom_command("status --http 127.0.0.1:" + std::to_string(phantom.port())));
    EXPECT_EQ(cli.exit_code, 0) << cli.err;
    const auto ms = [](unsigned frames) {
        char text[32];
        std::snprintf(text, sizeof text, "%.2f", frames * 1000.0 / kRateHz);
        return std::string(text);
    };
    const std::string hp1_line = "  hp1     +" + std::to_string(kLookaheadFrames) +
                                 " frames (1.50 ms), round trip " + std::to_string(hp1_round_trip) +
                                 " frames (" + ms(hp1_round_trip) + " ms)\n";
    EXPECT_NE(cli.out.find(hp1_line), std::string::npos) << cli.out;
    EXPECT_NE(cli.out.find("latency   capture " + std::to_string(system_in.second) + " frames"),
              std::string::npos)
        << cli.out;

    // Off again: back to passing through.
    set(R"({"/output/hp1/limiter/on": false})");
    EXPECT_EQ(wait_for("phantom:hw_out_hp1.L", JackCaptureLatency, system_in), system_in);
    EXPECT_EQ(wait_for("phantom:playback_1", JackPlaybackLatency, system_out), system_out);
}

TEST_F(JackLatency, TheLoopbackOfALimitedOutputCarriesItsLookahead) {
    const Range system_in = range("system:capture_1", JackCaptureLatency);
    // studio-8x8: 18 capture channels of the inputs, then loopback.L and .R.
    const std::string loopback_l = "phantom:capture_19";
    EXPECT_EQ(wait_for(loopback_l, JackCaptureLatency, system_in), system_in);
    set(R"({"/loopback/source": "hp1", "/output/hp1/limiter/on": true})");
    const Range limited = shifted(system_in, kLookaheadFrames);
    EXPECT_EQ(wait_for(loopback_l, JackCaptureLatency, limited), limited);
    EXPECT_EQ(range("phantom:capture_20", JackCaptureLatency), limited);
    // Another output on the loopback: no lookahead on that path.
    set(R"({"/loopback/source": "main"})");
    EXPECT_EQ(wait_for(loopback_l, JackCaptureLatency, system_in), system_in);
}

// A hardware insert of 100 frames on in1 (its delay set, as a measurement would): compensated
// (the default) every path into the mixes takes those 100 frames, so every output port states
// the system's capture range plus 100, min and max alike, and what a DAW plays reaches the
// outputs 100 later. The host's capture of in1 is dry (the system's range) until rec_fx
// records the insert's output, which is 100 later; in2's capture stays dry. Compensation off:
// only in1's path carries the 100, and the outputs' ranges span both.
TEST_F(JackLatency, AnInsertAlignsEveryPathIntoTheMixesAndARecFxCaptureCarriesIt) {
    constexpr unsigned kDelay = 100;
    const Range system_in = range("system:capture_1", JackCaptureLatency);
    const Range system_out = range("system:playback_1", JackPlaybackLatency);
    EXPECT_EQ(wait_for("phantom:hw_out_main.L", JackCaptureLatency, system_in), system_in);

    set(R"({"/input/in1/insert/send": "line3", "/input/in1/insert/return": "in5",
            "/input/in1/insert/delay": 100, "/input/in1/insert/on": true})");
    const Range aligned = shifted(system_in, kDelay);
    EXPECT_EQ(wait_for("phantom:hw_out_main.L", JackCaptureLatency, aligned), aligned);
    EXPECT_EQ(range("phantom:hw_out_hp1.L", JackCaptureLatency), aligned);
    EXPECT_EQ(range("phantom:capture_1", JackCaptureLatency), system_in);  // dry
    const Range played = shifted(system_out, kDelay);
    EXPECT_EQ(wait_for("phantom:playback_1", JackPlaybackLatency, played), played);

    set(R"({"/input/in1/rec_fx": true})");
    EXPECT_EQ(wait_for("phantom:capture_1", JackCaptureLatency, aligned), aligned);
    EXPECT_EQ(range("phantom:capture_2", JackCaptureLatency), system_in);  // never compensated

    set(R"({"/latency/compensate": false})");
    const Range spread{system_in.first, system_in.second + kDelay};
    EXPECT_EQ(wait_for("phantom:hw_out_main.L", JackCaptureLatency, spread), spread);
    EXPECT_EQ(range("phantom:capture_1", JackCaptureLatency), aligned);  // the insert's still
    EXPECT_EQ(wait_for("phantom:playback_1", JackPlaybackLatency, system_out), system_out);

    // The status and `phantom status` say what compensation adds, per path.
    set(R"({"/latency/compensate": true})");
    json s;
    for (int k = 0; k < 50; ++k) {  // the status is refreshed every 100 ms
        s = status();
        if (s["latency"]["inputs"]["in2"]["compensation_frames"] == kDelay) break;
        std::this_thread::sleep_for(20ms);
    }
    const json& l = s["latency"];
    EXPECT_EQ(l["inputs"]["in1"]["frames"], kDelay) << s.dump();
    EXPECT_EQ(l["inputs"]["in1"]["compensation_frames"], 0);
    EXPECT_EQ(l["inputs"]["in2"]["compensation_frames"], kDelay);
    EXPECT_EQ(l["playback"]["pb1"]["compensation_frames"], kDelay);
    EXPECT_EQ(l["mixes_frames"], kDelay);
    const auto cli =
        run_command(phantom_command("status --http 127.0.0.1:" + std::to_string(phantom.port())));
    EXPECT_EQ(cli.exit_code, 0) << cli.err;
    EXPECT_NE(cli.out.find("  in1     +100 frames (2.08 ms)\n"), std::string::npos) << cli.out;
    EXPECT_NE(cli.out.find("  inputs  +0 frames on 17 inputs, +100 frames (2.08 ms) "
                           "compensation: adat1"),
              std::string::npos)
        << cli.out;
    EXPECT_NE(cli.out.find("  playback +0 frames on 20 channels, +100 frames (2.08 ms) "
                           "compensation: pb1"),
              std::string::npos)
        << cli.out;
    EXPECT_NE(cli.out.find("  mixes   compensation on: every source arrives +100 frames "
                           "(2.08 ms)\n"),
              std::string::npos)
        << cli.out;
}

}  // namespace
}  // namespace phantom::test
