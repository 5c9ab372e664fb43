// Scalar targets the control thread derives from the parameter tree and the audio thread
// reads once per block (then ramps to). All linear, so the audio thread never calls pow/cos.
// [control-thread] writes, [audio-thread] reads; relaxed atomics: each value stands alone.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace phantom::engine {

template <typename T>
class AtomicArray {
  public:
    explicit AtomicArray(size_t n = 0) : size_(n), data_(n ? new std::atomic<T>[n] : nullptr) {
        for (size_t i = 0; i < n; ++i)
            data_[i].store(T{}, std::memory_order_relaxed);
    }
    T load(size_t i) const { return data_[i].load(std::memory_order_relaxed); }
    void store(size_t i, T v) { data_[i].store(v, std::memory_order_relaxed); }
    size_t size() const { return size_; }

  private:
    size_t size_;
    std::unique_ptr<std::atomic<T>[]> data_;
};

struct RtTargets {
    RtTargets(size_t sources, size_t buses, size_t outputs, size_t fx_returns = 0)
        : input_gain(sources),
          trim_gain(sources),
          route_left(buses * sources),
          route_right(buses * sources),
          output_gain(outputs),
          output_mono(outputs),
          output_talkback(outputs),
          output_bus(outputs),
          output_solo(outputs),
          output_solo_bus(outputs),
          fx_return(fx_returns),
          fx_builtin(fx_returns) {}

    AtomicArray<float> input_gain;   // analog front end (source units → dBFS), or digital scale
    AtomicArray<float> trim_gain;    // digital trim × polarity
    AtomicArray<float> route_left;   // per crosspoint [bus * sources + source]
    AtomicArray<float> route_right;  // (mono buses use route_left only)
    AtomicArray<float> output_gain;  // volume, dim, mute, speaker set, trim
    AtomicArray<float> output_mono;  // 0 stereo … 1 mono (monitor outputs)
    AtomicArray<float> output_talkback;  // talkback level into this output
    AtomicArray<int> output_bus;         // bus it plays (mirrors resolved), -1 silent
    AtomicArray<float> output_solo;      // this output's mix into the solo bus (0: not soloed)
    AtomicArray<int> output_solo_bus;    // the mix that is (its own bus, mirrors resolved)
    AtomicArray<float> fx_return;        // per [mix bus * kFxKinds + kind]: the FX's return
    AtomicArray<float> fx_builtin;       // the same: 1 the built-in FX runs, 0 the bus passes dry
    // Bumped after every write of route_left/right, so the audio thread can skip re-reading
    // thousands of unchanged crosspoints.
    std::atomic<std::uint64_t> route_generation{0};
    std::atomic<int> talkback_source{-1};
    std::atomic<int> loopback_output{-1};
};

}  // namespace phantom::engine
