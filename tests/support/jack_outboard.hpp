// Outboard gear on a JACK graph, for the hardware insert's tests: a libjack client that delays
// its input by N frames (the gear: `outboard:in` → `outboard:out`), and jack_iodelay (from
// jack-example-tools) run against a loop as the reference measurement of its round trip.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <jack/jack.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "jack_server.hpp"
#include "test_signals.hpp"

namespace phantom::test {

// Delays by exactly `delay_frames` (a ring, sized here; the process callback neither
// allocates nor locks). It reports no latency of its own: the delay is the gear's secret, as
// an analog box's is, and only a measurement finds it.
class JackDelayClient {
  public:
    JackDelayClient(const std::string& server, int delay_frames)
        : ring_(static_cast<size_t>(delay_frames) + 1, 0.0f) {
        client_ = open_client("outboard", server);
        if (!client_) return;
        in_ = jack_port_register(client_, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
        out_ = jack_port_register(client_, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
        jack_set_process_callback(client_, &JackDelayClient::process, this);
        jack_activate(client_);
    }
    ~JackDelayClient() {
        if (client_) jack_client_close(client_);
    }
    bool ok() const { return client_ && in_ && out_; }

  private:
    static int process(jack_nframes_t frames, void* self) {
        auto* c = static_cast<JackDelayClient*>(self);
        const auto* in = static_cast<const float*>(jack_port_get_buffer(c->in_, frames));
        auto* out = static_cast<float*>(jack_port_get_buffer(c->out_, frames));
        const size_t size = c->ring_.size();
        for (jack_nframes_t k = 0; k < frames; ++k) {
            c->ring_[c->write_] = in[k];
            out[k] = c->ring_[(c->write_ + 1) % size];  // delay_ frames back
            c->write_ = (c->write_ + 1) % size;
        }
        return 0;
    }

    std::vector<float> ring_;
    size_t write_ = 0;
    jack_client_t* client_ = nullptr;
    jack_port_t* in_ = nullptr;
    jack_port_t* out_ = nullptr;
};

// jack_iodelay on the server, its out port into `send` and `ret` into its in port, for
// `seconds`; the last round trip it printed ("… frames … ms total roundtrip latency"), or
// nullopt if it printed none. `observer` makes the connections.
inline std::optional<double> jack_iodelay_frames(jack_client_t* observer, const std::string& server,
                                                 const std::string& send, const std::string& ret,
                                                 double seconds, std::string& log_text) {
    using namespace std::chrono_literals;
    const std::string log = temp_dir("iodelay") + "out.txt";
    const pid_t pid = fork();
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        dup2(fd, 2);
        setenv("JACK_DEFAULT_SERVER", server.c_str(), 1);
        setenv("JACK_NO_START_SERVER", "1", 1);
        execl("/usr/bin/stdbuf", "stdbuf", "-oL", "jack_iodelay", static_cast<char*>(nullptr));
        _exit(127);
    }
    // Its ports appear before its client is active, and a connection to them is refused
    // until it is: tried again until both are made (EEXIST: made already).
    auto made = [](int r) { return r == 0 || r == EEXIST; };
    bool out_made = false, in_made = false;
    for (int k = 0; k < 300 && !(out_made && in_made); ++k) {
        if (jack_port_by_name(observer, "jack_delay:out") &&
            jack_port_by_name(observer, "jack_delay:in")) {
            if (!out_made) out_made = made(jack_connect(observer, "jack_delay:out", send.c_str()));
            if (!in_made) in_made = made(jack_connect(observer, ret.c_str(), "jack_delay:in"));
        }
        if (!(out_made && in_made)) std::this_thread::sleep_for(10ms);
    }
    const bool connected = out_made && in_made;
    if (connected)
        std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(seconds * 1000)));
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    std::ifstream in(log);
    std::stringstream s;
    s << in.rdbuf();
    log_text = s.str();
    const std::regex figure(R"(([0-9]+\.[0-9]+) frames\s+[0-9.]+ ms total roundtrip latency)");
    std::optional<double> last;
    for (std::sregex_iterator it(log_text.begin(), log_text.end(), figure), end; it != end; ++it)
        last = std::stod((*it)[1]);
    return last;
}

}  // namespace phantom::test
