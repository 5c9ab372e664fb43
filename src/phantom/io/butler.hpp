// The I/O thread of a live run (Ardour calls it the butler): every few milliseconds it serves
// the feeds of the lists it watches (io/feed.hpp), file sources topped up, recordings drained.
// It takes no lock but the FeedLists' own and its wake-up's; it never waits for the control
// thread, so a long API request, a held controller or a slow client cannot leave a gap in the
// audio. It runs at normal priority: the rings give it a second or more of slack.
//
// [control-thread] watch() before start(), start(), stop(); [io-thread] the thread it starts.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "phantom/io/feed.hpp"

namespace phantom::io {

class Butler {
  public:
    // 10 ms: a file ring holds a second, a recording ring two, and a refill reads only once a
    // ring is half empty, so most passes find nothing to do and cost a few atomic loads.
    static constexpr std::chrono::milliseconds kPeriod{10};

    Butler() = default;
    ~Butler();
    Butler(const Butler&) = delete;
    Butler& operator=(const Butler&) = delete;

    // Serve `list` too; the list must outlive the butler's thread (stop() or destruction).
    void watch(const FeedList& list);
    void start();
    // Wakes the thread and joins it (within one pass). Idempotent.
    void stop();
    bool running() const { return thread_.joinable(); }
    // Completed passes over every feed (tests wait for one).
    std::uint64_t passes() const { return passes_.load(std::memory_order_acquire); }

  private:
    void loop();

    std::vector<const FeedList*> lists_;
    std::thread thread_;
    std::mutex mutex_;  // the wake-up only: this thread and the control thread
    std::condition_variable wake_;
    bool stop_requested_ = false;
    std::atomic<std::uint64_t> passes_{0};
};

}  // namespace phantom::io
