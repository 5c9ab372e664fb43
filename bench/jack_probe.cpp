// phantom-jack-probe: the JACK side of bench/jack_soak.sh.
//
//   phantom-jack-probe thru SERVER SECONDS [NAME]
//                                             a trivial 8 × 8 pass-through client (the peer),
//                                             connected to system:*, named NAME (thru);
//                                             prints "xruns N"
//   phantom-jack-probe watch SERVER SECONDS   counts the server's xruns; prints "xruns N"
//   phantom-jack-probe param-latency SERVER HTTP_PORT [ROUNDS]
//       plays a constant 0.5 into phantom:playback_1, listens on phantom:hw_out_main.L, and
//       turns /mix/main/pb1/gain from -inf to 0 dB through the HTTP API: prints the time from
//       sending the request to the first changed sample and to the settled level.
#include <jack/jack.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "phantom/surfaces/http/http_client.hpp"

namespace {

using namespace std::chrono_literals;

constexpr int kThruChannels = 8;

void quiet(const char*) {}

jack_client_t* open(const char* name, const std::string& server) {
    jack_set_error_function(quiet);
    jack_set_info_function(quiet);
    jack_status_t status{};
    jack_client_t* c =
        jack_client_open(name, static_cast<jack_options_t>(JackNoStartServer | JackServerName),
                         &status, server.c_str());
    if (!c) std::fprintf(stderr, "phantom-jack-probe: no JACK server named '%s'\n", server.c_str());
    return c;
}

std::atomic<long> g_xruns{0};
int count_xrun(void*) {
    g_xruns.fetch_add(1, std::memory_order_relaxed);
    return 0;
}

struct Thru {
    jack_port_t* in[kThruChannels]{};
    jack_port_t* out[kThruChannels]{};
    static int process(jack_nframes_t n, void* self) {
        auto* t = static_cast<Thru*>(self);
        for (int c = 0; c < kThruChannels; ++c)
            std::memcpy(jack_port_get_buffer(t->out[c], n), jack_port_get_buffer(t->in[c], n),
                        n * sizeof(float));
        return 0;
    }
};

int run_counting(const std::string& server, double seconds, const char* thru_name) {
    const bool thru = thru_name != nullptr;
    jack_client_t* c = open(thru ? thru_name : "xrun-watch", server);
    if (!c) return 1;
    Thru t;
    if (thru) {
        for (int k = 0; k < kThruChannels; ++k) {
            t.in[k] = jack_port_register(c, ("in_" + std::to_string(k + 1)).c_str(),
                                         JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
            t.out[k] = jack_port_register(c, ("out_" + std::to_string(k + 1)).c_str(),
                                          JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
        }
        jack_set_process_callback(c, Thru::process, &t);
    }
    jack_set_xrun_callback(c, count_xrun, nullptr);
    if (jack_activate(c) != 0) return 1;
    if (thru) {
        for (int k = 0; k < kThruChannels; ++k) {
            const std::string n = std::to_string(k + 1);
            jack_connect(c, ("system:capture_" + n).c_str(), jack_port_name(t.in[k]));
            jack_connect(c, jack_port_name(t.out[k]), ("system:playback_" + n).c_str());
        }
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    std::printf("xruns %ld\n", g_xruns.load());
    jack_client_close(c);
    return 0;
}

// A source client plays a constant 0.5; a separate sink client notes the frame of the first
// sample that moved and of the first at the settled level. Two clients, so that the graph is
// source → phantom → sink within one cycle: one client both feeding and hearing Phantom would
// close a loop, which JACK breaks with a cycle of delay (the first version of this probe did,
// and measured a cycle too much).
int play_half(jack_nframes_t n, void* port) {
    auto* out = static_cast<float*>(jack_port_get_buffer(static_cast<jack_port_t*>(port), n));
    std::fill(out, out + n, 0.5f);
    return 0;
}

struct Latency {
    jack_client_t* client = nullptr;
    jack_port_t* in = nullptr;
    std::atomic<bool> armed{false};
    std::atomic<long long> first_moved{-1}, settled{-1};
    static int process(jack_nframes_t n, void* self) {
        auto* l = static_cast<Latency*>(self);
        if (!l->armed.load(std::memory_order_acquire)) return 0;
        const auto* in = static_cast<const float*>(jack_port_get_buffer(l->in, n));
        const jack_nframes_t t = jack_last_frame_time(l->client);
        for (jack_nframes_t k = 0; k < n; ++k) {
            if (l->first_moved.load() < 0 && in[k] != 0.0f) l->first_moved.store(t + k);
            if (l->settled.load() < 0 && std::fabs(in[k] - 0.5f) < 0.5f * 1e-3f)
                l->settled.store(t + k);
        }
        return 0;
    }
};

bool put_gain(int port, const char* value) {
    const auto r =
        phantom::http::http_request("127.0.0.1", port, "PUT", "/api/params/mix/main/pb1/gain",
                                    std::string("{\"value\": ") + value + "}");
    return r.status == 200;
}

int run_param_latency(const std::string& server, int http_port, int rounds) {
    jack_client_t* source = open("latency-source", server);
    Latency l;
    l.client = open("latency", server);
    if (!source || !l.client) return 1;
    jack_port_t* out =
        jack_port_register(source, "out", JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0);
    jack_set_process_callback(source, play_half, out);
    l.in = jack_port_register(l.client, "in", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
    jack_set_process_callback(l.client, Latency::process, &l);
    if (jack_activate(source) != 0 || jack_activate(l.client) != 0) return 1;
    jack_connect(source, "latency-source:out", "phantom:playback_1");
    jack_connect(l.client, "phantom:hw_out_main.L", "latency:in");
    const auto setup = phantom::http::http_request(
        "127.0.0.1", http_port, "POST", "/api/params",
        R"({"/mix/main/pb1/gain": "-inf", "/mix/main/pb1/pan": -1, "/monitor/volume": 0,
            "/monitor/mute": false, "/monitor/dim": false})");
    if (setup.status != 200) {
        std::fprintf(stderr, "phantom-jack-probe: setting up the route failed: %s\n",
                     setup.body.c_str());
        return 1;
    }
    std::this_thread::sleep_for(1s);  // past the power-on ramp
    const double rate = jack_get_sample_rate(l.client);
    const double block_ms = 1e3 * jack_get_buffer_size(l.client) / rate;
    std::vector<double> moved_ms, settled_ms, http_ms;
    for (int r = 0; r < rounds; ++r) {
        put_gain(http_port, "\"-inf\"");
        std::this_thread::sleep_for(100ms);
        l.first_moved.store(-1);
        l.settled.store(-1);
        l.armed.store(true, std::memory_order_release);
        std::this_thread::sleep_for(std::chrono::milliseconds(20 + r * 7 % 23));  // any phase
        const jack_time_t sent_us = jack_get_time();
        put_gain(http_port, "0");
        http_ms.push_back(static_cast<double>(jack_get_time() - sent_us) / 1e3);
        std::this_thread::sleep_for(200ms);
        l.armed.store(false);
        if (l.first_moved.load() < 0 || l.settled.load() < 0) {
            std::fprintf(stderr, "phantom-jack-probe: round %d: the change never arrived\n", r);
            return 1;
        }
        // A frame's time is the start of the cycle that carries it plus its offset.
        auto at_us = [&](long long frame) {
            return static_cast<double>(
                       jack_frames_to_time(l.client, static_cast<jack_nframes_t>(frame))) -
                   static_cast<double>(sent_us);
        };
        moved_ms.push_back(at_us(l.first_moved.load()) / 1e3);
        settled_ms.push_back(at_us(l.settled.load()) / 1e3);
    }
    jack_client_close(l.client);
    jack_client_close(source);
    auto report = [&](const char* what, std::vector<double> v) {
        std::sort(v.begin(), v.end());
        std::printf("%s_ms median %.2f max %.2f\n", what, v[v.size() / 2], v.back());
    };
    std::printf("block_ms %.2f rounds %d\n", block_ms, rounds);
    report("http_round_trip", http_ms);
    report("first_change", moved_ms);
    report("settled", settled_ms);
    return 0;
}

int usage() {
    std::fprintf(stderr,
                 "usage: phantom-jack-probe thru SERVER SECONDS [NAME]\n"
                 "       phantom-jack-probe watch SERVER SECONDS\n"
                 "       phantom-jack-probe param-latency SERVER HTTP_PORT [ROUNDS]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) return usage();
    const std::string mode = argv[1], server = argv[2];
    try {
        if (mode == "thru")
            return run_counting(server, std::stod(argv[3]), argc > 4 ? argv[4] : "thru");
        if (mode == "watch") return run_counting(server, std::stod(argv[3]), nullptr);
        if (mode == "param-latency")
            return run_param_latency(server, std::stoi(argv[3]),
                                     argc > 4 ? std::stoi(argv[4]) : 20);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "phantom-jack-probe: %s\n", e.what());
        return 2;
    }
    return usage();
}
