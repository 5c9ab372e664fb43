// The MIDI remote on a real JACK server (`jackd -d dummy`, a name of its own): a test client
// plays a controller into phantom:midi_ctl_in and records phantom:midi_ctl_out; jackd2's own
// jack_midiseq plays a held PLAY button. Phantom runs as `phantom start`, on the JACK backend
// and on the virtual hardware with `--midi jack`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <jack/jack.h>
#include <jack/midiport.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "jack_test_lock.hpp"
#include "live_process.hpp"
#include "run_command.hpp"
#include "test_signals.hpp"

namespace phantom::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

const char* const kServer = "phantom-midi-test";

void quiet(const char*) {}

jack_client_t* open_on(const std::string& name) {
    jack_set_error_function(quiet);
    jack_set_info_function(quiet);
    jack_status_t status{};
    return jack_client_open(name.c_str(),
                            static_cast<jack_options_t>(JackNoStartServer | JackServerName),
                            &status, kServer);
}

pid_t spawn(const std::vector<std::string>& args, const std::string& log,
            const char* server = nullptr) {
    const pid_t pid = fork();
    if (pid == 0) {
        if (server) setenv("JACK_DEFAULT_SERVER", server, 1);
        freopen(log.c_str(), "a", stdout);
        freopen(log.c_str(), "a", stderr);
        std::vector<char*> argv;
        std::vector<std::string> copy = args;
        for (auto& a : copy)
            argv.push_back(a.data());
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    return pid;
}

void terminate(pid_t& pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    for (int k = 0; k < 300; ++k) {
        if (waitpid(pid, nullptr, WNOHANG) == pid) {
            pid = -1;
            return;
        }
        std::this_thread::sleep_for(10ms);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    pid = -1;
}

// A child process stopped when the test ends, however it ends.
struct Child {
    pid_t pid = -1;
    ~Child() { terminate(pid); }
};

class DummyServer {
  public:
    DummyServer() {
        pid_ = spawn({"jackd", "-n", kServer, "-d", "dummy", "-r", "48000", "-p", "256"},
                     temp_dir("jackd") + std::string(kServer) + ".log");
        for (int k = 0; k < 500; ++k) {
            if (jack_client_t* c = open_on("probe")) {
                jack_client_close(c);
                return;
            }
            std::this_thread::sleep_for(10ms);
        }
        ADD_FAILURE() << "jackd did not start";
    }
    ~DummyServer() { terminate(pid_); }

  private:
    pid_t pid_ = -1;
};

// A controller: what the test queues goes out of its `out` port, what arrives at `in` is kept.
class Controller {
  public:
    Controller() {
        client_ = open_on("mcu");
        if (!client_) return;
        out_ = jack_port_register(client_, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
        in_ = jack_port_register(client_, "in", JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
        jack_set_process_callback(client_, process, this);
        jack_activate(client_);
    }
    ~Controller() {
        if (client_) jack_client_close(client_);
    }
    bool ok() const { return client_ && out_ && in_; }
    bool connect(const std::string& phantom) {
        return jack_connect(client_, "mcu:out", (phantom + ":midi_ctl_in").c_str()) == 0 &&
               jack_connect(client_, (phantom + ":midi_ctl_out").c_str(), "mcu:in") == 0;
    }
    void disconnect(const std::string& phantom) {
        jack_disconnect(client_, "mcu:out", (phantom + ":midi_ctl_in").c_str());
    }
    void send(const Bytes& message) {
        std::lock_guard lock(mutex_);
        to_send_.push_back(message);
    }
    std::vector<Bytes> received() {
        std::lock_guard lock(mutex_);
        return received_;
    }
    void clear() {
        std::lock_guard lock(mutex_);
        received_.clear();
    }
    // Wait up to 2 s for `message` on midi_ctl_out.
    bool heard(const Bytes& message) {
        for (int k = 0; k < 200; ++k) {
            auto got = received();
            if (std::find(got.begin(), got.end(), message) != got.end()) return true;
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }

  private:
    // A test client: a short lock in its own process callback is fine here.
    static int process(jack_nframes_t n, void* self) {
        auto* c = static_cast<Controller*>(self);
        void* out = jack_port_get_buffer(c->out_, n);
        void* in = jack_port_get_buffer(c->in_, n);
        jack_midi_clear_buffer(out);
        std::lock_guard lock(c->mutex_);
        for (const auto& m : c->to_send_)
            jack_midi_event_write(out, 0, m.data(), m.size());
        c->to_send_.clear();
        const jack_nframes_t count = jack_midi_get_event_count(in);
        for (jack_nframes_t k = 0; k < count; ++k) {
            jack_midi_event_t e;
            if (jack_midi_event_get(&e, in, k) == 0)
                c->received_.emplace_back(e.buffer, e.buffer + e.size);
        }
        return 0;
    }

    jack_client_t* client_ = nullptr;
    jack_port_t* out_ = nullptr;
    jack_port_t* in_ = nullptr;
    std::mutex mutex_;
    std::vector<Bytes> to_send_, received_;
};

json get(const LiveProcess& p, const std::string& path) {
    return json::parse(p.request("GET", path).body);
}

// Wait up to 2 s for a parameter to read `want`.
bool becomes(const LiveProcess& p, const std::string& path, const json& want) {
    for (int k = 0; k < 200; ++k) {
        if (get(p, "/api/params" + path)["value"] == want) return true;
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

class MidiOnJack : public ::testing::Test {
  protected:
    JackTestLock lock;
    DummyServer server;
    std::string dir = temp_dir(std::string("midi-jack-") +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
};

TEST_F(MidiOnJack, MackieProfileDrivesTheMonitorSection) {
    LiveProcess phantom({"--backend", "jack", "--jack-server", kServer, "--no-autoconnect",
                         "--midi-map", "mackie", "--session", dir + "state.json"},
                        dir + "log");
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    Controller mcu;
    ASSERT_TRUE(mcu.ok());
    ASSERT_TRUE(mcu.connect("phantom"));

    mcu.send({0x90, 0x5D, 0x7F});  // STOP = dim
    mcu.send({0x90, 0x5D, 0x00});
    EXPECT_TRUE(becomes(phantom, "/monitor/dim", true));
    EXPECT_TRUE(mcu.heard({0x90, 0x5D, 0x7F}));  // its LED

    mcu.send({0x90, 0x5E, 0x7F});  // PLAY = talkback, held
    EXPECT_TRUE(becomes(phantom, "/monitor/talkback", true));
    EXPECT_TRUE(mcu.heard({0x90, 0x5E, 0x7F}));
    mcu.send({0x90, 0x5E, 0x00});
    EXPECT_TRUE(becomes(phantom, "/monitor/talkback", false));

    mcu.send({0x90, 0x2A, 0x7F});  // PAN = mono
    EXPECT_TRUE(becomes(phantom, "/monitor/mono", true));
    mcu.send({0x90, 0x32, 0x7F});  // FLIP = speaker B
    EXPECT_TRUE(becomes(phantom, "/monitor/speakers", "B"));
    EXPECT_TRUE(mcu.heard({0x90, 0x32, 0x7F}));

    // The master fader (pitch bend, channel 9) to the bottom: -inf, and the motor's answer.
    mcu.clear();
    mcu.send({0xE8, 0x00, 0x00});
    EXPECT_TRUE(becomes(phantom, "/monitor/volume", "-inf"));
    EXPECT_TRUE(mcu.heard({0xE8, 0x00, 0x00}));
    // The panel sets 0 dB: the fader is sent to 0 dB's position; back to the top, +6 dB.
    auto put = phantom.request("PUT", "/api/params/monitor/volume", R"({"value": -10})");
    ASSERT_EQ(put.status, 200) << put.body;
    bool moved = false;
    for (int k = 0; k < 200 && !moved; ++k) {
        for (const auto& m : mcu.received())
            moved = moved || (m.size() == 3 && m[0] == 0xE8 && (m[1] | (m[2] << 7)) > 0);
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(moved) << "no motor fader answer to a change from the HTTP API";

    // F1/F2 recall the first and second snapshots in list order.
    phantom.request("PUT", "/api/params/monitor/dim", R"({"value": false})");
    ASSERT_EQ(phantom.request("POST", "/api/snapshots", R"({"name": "a-plain"})").status, 201);
    phantom.request("PUT", "/api/params/monitor/dim", R"({"value": true})");
    ASSERT_EQ(phantom.request("POST", "/api/snapshots", R"({"name": "b-dim"})").status, 201);
    mcu.send({0x90, 0x36, 0x7F});
    EXPECT_TRUE(becomes(phantom, "/monitor/dim", false));
    mcu.send({0x90, 0x37, 0x7F});
    EXPECT_TRUE(becomes(phantom, "/monitor/dim", true));

    // The status (reported every 100 ms) names the port and counts what it took.
    json midi;
    for (int k = 0; k < 100; ++k) {
        const json status = get(phantom, "/api/status");  // kept: the loop reads into it
        for (const auto& s : status["surfaces"])
            if (s["name"] == "midi") midi = s;
        if (!midi.is_null() && midi["received"].get<int>() >= 9) break;
        std::this_thread::sleep_for(20ms);
    }
    ASSERT_FALSE(midi.is_null()) << phantom.log();
    EXPECT_EQ(midi["address"], "phantom:midi_ctl_in");
    EXPECT_EQ(midi["received"], 9);  // every message sent above, none lost
    EXPECT_EQ(midi["malformed"], 0);
    EXPECT_EQ(phantom.stop(SIGTERM), 0);
}

TEST_F(MidiOnJack, JackMidiseqHoldsTalkbackAndItIsReleasedWhenItGoes) {
    LiveProcess phantom({"--backend", "jack", "--jack-server", kServer, "--no-autoconnect",
                         "--midi-map", "mackie", "--session", dir + "state.json"},
                        dir + "log");
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    // jackd2's sequencer: PLAY (note 94) on for 12000 of every 24000 frames, for ever.
    Child seq{
        spawn({"jack_midiseq", "seq", "24000", "0", "94", "12000"}, dir + "seq.log", kServer)};
    jack_client_t* c = open_on("connector");
    ASSERT_NE(c, nullptr);
    bool connected = false;
    for (int k = 0; k < 300 && !connected; ++k) {
        connected = jack_connect(c, "seq:out", "phantom:midi_ctl_in") == 0;
        if (!connected) std::this_thread::sleep_for(10ms);
    }
    ASSERT_TRUE(connected);
    bool seen_on = false, seen_off = false;
    for (int k = 0; k < 300 && !(seen_on && seen_off); ++k) {
        const bool on = get(phantom, "/api/params/monitor/talkback")["value"].get<bool>();
        (on ? seen_on : seen_off) = true;
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(seen_on && seen_off);
    // Stop the sequencer while the note may be held: talkback must not stick.
    for (int k = 0; k < 1000; ++k) {
        if (get(phantom, "/api/params/monitor/talkback")["value"].get<bool>()) break;
        std::this_thread::sleep_for(2ms);
    }
    kill(seq.pid, SIGKILL);
    waitpid(seq.pid, nullptr, 0);
    seq.pid = -1;
    const auto t0 = std::chrono::steady_clock::now();
    bool released = false;
    for (int k = 0; k < 1000 && !released; ++k) {
        released = !get(phantom, "/api/params/monitor/talkback")["value"].get<bool>();
        if (!released) std::this_thread::sleep_for(10ms);
    }
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    EXPECT_TRUE(released) << "talkback still on " << ms << " ms after the sequencer died";
    std::printf("talkback released %lld ms after the sequencer was killed\n",
                static_cast<long long>(ms));
    jack_client_close(c);
    EXPECT_EQ(phantom.stop(SIGTERM), 0);
}

TEST_F(MidiOnJack, LearnFromTheCliIsSavedWithTheState) {
    LiveProcess phantom({"--backend", "jack", "--jack-server", kServer, "--no-autoconnect",
                         "--session", dir + "state.json"},
                        dir + "log");
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    Controller knob;
    ASSERT_TRUE(knob.ok());
    ASSERT_TRUE(knob.connect("phantom"));
    const std::string http = "--http 127.0.0.1:" + std::to_string(phantom.port());
    // `phantom midi learn` waits for a control; the knob moves while it waits.
    std::thread mover([&] {
        std::this_thread::sleep_for(300ms);
        knob.send({0xB2, 74, 10});
    });
    const auto learned =
        run_command(phantom_command("midi learn /monitor/dim_level --wait 5 " + http));
    mover.join();
    EXPECT_EQ(learned.exit_code, 0) << learned.out << learned.err;
    EXPECT_NE(learned.out.find("cc 74 ch 3"), std::string::npos) << learned.out;
    // It drives the parameter once it passes the value (soft takeover): dim_level -20 dB is
    // position 40/60 of -60..0, so CC 127 passes it and lands on 0 dB.
    knob.send({0xB2, 74, 127});
    EXPECT_TRUE(becomes(phantom, "/monitor/dim_level", 0.0));
    const auto list = run_command(phantom_command("midi list " + http));
    EXPECT_NE(list.out.find("/monitor/dim_level"), std::string::npos) << list.out;
    ASSERT_EQ(phantom.stop(SIGTERM), 0);
    std::ifstream in(dir + "state.json");
    const json state = json::parse(in);
    ASSERT_TRUE(state.contains("midi")) << state.dump();
    EXPECT_EQ(state["midi"][0]["number"], 74);
    EXPECT_EQ(state["midi"][0]["channel"], 3);
    EXPECT_EQ(state["midi"][0]["path"], "/monitor/dim_level");
}

TEST_F(MidiOnJack, VirtualHardwareWithMidiJackAndWithoutAServer) {
    LiveProcess phantom({"--midi", "jack", "--jack-server", kServer, "--midi-map", "knob",
                         "--session", dir + "state.json"},
                        dir + "log");
    ASSERT_TRUE(phantom.wait_ready()) << phantom.log();
    Controller knob;
    ASSERT_TRUE(knob.ok());
    ASSERT_TRUE(knob.connect("phantom"));
    knob.send({0x90, 36, 0x7F});  // dim
    EXPECT_TRUE(becomes(phantom, "/monitor/dim", true));
    EXPECT_TRUE(knob.heard({0x90, 36, 0x7F}));
    EXPECT_EQ(get(phantom, "/api/status")["backend"], "virtual");
    EXPECT_EQ(phantom.stop(SIGTERM), 0);

    // No server of that name: Phantom runs, MIDI is off, and the status says why.
    LiveProcess alone({"--midi", "jack", "--jack-server", "phantom-no-such-server", "--session",
                       dir + "state2.json"},
                      dir + "log2");
    ASSERT_TRUE(alone.wait_ready()) << alone.log();
    EXPECT_NE(alone.log().find("MIDI remote off"), std::string::npos) << alone.log();
    bool found = false;
    const json status = get(alone, "/api/status");
    for (const auto& s : status["surfaces"])
        if (s["name"] == "midi")
            found = s["notice"].get<std::string>().find("MIDI remote off") != std::string::npos;
    EXPECT_TRUE(found) << status.dump();
    EXPECT_EQ(alone.request("GET", "/api/midi").status, 409);
    EXPECT_EQ(alone.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace phantom::test
