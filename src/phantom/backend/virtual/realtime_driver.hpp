// The virtual hardware in real time: an audio thread driven by its own clock at the engine's
// rate and block size, like a sound card's interrupt. It sleeps between blocks (a steady
// period, not a busy loop), runs SCHED_FIFO at jackd's default priority when the system allows
// (a one-line notice and normal priority when not), and counts an xrun for every block that
// misses its deadline: whose processing ends after the end of its period, when a sound card
// would already be playing it.
//
// Recordings never touch the disk from the audio thread: it copies the recorded channels into
// lock-free rings (RecordTap), and the I/O thread (io::Butler, watching record_feeds()) drains
// them into files; a full ring is an overrun, counted, never waited on. Streamed file sources
// are the Interface's (Interface::source_feeds()). poll() runs Interface::maintain() only.
//
// [control-thread] constructor, add_recording(), start(), poll(), stop(), finish(), status
// [audio-thread]   the driver's own thread, started by start()
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "phantom/backend/virtual/record_tap.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/io/feed.hpp"
#include "phantom/rt/plan_exchange.hpp"

namespace phantom::backend {

struct DriverStats {
    std::uint64_t blocks = 0;
    std::uint64_t xruns = 0;            // blocks whose processing ended after their period did
    std::uint64_t record_overruns = 0;  // frames dropped because a recording ring was full
    double dsp_load = 0.0;              // share of the period process() took, smoothed
};

class RealtimeVirtualDriver {
  public:
    // jackd2's default real-time priority (`jackd -P`, 10) for its driver thread; its clients'
    // process threads run 5 below. This thread is the clock and the whole graph, the driver's role.
    static constexpr int kRealtimePriority = 10;

    RealtimeVirtualDriver(engine::Interface& iface, int block_frames);
    ~RealtimeVirtualDriver();
    RealtimeVirtualDriver(const RealtimeVirtualDriver&) = delete;
    RealtimeVirtualDriver& operator=(const RealtimeVirtualDriver&) = delete;

    // Record an output (by id) to a file. Throws std::invalid_argument.
    void add_recording(const std::string& output_id, const std::string& path, int bits = 32);
    // Record any channels to a file, before start() or while running: `channels` index the
    // output channels (engine order) and, from output_channel_count() on, the capture
    // channels (host capture, then loopback). The file is written under a temp name; returns
    // the recording's id. Throws std::invalid_argument (a channel out of range) or the file's
    // error, with nothing started.
    std::uint64_t add_tap(std::vector<size_t> channels, const std::string& path, int bits = 32);
    // Stop one recording: the audio thread lets go of it (within a block), what is left is
    // written and the file renamed into place. Returns its path; throws std::runtime_error if
    // it failed (the reason), std::out_of_range for an unknown id.
    std::string finish_tap(std::uint64_t id);
    // Stop one recording and remove its file (a start that failed part-way).
    void discard_tap(std::uint64_t id);
    size_t output_channel_count() const { return out_ptr_.size(); }
    // The recordings, for the I/O thread that drains them.
    const io::FeedList& record_feeds() const { return record_feeds_; }

    // `power_on`: outputs silent for the first block, then ramping up (a live start).
    void start(bool power_on = false);
    // Maintain the interface. Call every few milliseconds.
    void poll();
    // Stop the audio thread (within one period) and drain what is left.
    void stop();
    // After stop(): finish the recordings (rename into place). Returns their paths. Throws
    // std::runtime_error naming a recording that failed (the others are finished first).
    std::vector<std::string> finish();

    DriverStats stats() const;
    bool running() const { return running_.load(std::memory_order_acquire); }
    // Empty when the audio thread runs SCHED_FIFO; else one line saying why it does not.
    const std::string& scheduling_notice() const { return scheduling_notice_; }
    // Recordings that failed (disk full, …), one line each.
    std::vector<std::string> record_errors() const;

  private:
    // What the audio thread feeds, published whole (rt::PlanExchange) whenever a recording
    // starts or stops, so that recordings come and go while the audio runs.
    struct TapSet {
        std::vector<std::shared_ptr<RecordTap>> taps;
        bool wants_capture = false;  // a tap reads capture channels: the engine writes them
    };
    void audio_loop();
    void drain_taps();
    void publish_taps();  // with taps_mutex_ held
    // Out of the audio thread's set, and no longer written by it; std::out_of_range if unknown.
    std::shared_ptr<RecordTap> release_tap(std::uint64_t id);

    engine::Interface& iface_;
    int block_frames_;
    std::vector<std::vector<float>> out_buf_;
    std::vector<float*> out_ptr_;
    std::vector<std::vector<float>> cap_buf_;
    std::vector<float*> cap_ptr_;
    std::vector<const float*> tap_ptr_;  // outputs then capture channels: what taps index
    std::vector<std::pair<std::uint64_t, std::shared_ptr<RecordTap>>> taps_;
    std::uint64_t next_tap_id_ = 1;
    // Guards taps_ and tap_sets_' control side: recordings start and stop from the server's
    // threads while the control loop reads their errors. Never taken by the audio thread.
    mutable std::mutex taps_mutex_;
    rt::PlanExchange<TapSet> tap_sets_;
    io::FeedList record_feeds_;
    std::thread thread_;
    std::string scheduling_notice_;
    std::atomic<bool> running_{false};
    std::atomic<bool> stop_requested_{false};
    std::atomic<std::uint64_t> blocks_{0}, xruns_{0}, overruns_{0};
    std::atomic<float> dsp_load_{0.0f};
};

}  // namespace phantom::backend
