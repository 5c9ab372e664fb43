#include "phantom/backend/virtual/realtime_driver.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <thread>

namespace phantom::backend {

namespace {
using Clock = std::chrono::steady_clock;
constexpr double kRingSeconds = 2.0;  // how far recordings may fall behind the disk

// Empty on success, else the notice for the user.
std::string make_realtime(pthread_t thread, int priority) {
    sched_param param{};
    param.sched_priority = priority;
    const int err = pthread_setschedparam(thread, SCHED_FIFO, &param);
    if (err == 0) return {};
    return fmt::format(
        "the audio thread runs at normal priority: real-time scheduling (SCHED_FIFO {}) was "
        "refused ({}); allow it (jackd2's audio group: rtprio 95) for fewer dropouts",
        priority, std::strerror(err));
}
}  // namespace

RealtimeVirtualDriver::RealtimeVirtualDriver(engine::Interface& iface, int block_frames)
    : iface_(iface), block_frames_(block_frames) {
    if (block_frames < 1 || block_frames > iface.engine().max_frames())
        throw std::invalid_argument(fmt::format("block size {} is outside 1..{} frames",
                                                block_frames, iface.engine().max_frames()));
    out_buf_.assign(iface.output_channel_count(),
                    std::vector<float>(static_cast<size_t>(block_frames)));
    for (auto& b : out_buf_)
        out_ptr_.push_back(b.data());
    cap_buf_.assign(iface.capture_channel_count(),
                    std::vector<float>(static_cast<size_t>(block_frames)));
    for (auto& b : cap_buf_)
        cap_ptr_.push_back(b.data());
    tap_ptr_.assign(out_ptr_.begin(), out_ptr_.end());
    tap_ptr_.insert(tap_ptr_.end(), cap_ptr_.begin(), cap_ptr_.end());
    publish_taps();
}

RealtimeVirtualDriver::~RealtimeVirtualDriver() {
    stop();
}

void RealtimeVirtualDriver::add_recording(const std::string& output_id, const std::string& path,
                                          int bits) {
    const int o = iface_.spec().output_index(output_id);
    if (o < 0)
        throw std::invalid_argument(
            fmt::format("--record {}: not an output of {}", output_id, iface_.spec().id));
    const auto first =
        static_cast<size_t>(iface_.engine().layout().output_first_channel[static_cast<size_t>(o)]);
    const int channels = iface_.spec().outputs[static_cast<size_t>(o)].channels;
    std::vector<size_t> tapped(static_cast<size_t>(channels));
    std::iota(tapped.begin(), tapped.end(), first);
    add_tap(std::move(tapped), path, bits);
}

std::uint64_t RealtimeVirtualDriver::add_tap(std::vector<size_t> channels, const std::string& path,
                                             int bits) {
    if (channels.empty()) throw std::invalid_argument("a recording needs a channel");
    for (size_t c : channels)
        if (c >= tap_ptr_.size())
            throw std::invalid_argument(fmt::format("recording channel {} is out of range", c));
    const int count = static_cast<int>(channels.size());
    auto tap = std::make_shared<RecordTap>(
        std::move(channels), static_cast<size_t>(kRingSeconds * iface_.sample_rate_hz()),
        std::make_unique<io::FileRecorder>(path, count, static_cast<int>(iface_.sample_rate_hz()),
                                           bits));
    std::lock_guard lock(taps_mutex_);
    const std::uint64_t id = next_tap_id_++;
    taps_.emplace_back(id, std::move(tap));
    publish_taps();
    return id;
}

std::string RealtimeVirtualDriver::finish_tap(std::uint64_t id) {
    return release_tap(id)->finish();
}

void RealtimeVirtualDriver::discard_tap(std::uint64_t id) {
    release_tap(id);  // the last owner: its recorder removes the temp file
}

std::shared_ptr<RecordTap> RealtimeVirtualDriver::release_tap(std::uint64_t id) {
    std::shared_ptr<RecordTap> tap;
    {
        std::lock_guard lock(taps_mutex_);
        auto it =
            std::find_if(taps_.begin(), taps_.end(), [&](const auto& t) { return t.first == id; });
        if (it == taps_.end()) throw std::out_of_range(fmt::format("no recording {}", id));
        tap = std::move(it->second);
        taps_.erase(it);
        publish_taps();
    }
    // The audio thread lets go of the old set at its next block; until then it may still write
    // into this tap's rings, so the file is finished only after (bounded: 2 s).
    for (int k = 0; k < 2000; ++k) {
        {
            std::lock_guard lock(taps_mutex_);
            tap_sets_.collect(!running());
            if (tap_sets_.retired() == 0) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return tap;
}

void RealtimeVirtualDriver::publish_taps() {
    auto set = std::make_unique<TapSet>();
    io::FeedList::Items feeds;
    const size_t outputs = out_ptr_.size();
    for (const auto& [id, tap] : taps_) {
        set->taps.push_back(tap);
        feeds.push_back(tap);
        for (size_t c : tap->channels())
            set->wants_capture = set->wants_capture || c >= outputs;
    }
    tap_sets_.publish(std::move(set));
    tap_sets_.collect(!running());
    record_feeds_.set(std::move(feeds));
}

void RealtimeVirtualDriver::start(bool power_on) {
    if (running()) return;
    if (power_on)
        iface_.start_live();
    else
        iface_.start();
    stop_requested_.store(false, std::memory_order_release);
    running_.store(true, std::memory_order_release);
    thread_ = std::thread([this] { audio_loop(); });
    scheduling_notice_ = make_realtime(thread_.native_handle(), kRealtimePriority);
}

void RealtimeVirtualDriver::audio_loop() {
    engine::BlockIo io;
    io.frames = block_frames_;
    io.outputs = out_ptr_.data();
    const float* const* tapped = tap_ptr_.data();
    const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
        static_cast<double>(block_frames_) / iface_.sample_rate_hz()));
    const double period_s = std::chrono::duration<double>(period).count();
    const auto frames = static_cast<size_t>(block_frames_);
    auto period_start = Clock::now();
    while (!stop_requested_.load(std::memory_order_acquire)) {
        const auto t0 = Clock::now();
        const TapSet* taps = tap_sets_.acquire();
        io.capture = taps->wants_capture ? cap_ptr_.data() : nullptr;
        iface_.process(io);
        // A virtual fault (`--fault overload:TIME`): the machine is busy elsewhere and the
        // cycle ends that much later, as measured by the load and the deadline below.
        if (const double extra_s = iface_.overload_s(); extra_s > 0.0)
            std::this_thread::sleep_for(std::chrono::duration<double>(extra_s));
        const auto t1 = Clock::now();
        // Recorded channels into their rings; a full ring drops frames and counts them.
        for (const auto& tap : taps->taps)
            if (const size_t dropped = tap->write_rt(tapped, frames))
                overruns_.fetch_add(dropped, std::memory_order_relaxed);
        const auto load =
            static_cast<float>(std::chrono::duration<double>(t1 - t0).count() / period_s);
        dsp_load_.store(0.9f * dsp_load_.load(std::memory_order_relaxed) + 0.1f * load,
                        std::memory_order_relaxed);
        blocks_.fetch_add(1, std::memory_order_relaxed);
        // The block was due for playing at the end of its period: finished later, it missed
        // its deadline (an xrun), and the next period starts now rather than in a burst.
        const auto deadline = period_start + period;
        const auto done = Clock::now();
        if (done > deadline) {
            xruns_.fetch_add(1, std::memory_order_relaxed);
            period_start = done;
        } else {
            period_start = deadline;
        }
        std::this_thread::sleep_until(period_start);
    }
    running_.store(false, std::memory_order_release);
}

void RealtimeVirtualDriver::drain_taps() {
    std::lock_guard lock(taps_mutex_);
    for (const auto& [id, tap] : taps_)
        tap->service();
}

void RealtimeVirtualDriver::poll() {
    iface_.maintain();
    std::lock_guard lock(taps_mutex_);
    tap_sets_.collect();  // the sets of recordings since started or stopped
}

void RealtimeVirtualDriver::stop() {
    if (!thread_.joinable()) return;
    stop_requested_.store(true, std::memory_order_release);
    thread_.join();
    drain_taps();
    iface_.maintain();
}

std::vector<std::string> RealtimeVirtualDriver::finish() {
    stop();
    std::vector<std::string> paths;
    std::string failed;
    std::lock_guard lock(taps_mutex_);
    for (const auto& [id, tap] : taps_) {
        try {
            paths.push_back(tap->finish());
        } catch (const std::exception& e) {
            failed += (failed.empty() ? "" : "; ") + std::string(e.what());
        }
    }
    taps_.clear();
    publish_taps();
    if (!failed.empty()) throw std::runtime_error(failed);
    return paths;
}

DriverStats RealtimeVirtualDriver::stats() const {
    DriverStats s;
    s.blocks = blocks_.load(std::memory_order_relaxed);
    s.xruns = xruns_.load(std::memory_order_relaxed);
    s.record_overruns = overruns_.load(std::memory_order_relaxed);
    s.dsp_load = dsp_load_.load(std::memory_order_relaxed);
    return s;
}

std::vector<std::string> RealtimeVirtualDriver::record_errors() const {
    std::vector<std::string> errors;
    std::lock_guard lock(taps_mutex_);
    for (const auto& [id, tap] : taps_)
        if (auto e = tap->error(); !e.empty()) errors.push_back(std::move(e));
    return errors;
}

}  // namespace phantom::backend
