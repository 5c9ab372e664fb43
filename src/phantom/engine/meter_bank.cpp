#include "phantom/engine/meter_bank.hpp"

namespace phantom::engine {

MeterBank::MeterBank(size_t channels)
    : channels_(channels),
      values_(new std::atomic<float>[channels * 4]),
      clips_(new std::atomic<std::uint32_t>[channels]) {
    for (size_t i = 0; i < channels * 4; ++i)
        values_[i].store(0, std::memory_order_relaxed);
    for (size_t i = 0; i < channels; ++i)
        clips_[i].store(0, std::memory_order_relaxed);
}

void MeterBank::publish(const dsp::MeterState* states, size_t count) {
    std::uint64_t seq = sequence_.load(std::memory_order_relaxed);
    sequence_.store(seq + 1, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    for (size_t i = 0; i < count && i < channels_; ++i) {
        const dsp::MeterReading& r = states[i].reading();
        values_[i * 4 + 0].store(r.peak, std::memory_order_relaxed);
        values_[i * 4 + 1].store(r.rms, std::memory_order_relaxed);
        values_[i * 4 + 2].store(r.peak_hold, std::memory_order_relaxed);
        values_[i * 4 + 3].store(r.peak_max, std::memory_order_relaxed);
        clips_[i].store(r.clips, std::memory_order_relaxed);
    }
    sequence_.store(seq + 2, std::memory_order_release);
}

void MeterBank::read(std::vector<dsp::MeterReading>& out) const {
    out.resize(channels_);
    while (true) {
        std::uint64_t before = sequence_.load(std::memory_order_acquire);
        if (before & 1u) continue;
        for (size_t i = 0; i < channels_; ++i) {
            out[i].peak = values_[i * 4 + 0].load(std::memory_order_relaxed);
            out[i].rms = values_[i * 4 + 1].load(std::memory_order_relaxed);
            out[i].peak_hold = values_[i * 4 + 2].load(std::memory_order_relaxed);
            out[i].peak_max = values_[i * 4 + 3].load(std::memory_order_relaxed);
            out[i].clips = clips_[i].load(std::memory_order_relaxed);
        }
        std::atomic_thread_fence(std::memory_order_acquire);
        if (sequence_.load(std::memory_order_relaxed) == before) return;
    }
}

}  // namespace phantom::engine
