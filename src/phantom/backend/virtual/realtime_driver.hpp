// The virtual hardware in real time: an audio thread driven by its own clock at the engine's
// rate and block size, like a sound card's interrupt. It sleeps between blocks (a steady
// period, not a busy loop) and counts a late block as an xrun.
//
// Recordings never touch the disk from the audio thread: it copies the recorded channels into
// lock-free rings, and poll() on the control thread drains them into files. A full ring is an
// overrun: counted, never waited on. poll() also tops up streamed file sources and runs
// Interface::maintain().
//
// [control-thread] constructor, add_recording(), start(), poll(), stop(), finish()
// [audio-thread]   the driver's own thread, started by start()
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "phantom/engine/interface.hpp"
#include "phantom/io/file_recorder.hpp"
#include "phantom/rt/spsc_ring.hpp"

namespace phantom::backend {

struct DriverStats {
    std::uint64_t blocks = 0;
    std::uint64_t xruns = 0;            // blocks that started later than one period after due
    std::uint64_t record_overruns = 0;  // frames dropped because a recording ring was full
    double dsp_load = 0.0;              // share of the period process() took, smoothed
};

class RealtimeVirtualDriver {
  public:
    RealtimeVirtualDriver(engine::Interface& iface, int block_frames);
    ~RealtimeVirtualDriver();
    RealtimeVirtualDriver(const RealtimeVirtualDriver&) = delete;
    RealtimeVirtualDriver& operator=(const RealtimeVirtualDriver&) = delete;

    // Record an output (by id) to a file; before start(). Throws std::invalid_argument.
    void add_recording(const std::string& output_id, const std::string& path, int bits = 32);

    // `power_on`: outputs silent for the first block, then ramping up (a live start).
    void start(bool power_on = false);
    // Drain recordings, refill sources, maintain the interface. Call every few milliseconds.
    void poll();
    // Stop the audio thread (within one period) and drain what is left.
    void stop();
    // After stop(): finish the recordings (rename into place). Returns their paths.
    std::vector<std::string> finish();

    DriverStats stats() const;
    bool running() const { return running_.load(std::memory_order_acquire); }

  private:
    struct Tap {
        std::vector<size_t> channels;  // output channel indices
        std::vector<std::unique_ptr<rt::SpscFloatRing>> rings;
        std::unique_ptr<io::FileRecorder> recorder;
        std::vector<std::vector<float>> drain;  // control-side scratch
    };

    void audio_loop();
    void drain_taps();

    engine::Interface& iface_;
    int block_frames_;
    std::vector<std::vector<float>> out_buf_;
    std::vector<float*> out_ptr_;
    std::vector<Tap> taps_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::atomic<bool> stop_requested_{false};
    std::atomic<std::uint64_t> blocks_{0}, xruns_{0}, overruns_{0};
    std::atomic<float> dsp_load_{0.0f};
};

}  // namespace phantom::backend
