// What `phantom start` needs of a backend, whichever drives the audio (the virtual hardware's
// own clock, or a JACK server): start, a periodic poll on the control thread (maintain the
// interface, reconnect), the feeds its I/O thread serves (recordings), stop, and a status
// report. Control-rate calls only; the audio path itself has no virtual calls. Nothing that
// feeds the audio runs in poll(): file sources and recordings are the I/O thread's
// (io/butler.hpp), which never waits for the controller's lock that poll() runs under.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "phantom/io/feed.hpp"

namespace phantom::backend {
class Patchbay;
}

namespace phantom::backend {

struct BackendStatus {
    std::string backend = "virtual";
    std::string state = "running";  // running | lost (the audio server went away) | stopped
    std::string message;
    std::uint32_t rate_hz = 0;
    int frames = 0;
    int latency_frames = 0;  // capture + playback, as the backend reports it
    // Its two halves: up to Phantom's inputs (driver, converters) and after its outputs.
    int capture_latency_frames = 0;
    int playback_latency_frames = 0;
    double dsp_load = 0.0;  // 0..1 of the block's time
    std::uint64_t xruns = 0;
    std::uint64_t record_overruns = 0;
    std::uint64_t source_starved_frames = 0;  // silence played because a file fell behind
    // Kept connections whose port is absent, a line a client: "inputs adat1–8: 'liveroom' is
    // not connected (8 kept connections wait for it)". A netjack2 slave that left is said here,
    // not only silent.
    std::vector<std::string> waiting;
    // Phantom's loopback capture ports connected straight to its own playback ports (JACK):
    // loopback channel (0 = L) and playback channel (0 = pb1), with the ports' full names. The
    // studio doctor looks for the feedback loop they close.
    struct LoopbackReturn {
        int loopback = 0;
        int playback = 0;
        std::string from, to;
    };
    std::vector<LoopbackReturn> loopback_returns;
};

class LiveBackend {
  public:
    virtual ~LiveBackend() = default;
    // [control-thread] Begin passing audio; outputs start silent and ramp up (power-on).
    virtual void start() = 0;
    // [control-thread, under the controller's lock] Every few milliseconds.
    virtual void poll() = 0;
    // What the I/O thread must serve for this backend (recordings), or null.
    virtual const io::FeedList* feeds() const { return nullptr; }
    // [control-thread] Stop the audio; finish recordings; returns their paths.
    virtual std::vector<std::string> stop() = 0;
    virtual BackendStatus status() const = 0;
    // False where the analog stages (preamp, pad, 48 V) are real hardware's, not ours.
    virtual bool analog_available() const = 0;
    // The graph of ports Phantom's connections are kept in (JACK), or null.
    virtual Patchbay* patchbay() { return nullptr; }
};

}  // namespace phantom::backend
