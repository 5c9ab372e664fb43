#include "phantom/backend/virtual/realtime_driver.hpp"

#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <numeric>
#include <stdexcept>

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
}

RealtimeVirtualDriver::~RealtimeVirtualDriver() {
    stop();
}

void RealtimeVirtualDriver::add_recording(const std::string& output_id, const std::string& path,
                                          int bits) {
    if (running()) throw std::logic_error("add_recording: the driver is running");
    const int o = iface_.spec().output_index(output_id);
    if (o < 0)
        throw std::invalid_argument(
            fmt::format("--record {}: not an output of {}", output_id, iface_.spec().id));
    const auto first =
        static_cast<size_t>(iface_.engine().layout().output_first_channel[static_cast<size_t>(o)]);
    const int channels = iface_.spec().outputs[static_cast<size_t>(o)].channels;
    std::vector<size_t> tapped(static_cast<size_t>(channels));
    std::iota(tapped.begin(), tapped.end(), first);
    taps_.push_back(std::make_shared<RecordTap>(
        std::move(tapped), static_cast<size_t>(kRingSeconds * iface_.sample_rate_hz()),
        std::make_unique<io::FileRecorder>(path, channels,
                                           static_cast<int>(iface_.sample_rate_hz()), bits)));
    record_feeds_.set(io::FeedList::Items(taps_.begin(), taps_.end()));
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
    const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
        static_cast<double>(block_frames_) / iface_.sample_rate_hz()));
    const double period_s = std::chrono::duration<double>(period).count();
    const auto frames = static_cast<size_t>(block_frames_);
    auto period_start = Clock::now();
    while (!stop_requested_.load(std::memory_order_acquire)) {
        const auto t0 = Clock::now();
        iface_.process(io);
        // A virtual fault (`--fault overload:TIME`): the machine is busy elsewhere and the
        // cycle ends that much later, as measured by the load and the deadline below.
        if (const double extra_s = iface_.overload_s(); extra_s > 0.0)
            std::this_thread::sleep_for(std::chrono::duration<double>(extra_s));
        const auto t1 = Clock::now();
        // Recorded channels into their rings; a full ring drops frames and counts them.
        for (const auto& tap : taps_)
            if (const size_t dropped = tap->write_rt(out_ptr_.data(), frames))
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
    for (const auto& tap : taps_)
        tap->service();
}

void RealtimeVirtualDriver::poll() {
    iface_.maintain();
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
    for (const auto& tap : taps_) {
        try {
            paths.push_back(tap->finish());
        } catch (const std::exception& e) {
            failed += (failed.empty() ? "" : "; ") + std::string(e.what());
        }
    }
    taps_.clear();
    record_feeds_.set({});
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
    for (const auto& tap : taps_)
        if (auto e = tap->error(); !e.empty()) errors.push_back(std::move(e));
    return errors;
}

}  // namespace phantom::backend
