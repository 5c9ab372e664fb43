// A setting's coefficients handed from the control thread to the audio thread without a plan:
// a triple buffer. The writer fills its own slot and swaps it with the middle one; the reader,
// at a block boundary, swaps the middle one with its own if it is new. Neither side ever waits
// or sees a half-written struct, and the latest post always wins (older ones are dropped).
// [control-thread] post(); [audio-thread] take(). One writer and one reader.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <type_traits>

namespace phantom::engine {

template <typename T>
class CoefficientMailbox {
    static_assert(std::is_trivially_copyable_v<T>);

  public:
    // [control-thread, wait-free]
    void post(const T& value) {
        slots_[back_] = value;
        const std::uint8_t previous =
            middle_.exchange(static_cast<std::uint8_t>(back_ | kFresh), std::memory_order_acq_rel);
        back_ = previous & kIndex;
    }

    // [audio-thread, wait-free] Copies the latest post into `out` if there is one not yet taken.
    bool take(T& out) {
        if ((middle_.load(std::memory_order_acquire) & kFresh) == 0) return false;
        const std::uint8_t previous = middle_.exchange(front_, std::memory_order_acq_rel);
        front_ = previous & kIndex;
        out = slots_[front_];
        return true;
    }

  private:
    static constexpr std::uint8_t kIndex = 0x3, kFresh = 0x4;
    std::array<T, 3> slots_{};
    std::uint8_t front_ = 0;               // the reader's
    std::atomic<std::uint8_t> middle_{1};  // shared: index | kFresh
    std::uint8_t back_ = 2;                // the writer's
};

}  // namespace phantom::engine
