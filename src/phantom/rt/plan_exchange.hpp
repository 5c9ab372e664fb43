// Publishing immutable objects from the control thread to the audio thread.
//
// [control-thread] publish(): install a new object; the previous one goes to a retired list.
// [audio-thread]   acquire(): wait-free; returns the current object and marks it in use.
// [control-thread] collect(): frees retired objects the audio thread can no longer be reading.
//
// The audio thread never frees: it only loads a pointer and writes an epoch counter. An object
// retired at epoch E is freed once the audio thread has started a block after E (it then holds
// the newer pointer), or when the engine is not running at all.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace phantom::rt {

template <typename T>
class PlanExchange {
  public:
    PlanExchange() = default;
    PlanExchange(const PlanExchange&) = delete;
    PlanExchange& operator=(const PlanExchange&) = delete;
    ~PlanExchange() { delete current_.load(); }

    // [control-thread]
    void publish(std::unique_ptr<T> next) {
        T* old = current_.exchange(next.release(), std::memory_order_acq_rel);
        std::uint64_t epoch = publish_epoch_.fetch_add(1, std::memory_order_acq_rel) + 1;
        if (old) retired_.emplace_back(epoch, std::unique_ptr<T>(old));
    }

    // [audio-thread, wait-free] Call once at the start of a block.
    const T* acquire() {
        std::uint64_t epoch = publish_epoch_.load(std::memory_order_acquire);
        const T* plan = current_.load(std::memory_order_acquire);
        seen_epoch_.store(epoch, std::memory_order_release);
        return plan;
    }

    // [control-thread] Free what the audio thread has moved past. With `idle` (the audio
    // thread is known not to be inside a block), free every retired object.
    size_t collect(bool idle = false) {
        std::uint64_t seen = seen_epoch_.load(std::memory_order_acquire);
        size_t freed = 0;
        for (auto it = retired_.begin(); it != retired_.end();) {
            if (idle || it->first <= seen) {
                it = retired_.erase(it);
                ++freed;
            } else {
                ++it;
            }
        }
        freed_total_ += freed;
        return freed;
    }

    // [control-thread] For inspection on the control side only.
    const T* current() const { return current_.load(std::memory_order_acquire); }
    size_t retired() const { return retired_.size(); }
    size_t freed_total() const { return freed_total_; }

  private:
    std::atomic<T*> current_{nullptr};
    std::atomic<std::uint64_t> publish_epoch_{0};
    std::atomic<std::uint64_t> seen_epoch_{0};
    std::vector<std::pair<std::uint64_t, std::unique_ptr<T>>> retired_;
    size_t freed_total_ = 0;
};

}  // namespace phantom::rt
