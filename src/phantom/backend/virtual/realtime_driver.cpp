#include "phantom/backend/virtual/realtime_driver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace phantom::backend {

namespace {
using Clock = std::chrono::steady_clock;
constexpr double kRingSeconds = 2.0;  // how far recordings may fall behind the disk
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
    Tap tap;
    const auto first =
        static_cast<size_t>(iface_.engine().layout().output_first_channel[static_cast<size_t>(o)]);
    const int channels = iface_.spec().outputs[static_cast<size_t>(o)].channels;
    const auto ring_frames = static_cast<size_t>(kRingSeconds * iface_.sample_rate_hz());
    for (int c = 0; c < channels; ++c) {
        tap.channels.push_back(first + static_cast<size_t>(c));
        tap.rings.push_back(std::make_unique<rt::SpscFloatRing>(ring_frames));
        tap.drain.emplace_back(ring_frames);
    }
    tap.recorder = std::make_unique<io::FileRecorder>(
        path, channels, static_cast<int>(iface_.sample_rate_hz()), bits);
    taps_.push_back(std::move(tap));
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
}

void RealtimeVirtualDriver::audio_loop() {
    engine::BlockIo io;
    io.frames = block_frames_;
    io.outputs = out_ptr_.data();
    const auto period = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
        static_cast<double>(block_frames_) / iface_.sample_rate_hz()));
    auto due = Clock::now();
    while (!stop_requested_.load(std::memory_order_acquire)) {
        const auto t0 = Clock::now();
        iface_.process(io);
        const auto t1 = Clock::now();
        // Recorded channels into their rings; a full ring drops frames and counts them.
        for (auto& tap : taps_) {
            for (size_t c = 0; c < tap.channels.size(); ++c) {
                const size_t wrote = tap.rings[c]->write(out_ptr_[tap.channels[c]],
                                                         static_cast<size_t>(block_frames_));
                if (c == 0 && wrote < static_cast<size_t>(block_frames_))
                    overruns_.fetch_add(static_cast<std::uint64_t>(block_frames_) - wrote,
                                        std::memory_order_relaxed);
            }
        }
        const float load = static_cast<float>(std::chrono::duration<double>(t1 - t0).count() /
                                              std::chrono::duration<double>(period).count());
        dsp_load_.store(0.9f * dsp_load_.load(std::memory_order_relaxed) + 0.1f * load,
                        std::memory_order_relaxed);
        blocks_.fetch_add(1, std::memory_order_relaxed);
        due += period;
        const auto now = Clock::now();
        if (now > due + period) {  // more than a whole period late: an xrun; start again from now
            xruns_.fetch_add(1, std::memory_order_relaxed);
            due = now;
        }
        std::this_thread::sleep_until(due);
    }
    running_.store(false, std::memory_order_release);
}

void RealtimeVirtualDriver::drain_taps() {
    for (auto& tap : taps_) {
        // Every channel of a tap is written block by block, so the first one tells how much.
        const size_t n = tap.rings[0]->readable();
        if (n == 0) continue;
        std::vector<const float*> ptrs;
        for (size_t c = 0; c < tap.channels.size(); ++c) {
            tap.rings[c]->read(tap.drain[c].data(), n);
            ptrs.push_back(tap.drain[c].data());
        }
        tap.recorder->write(ptrs.data(), static_cast<int>(n));
    }
}

void RealtimeVirtualDriver::poll() {
    drain_taps();
    iface_.refill_sources();
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
    for (auto& tap : taps_) {
        tap.recorder->commit();
        paths.push_back(tap.recorder->path());
    }
    taps_.clear();
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

}  // namespace phantom::backend
