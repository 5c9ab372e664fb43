// A single-producer, single-consumer ring of floats with its capacity fixed at construction.
// [producer-thread] write(), [consumer-thread] read(); both wait-free, neither allocates.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <vector>

namespace phantom::rt {

class SpscFloatRing {
  public:
    explicit SpscFloatRing(size_t capacity) : buffer_(capacity + 1) {}

    size_t capacity() const { return buffer_.size() - 1; }
    size_t readable() const {
        const size_t w = write_.load(std::memory_order_acquire),
                     r = read_.load(std::memory_order_relaxed);
        return w >= r ? w - r : w + buffer_.size() - r;
    }
    size_t writable() const { return capacity() - readable_from_producer(); }

    // [producer] Copies up to n floats in; returns how many fit.
    size_t write(const float* data, size_t n) {
        n = std::min(n, writable());
        size_t w = write_.load(std::memory_order_relaxed);
        const size_t first = std::min(n, buffer_.size() - w);
        std::memcpy(&buffer_[w], data, first * sizeof(float));
        std::memcpy(&buffer_[0], data + first, (n - first) * sizeof(float));
        w += n;
        if (w >= buffer_.size()) w -= buffer_.size();
        write_.store(w, std::memory_order_release);
        return n;
    }

    // [consumer] Copies up to n floats out; returns how many there were.
    size_t read(float* out, size_t n) {
        n = std::min(n, readable());
        size_t r = read_.load(std::memory_order_relaxed);
        const size_t first = std::min(n, buffer_.size() - r);
        std::memcpy(out, &buffer_[r], first * sizeof(float));
        std::memcpy(out + first, &buffer_[0], (n - first) * sizeof(float));
        r += n;
        if (r >= buffer_.size()) r -= buffer_.size();
        read_.store(r, std::memory_order_release);
        return n;
    }

  private:
    size_t readable_from_producer() const {
        const size_t w = write_.load(std::memory_order_relaxed),
                     r = read_.load(std::memory_order_acquire);
        return w >= r ? w - r : w + buffer_.size() - r;
    }

    std::vector<float> buffer_;
    std::atomic<size_t> write_{0};
    std::atomic<size_t> read_{0};
};

}  // namespace phantom::rt
