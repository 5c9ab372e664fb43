// Meter readings of every source and output channel, published once per block through a
// seqlock. [audio-thread] publish() is wait-free; [any-thread] read() retries while a block is
// being written and never blocks the writer.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "phantom/dsp/meter.hpp"

namespace phantom::engine {

class MeterBank {
  public:
    explicit MeterBank(size_t channels = 0);

    // [audio-thread]
    void publish(const dsp::MeterState* states, size_t count);
    // [any-thread] Copies a consistent set of readings into `out` (resized on the caller's side).
    void read(std::vector<dsp::MeterReading>& out) const;

  private:
    std::atomic<std::uint64_t> sequence_{0};
    size_t channels_;
    std::unique_ptr<std::atomic<float>[]> values_;  // 4 per channel
    std::unique_ptr<std::atomic<std::uint32_t>[]> clips_;
};

}  // namespace phantom::engine
