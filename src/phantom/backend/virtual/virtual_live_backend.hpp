// The virtual hardware as a live backend: RealtimeVirtualDriver with looping sources. Its
// status message carries the scheduling notice (no SCHED_FIFO) and failed recordings.
#pragma once

#include "phantom/backend/live_backend.hpp"
#include "phantom/backend/virtual/realtime_driver.hpp"

namespace phantom::backend {

class VirtualLiveBackend final : public LiveBackend {
  public:
    VirtualLiveBackend(engine::Interface& iface, int block_frames)
        : iface_(iface), block_frames_(block_frames), driver_(iface, block_frames) {
        iface.set_loop_sources(true);  // a live input plays until it is changed
    }
    RealtimeVirtualDriver& driver() { return driver_; }

    void start() override { driver_.start(true); }
    void poll() override { driver_.poll(); }
    const io::FeedList* feeds() const override { return &driver_.record_feeds(); }
    std::vector<std::string> stop() override { return driver_.finish(); }
    BackendStatus status() const override {
        const DriverStats s = driver_.stats();
        BackendStatus b;
        b.backend = "virtual";
        b.state = driver_.running() ? "running" : "stopped";
        b.rate_hz = iface_.sample_rate_hz();
        b.frames = block_frames_;
        // Like a card's driver: one block to capture, one to play.
        b.capture_latency_frames = block_frames_;
        b.playback_latency_frames = block_frames_;
        b.latency_frames = 2 * block_frames_;
        b.dsp_load = s.dsp_load;
        b.xruns = s.xruns;
        b.record_overruns = s.record_overruns;
        b.message = driver_.scheduling_notice();
        for (const auto& e : driver_.record_errors())
            b.message += (b.message.empty() ? "" : "; ") + e;
        return b;
    }
    bool analog_available() const override { return true; }

  private:
    engine::Interface& iface_;
    int block_frames_;
    RealtimeVirtualDriver driver_;
};

}  // namespace phantom::backend
