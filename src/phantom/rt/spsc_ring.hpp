// A single-producer, single-consumer ring of floats with its capacity fixed at construction.
// [producer-thread] write(), write_region()/commit_write(); [consumer-thread] read(); all
// wait-free, none allocates.
//
// The storage is not zeroed: nothing can read a float that was not written first, and a ring of
// a second of audio per streamed source is megabytes that a render would otherwise clear (and
// fault in) on its critical path before the first block.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstring>
#include <memory>

namespace phantom::rt {

class SpscFloatRing {
  public:
    explicit SpscFloatRing(size_t capacity)
        : size_(capacity + 1), buffer_(std::make_unique_for_overwrite<float[]>(size_)) {}

    size_t capacity() const { return size_ - 1; }
    size_t readable() const {
        const size_t w = write_.load(std::memory_order_acquire),
                     r = read_.load(std::memory_order_relaxed);
        return w >= r ? w - r : w + size_ - r;
    }
    size_t writable() const { return capacity() - readable_from_producer(); }

    // [producer] Copies up to n floats in; returns how many fit.
    size_t write(const float* data, size_t n) {
        n = std::min(n, writable());
        const size_t w = write_.load(std::memory_order_relaxed);
        const size_t first = std::min(n, size_ - w);
        std::memcpy(&buffer_[w], data, first * sizeof(float));
        std::memcpy(&buffer_[0], data + first, (n - first) * sizeof(float));
        advance_write(w, n);
        return n;
    }

    // [producer] Where the next floats go, for a producer that makes them in place (a decoder
    // writing straight into the ring, with no buffer between): the free space from the write
    // position up to the storage's end, `contiguous` floats (less than writable() when the free
    // space wraps; the rest comes after the next commit). Fill some of it, then commit_write().
    float* write_region(size_t& contiguous) {
        const size_t w = write_.load(std::memory_order_relaxed);
        contiguous = std::min(writable(), size_ - w);
        return &buffer_[w];
    }
    // [producer] The first n floats of the last write_region() are written: the consumer may
    // read them.
    void commit_write(size_t n) { advance_write(write_.load(std::memory_order_relaxed), n); }

    // [consumer] Copies up to n floats out; returns how many there were.
    size_t read(float* out, size_t n) {
        n = std::min(n, readable());
        size_t r = read_.load(std::memory_order_relaxed);
        const size_t first = std::min(n, size_ - r);
        std::memcpy(out, &buffer_[r], first * sizeof(float));
        std::memcpy(out + first, &buffer_[0], (n - first) * sizeof(float));
        r += n;
        if (r >= size_) r -= size_;
        read_.store(r, std::memory_order_release);
        return n;
    }

  private:
    size_t readable_from_producer() const {
        const size_t w = write_.load(std::memory_order_relaxed),
                     r = read_.load(std::memory_order_acquire);
        return w >= r ? w - r : w + size_ - r;
    }
    void advance_write(size_t w, size_t n) {
        w += n;
        if (w >= size_) w -= size_;
        write_.store(w, std::memory_order_release);
    }

    size_t size_;  // capacity + 1: a full ring keeps one slot free, so full and empty differ
    std::unique_ptr<float[]> buffer_;
    std::atomic<size_t> write_{0};
    std::atomic<size_t> read_{0};
};

}  // namespace phantom::rt
