// Phantom's JACK connections as part of its state, on a real jackd (dummy driver) started by
// the test: kept across a restart of Phantom and of the server (bit-exact audio through them
// afterwards), and made when a port they wait for appears.
#include <gtest/gtest.h>
#include <jack/jack.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "jack_server.hpp"
#include "jack_test_lock.hpp"
#include "live_process.hpp"

namespace phantom::test {
namespace {

using nlohmann::json;

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The state file's connections, once it holds `pair` (saved within a second of a change).
bool saved_within(const std::string& state, const std::string& from, const std::string& to,
                  bool present, std::chrono::milliseconds limit = 3000ms) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        const json doc = json::parse(read_file(state), nullptr, false);
        bool found = false;
        if (!doc.is_discarded() && doc.contains("connections"))
            for (const auto& c : doc["connections"])
                found = found || (c["from"] == from && c["to"] == to);
        if (found == present) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

bool connected_within(jack_client_t* c, const std::string& a, const std::string& b,
                      std::chrono::milliseconds limit, bool want = true) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
        if (connected(c, a, b) == want) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

class JackConnections : public ::testing::Test {
  protected:
    JackTestLock lock;
    JackServer server{"phantom-test"};
    std::string dir = temp_dir(std::string("jack-connections-") +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::string state = dir + "state.json";
    std::unique_ptr<LiveProcess> phantom;
    jack_client_t* observer = nullptr;

    void start_phantom() {
        phantom = std::make_unique<LiveProcess>(
            std::vector<std::string>{"--backend", "jack", "--jack-server", server.name(),
                                     "--session", state},
            dir + "log");
        ASSERT_TRUE(phantom->wait_ready()) << phantom->log();
    }
    void open_observer() {
        observer = open_client("observer", server.name());
        ASSERT_NE(observer, nullptr);
        ASSERT_EQ(jack_activate(observer), 0);
    }
    void SetUp() override {
        ::unlink(state.c_str());
        start_phantom();
        open_observer();
        // pb1 → main.L at unity: the sink hears the source bit-exact, in the same cycle.
        ASSERT_EQ(phantom
                      ->request("POST", "/api/params",
                                R"({"/mix/main/pb1/gain": 0, "/mix/main/pb1/pan": -1,
                                    "/monitor/volume": 0})")
                      .status,
                  200);
    }
    void TearDown() override {
        // Clients before servers (jackd 1.9.21 can deadlock otherwise): Phantom, then ours.
        if (phantom) phantom->stop(SIGTERM);
        if (observer) jack_client_close(observer);
    }
    json connections() { return json::parse(phantom->request("GET", "/api/connections").body); }
    // The state, once it is `want` (the graph is read at the next poll, 20 ms; the status
    // every 100 ms), or as it is after a second.
    std::string state_within(const std::string& from, const std::string& to,
                             const std::string& want) {
        std::string now;
        for (int k = 0; k < 50 && (now = state_of(from, to)) != want; ++k)
            std::this_thread::sleep_for(20ms);
        return now;
    }
    json status_once(const std::function<bool(const json&)>& done) {
        json s;
        for (int k = 0; k < 50; ++k) {
            s = json::parse(phantom->request("GET", "/api/status").body);
            if (done(s)) break;
            std::this_thread::sleep_for(20ms);
        }
        return s;
    }
    std::string state_of(const std::string& from, const std::string& to) {
        const json all = connections();  // held: a loop over a temporary's member dangles
        for (const auto& c : all["connections"])
            if (c["from"] == from && c["to"] == to) return c["state"];
        return "absent";
    }
};

TEST_F(JackConnections, ConnectionsMadeByAnyoneAreKeptAcrossARestartOfPhantom) {
    SignalPeers peers(server.name());
    ASSERT_TRUE(peers.ok);
    // Made by another client, as qjackctl would; and one automatic connection undone.
    ASSERT_EQ(jack_connect(observer, "src:out", "phantom:playback_1"), 0);
    ASSERT_EQ(jack_connect(observer, "phantom:hw_out_main.L", "sink:in"), 0);
    ASSERT_EQ(jack_disconnect(observer, "system:capture_2", "phantom:hw_in_in2"), 0);
    EXPECT_TRUE(saved_within(state, "src:out", "phantom:playback_1", true));
    EXPECT_TRUE(saved_within(state, "phantom:hw_out_main.L", "sink:in", true));
    EXPECT_TRUE(saved_within(state, "system:capture_2", "phantom:hw_in_in2", false))
        << read_file(state);
    EXPECT_EQ(state_within("src:out", "phantom:playback_1", "connected"), "connected");

    ASSERT_NE(phantom->stop(SIGTERM), -1) << phantom->log();
    EXPECT_FALSE(connected(observer, "src:out", "phantom:playback_1"));  // gone with the ports
    start_phantom();
    EXPECT_TRUE(connected_within(observer, "src:out", "phantom:playback_1", 2000ms));
    EXPECT_TRUE(connected_within(observer, "phantom:hw_out_main.L", "sink:in", 2000ms));
    EXPECT_TRUE(connected(observer, "system:capture_1", "phantom:hw_in_in1"));
    // What the user undid stays undone: the list replaces the automatic connections.
    EXPECT_FALSE(connected(observer, "system:capture_2", "phantom:hw_in_in2"));
    std::this_thread::sleep_for(1000ms);  // past the power-on ramp
    expect_bit_exact_in_the_same_cycle(check_passage(peers.sink), 48000);
}

TEST_F(JackConnections, AfterAServerRestartTheKeptConnectionsAreMadeAsTheirPortsReturn) {
    {
        SignalPeers peers(server.name());
        ASSERT_TRUE(peers.ok);
        // Through Phantom's own API this time.
        auto a = phantom->request("POST", "/api/connections",
                                  R"({"from": "src:out", "to": "phantom:playback_1"})");
        ASSERT_EQ(a.status, 200) << a.body;
        EXPECT_EQ(json::parse(a.body)["state"], "connected");
        a = phantom->request("POST", "/api/connections",
                             R"({"from": "phantom:hw_out_main.L", "to": "sink:in"})");
        ASSERT_EQ(a.status, 200) << a.body;
        EXPECT_TRUE(connected(observer, "src:out", "phantom:playback_1"));
        EXPECT_TRUE(saved_within(state, "phantom:hw_out_main.L", "sink:in", true));
        jack_client_close(observer);
        observer = nullptr;
        // The peers' clients go with the server (closed after it, as a killed server leaves).
        server.kill_now();
    }
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(json::parse(phantom->request("GET", "/api/status").body)["state"], "lost");
    server.start();
    open_observer();
    // Phantom is back first; its peers come later, and their connections with them.
    bool back = false;
    for (int k = 0; k < 150 && !back; ++k) {
        back = json::parse(phantom->request("GET", "/api/status").body)["state"] == "running";
        std::this_thread::sleep_for(20ms);
    }
    ASSERT_TRUE(back) << phantom->log();
    EXPECT_TRUE(connected_within(observer, "system:capture_1", "phantom:hw_in_in1", 2000ms));
    EXPECT_EQ(state_within("src:out", "phantom:playback_1", "waiting"), "waiting");
    const json status = status_once([](const json& s) {
        return s["connections_waiting"].dump().find("'src' is not connected") != std::string::npos;
    });
    EXPECT_NE(status["connections_waiting"].dump().find(
                  "playback channel 1: 'src' is not connected (1 kept connection waits for it)"),
              std::string::npos)
        << status.dump();
    SignalPeers peers(server.name());
    ASSERT_TRUE(peers.ok);
    EXPECT_TRUE(connected_within(observer, "src:out", "phantom:playback_1", 2000ms));
    EXPECT_TRUE(connected_within(observer, "phantom:hw_out_main.L", "sink:in", 2000ms));
    std::this_thread::sleep_for(1000ms);  // past the power-on ramp of the restart
    expect_bit_exact_in_the_same_cycle(check_passage(peers.sink), 48000);
    // Still kept in the file, never dropped while their ports were away.
    EXPECT_TRUE(saved_within(state, "src:out", "phantom:playback_1", true));
}

TEST_F(JackConnections, AConnectionToAPortThatAppearsLaterIsMadeWhenItAppears) {
    auto a = phantom->request("POST", "/api/connections",
                              R"({"from": "late:out", "to": "phantom:hw_in_adat1"})");
    EXPECT_EQ(a.status, 404) << a.body;  // no such port, and not asked to wait
    EXPECT_NE(a.body.find("--wait"), std::string::npos) << a.body;
    a = phantom->request("POST", "/api/connections",
                         R"({"from": "late:out", "to": "phantom:hw_in_adat1", "wait": true})");
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(json::parse(a.body)["state"], "waiting");
    EXPECT_TRUE(saved_within(state, "late:out", "phantom:hw_in_adat1", true));
    const json status =
        status_once([](const json& s) { return !s["connections_waiting"].empty(); });
    EXPECT_NE(status["connections_waiting"].dump().find(
                  "input adat1: 'late' is not connected (1 kept connection waits for it)"),
              std::string::npos)
        << status.dump();

    // The port is registered before its client activates (as a netjack2 slave's are):
    // connectable only from the activation on.
    jack_client_t* late = open_client("late", server.name());
    ASSERT_NE(late, nullptr);
    ASSERT_NE(jack_port_register(late, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0),
              nullptr);
    std::this_thread::sleep_for(300ms);
    const auto activated = std::chrono::steady_clock::now();
    ASSERT_EQ(jack_activate(late), 0);
    EXPECT_TRUE(connected_within(observer, "late:out", "phantom:hw_in_adat1", 2000ms));
    std::printf(
        "[ late port ] connected %.0f ms after its client activated\n",
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - activated)
            .count());
    EXPECT_EQ(state_within("late:out", "phantom:hw_in_adat1", "connected"), "connected");
    // The client leaves: the connection waits again, still kept.
    jack_client_close(late);
    for (int k = 0; k < 100 && state_of("late:out", "phantom:hw_in_adat1") != "waiting"; ++k)
        std::this_thread::sleep_for(20ms);
    EXPECT_EQ(state_of("late:out", "phantom:hw_in_adat1"), "waiting");
    std::this_thread::sleep_for(500ms);
    EXPECT_TRUE(saved_within(state, "late:out", "phantom:hw_in_adat1", true));
}

TEST_F(JackConnections, BadRequestsAreRefusedAndChangeNothing) {
    const std::string before = connections()["connections"].dump();
    struct Case {
        const char* method;
        const char* body;
        int status;
        const char* says;
    };
    const Case cases[] = {
        {"PUT", "not json", 400, ""},
        {"PUT", R"({"connections": 3})", 400, "expected"},
        {"PUT", R"([{"from": "system:capture_1"}])", 400, "expected"},
        {"PUT", R"([{"from": "system:capture_1", "to": "phantom:hw_in_in1", "x": 1}])", 400,
         "unknown field"},
        // One bad item refuses the whole list: nothing of it applies.
        {"PUT",
         R"([{"from": "system:capture_3", "to": "phantom:hw_in_in1"},
             {"from": "system:capture_1", "to": "system:playback_1"}])",
         404, "neither is a port of phantom"},
        {"PUT", R"([{"from": "nocolon", "to": "phantom:hw_in_in1"}])", 400, "client:port"},
        {"POST", R"({"from": "phantom:hw_in_in1", "to": "system:playback_1"})", 409,
         "input of Phantom's"},
        {"POST", R"({"from": "nobody:out", "to": "phantom:hw_in_in1"})", 404, "no port named"},
        {"POST", R"({"from": "system:capture_1", "to": "phantom:hw_in_in1", "wait": "yes"})", 400,
         "wait"},
        {"DELETE", R"({"from": "system:capture_7", "to": "phantom:hw_in_in1"})", 404,
         "not connected"},
        {"PATCH", R"({})", 405, ""},
    };
    for (const auto& c : cases) {
        const auto r = phantom->request(c.method, "/api/connections", c.body);
        EXPECT_EQ(r.status, c.status) << c.method << " " << c.body << " → " << r.body;
        EXPECT_NE(r.body.find(c.says), std::string::npos) << r.body;
    }
    EXPECT_EQ(connections()["connections"].dump(), before);
    EXPECT_TRUE(connected(observer, "system:capture_1", "phantom:hw_in_in1"));
    EXPECT_FALSE(connected(observer, "system:capture_3", "phantom:hw_in_in1"));
    // A good PUT replaces the list: hw_in_in1 from capture_3 only; the rest of Phantom's
    // connections undone.
    const auto r = phantom->request("PUT", "/api/connections",
                                    R"({"connections": [{"from": "system:capture_3",
                                                         "to": "phantom:hw_in_in1"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(connected_within(observer, "system:capture_3", "phantom:hw_in_in1", 1000ms));
    EXPECT_TRUE(connected_within(observer, "system:capture_1", "phantom:hw_in_in1", 1000ms, false));
    EXPECT_FALSE(connected(observer, "phantom:hw_out_main.L", "system:playback_1"));
    std::this_thread::sleep_for(500ms);  // past the settle time: the list holds
    EXPECT_EQ(connections()["connections"].size(), 1u) << connections().dump();
}

