// A private jackd for integration tests (dummy driver, a name of its own), libjack clients that
// play and check a known signal, and small graph queries. Hold JackTestLock while a server runs.
#pragma once

#include <gtest/gtest.h>
#include <jack/jack.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "test_signals.hpp"

namespace phantom::test {

using namespace std::chrono_literals;

inline void quiet(const char*) {}

inline jack_client_t* open_client(const std::string& name, const std::string& server) {
    jack_set_error_function(quiet);
    jack_set_info_function(quiet);
    jack_status_t status{};
    return jack_client_open(name.c_str(),
                            static_cast<jack_options_t>(JackNoStartServer | JackServerName),
                            &status, server.c_str());
}

// A jackd with the dummy driver, 48 kHz, 256 frames, 8 in and 8 out, under a name of its own.
class JackServer {
  public:
    explicit JackServer(std::string name) : name_(std::move(name)) { start(); }
    ~JackServer() {
        // SIGTERM lets jackd remove its shared memory; a server killed with SIGKILL leaves an
        // entry behind, and JACK refuses new servers after a few of those.
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        for (int k = 0; k < 300; ++k) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
            std::this_thread::sleep_for(10ms);
        }
        kill_now();
    }
    void start() {
        pid_ = fork();
        if (pid_ == 0) {
            const std::string log = temp_dir("jackd") + name_ + ".log";
            freopen(log.c_str(), "a", stdout);
            freopen(log.c_str(), "a", stderr);
            const std::string rate = std::to_string(rate_hz);
            execlp("jackd", "jackd", "-n", name_.c_str(), "-d", "dummy", "-r", rate.c_str(), "-p",
                   "256", "-C", "8", "-P", "8", static_cast<char*>(nullptr));
            _exit(127);
        }
        for (int k = 0; k < 500; ++k) {  // up to 5 s for the server to answer
            if (jack_client_t* c = open_client("probe", name_)) {
                jack_client_close(c);
                return;
            }
            std::this_thread::sleep_for(10ms);
        }
        ADD_FAILURE() << "jackd did not start";
    }
    void kill_now() {
        if (pid_ <= 0) return;
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    const std::string& name() const { return name_; }
    pid_t pid() const { return pid_; }
    unsigned rate_hz = 48000;  // for the next start()

  private:
    std::string name_;
    pid_t pid_ = -1;
};

inline bool connected(jack_client_t* c, const std::string& a, const std::string& b) {
    jack_port_t* p = jack_port_by_name(c, a.c_str());
    return p && jack_port_connected_to(p, b.c_str());
}

// The test signal: a ramp through the frame counter, never near full scale.
inline float test_sample(jack_nframes_t frame) {
    return static_cast<float>(static_cast<int>(frame % 2000) - 1000) / 2048.0f;
}

struct Source {
    jack_port_t* port = nullptr;
    static int process(jack_nframes_t n, void* self) {
        auto* s = static_cast<Source*>(self);
        auto* out = static_cast<float*>(jack_port_get_buffer(s->port, n));
        const jack_nframes_t t = jack_last_frame_time(s->client);
        for (jack_nframes_t k = 0; k < n; ++k)
            out[k] = test_sample(t + k);
        return 0;
    }
    jack_client_t* client = nullptr;
};

struct Sink {
    jack_port_t* port = nullptr;
    jack_client_t* client = nullptr;
    std::atomic<bool> armed{false};
    std::atomic<long> checked{0}, mismatches{0}, nonzero{0}, xruns{0};
    std::atomic<long> stale{0};                // neither silence nor the live signal
    std::atomic<long long> first_nonzero{-1};  // frame time of the first sample heard
    static int on_xrun(void* self) {
        static_cast<Sink*>(self)->xruns.fetch_add(1);
        return 0;
    }
    static int process(jack_nframes_t n, void* self) {
        auto* s = static_cast<Sink*>(self);
        if (!s->armed.load()) return 0;
        const auto* in = static_cast<const float*>(jack_port_get_buffer(s->port, n));
        const jack_nframes_t t = jack_last_frame_time(s->client);
        long bad = 0, loud = 0, old = 0;
        for (jack_nframes_t k = 0; k < n; ++k) {
            if (in[k] != test_sample(t + k)) ++bad;
            if (in[k] != 0.0f) ++loud;
            if (in[k] != 0.0f && in[k] != test_sample(t + k)) ++old;
            if (in[k] != 0.0f && s->first_nonzero.load() < 0) s->first_nonzero.store(t + k);
        }
        s->mismatches += bad;
        s->nonzero += loud;
        s->stale += old;
        s->checked += n;
        return 0;
    }
};

// A client "src" playing test_sample() from src:out and a client "sink" checking sink:in,
// opened on `server` and activated but not connected: each test connects them its own way.
struct SignalPeers {
    Source src;
    Sink sink;
    bool ok = false;  // both opened and activated

    explicit SignalPeers(const std::string& server) {
        src.client = open_client("src", server);
        sink.client = open_client("sink", server);
        if (!src.client || !sink.client) return;
        src.port =
            jack_port_register(src.client, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
        sink.port =
            jack_port_register(sink.client, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
        jack_set_process_callback(src.client, Source::process, &src);
        jack_set_process_callback(sink.client, Sink::process, &sink);
        jack_set_xrun_callback(sink.client, Sink::on_xrun, &sink);
        ok = jack_activate(src.client) == 0 && jack_activate(sink.client) == 0;
    }
    ~SignalPeers() {
        if (src.client) jack_client_close(src.client);
        if (sink.client) jack_client_close(sink.client);
    }
    SignalPeers(const SignalPeers&) = delete;
    SignalPeers& operator=(const SignalPeers&) = delete;
};

struct Passage {
    long checked = 0, nonzero = 0, mismatches = 0, xruns = 0;
    int attempts = 0;
};

// Half a second of what reaches `sink` checked. A cycle in which any client of the graph ran
// late hands stale buffers on (the server reports it as an xrun), and this shared machine has
// such cycles now and then (many more under a sanitizer); a passage with an xrun proves nothing
// either way and is taken again, up to six times.
inline Passage check_passage(Sink& sink) {
    Passage result;
    for (int attempt = 1; attempt <= 6; ++attempt) {
        result.attempts = attempt;
        sink.checked = sink.nonzero = sink.mismatches = sink.xruns = 0;
        sink.armed.store(true);
        std::this_thread::sleep_for(500ms);
        sink.armed.store(false);
        std::this_thread::sleep_for(100ms);  // xrun notices arrive after the cycle
        result.checked = sink.checked.load();
        result.nonzero = sink.nonzero.load();
        result.mismatches = sink.mismatches.load();
        result.xruns = sink.xruns.load();
        if (result.xruns == 0) break;
    }
    return result;
}

// A passage of at least a quarter second at rate_hz, the signal heard, unchanged and without
// an xrun.
inline void expect_bit_exact_in_the_same_cycle(const Passage& p, unsigned rate_hz) {
    EXPECT_GT(p.checked, static_cast<long>(rate_hz / 4));
    EXPECT_GT(p.nonzero, p.checked / 2) << "no signal came through";
    // Same cycle: the sample that left src at frame t arrives at the sink at frame t, unchanged.
    EXPECT_EQ(p.xruns, 0) << "every one of " << p.attempts << " passages had an xrun";
    EXPECT_EQ(p.mismatches, 0) << "of " << p.checked << " samples";
}

}  // namespace phantom::test