// A feedback loop through loopback, read from the real graph: loopback.L (capture_19 on
// studio-8x8: 18 capture channels, then the loopback pair) connected straight back into
// playback_1, which main's mix holds (SetUp), with loopback returning main. The doctor finds
// it at main within 2 s, naming the disconnect; undone, the finding goes.
TEST_F(JackConnections, TheDoctorFindsAFeedbackLoopThroughLoopbackInTheGraph) {
    ASSERT_EQ(phantom->request("PUT", "/api/params/loopback/source", R"({"value": "main"})").status,
              200);
    auto find = [&]() -> json {
        const json all = json::parse(phantom->request("GET", "/api/doctor").body);
        for (const auto& f : all["findings"])
            if (f["rule"] == "feedback-loop") return f;
        return json();
    };
    EXPECT_TRUE(find().is_null());
    ASSERT_EQ(jack_connect(observer, "phantom:capture_19", "phantom:playback_1"), 0);
    json f;
    for (int k = 0; k < 40 && (f = find()).is_null(); ++k)
        std::this_thread::sleep_for(50ms);
    ASSERT_FALSE(f.is_null()) << "no feedback-loop finding within 2 s";
    EXPECT_EQ(f["where"], "main");
    EXPECT_EQ(f["severity"], "critical");
    EXPECT_NE(f["what"].get<std::string>().find("loopback.L → pb1"), std::string::npos) << f;
    EXPECT_NE(f["fix"].get<std::string>().find("/mix/main/pb1/mute on"), std::string::npos) << f;
    EXPECT_NE(f["fix"].get<std::string>().find(
                  "phantom disconnect phantom:capture_19 phantom:playback_1"),
              std::string::npos)
        << f;
    ASSERT_EQ(jack_disconnect(observer, "phantom:capture_19", "phantom:playback_1"), 0);
    for (int k = 0; k < 60 && !(f = find()).is_null(); ++k)
        std::this_thread::sleep_for(50ms);
    EXPECT_TRUE(f.is_null()) << f;
}

}  // namespace
}  // namespace phantom::test
