// The contract of a built-in processor (low cut, EQ, dynamics, delay, limiter, reverb, echo).
//
// Aims and invariants:
// - Two phases. prepare() may allocate and runs on the control thread; process(), reset() and
//   set_coefficients() run on the audio thread: no allocation, no locks, no system calls, one
//   virtual call per block at most (the engine's slot calls process() through this interface;
//   inside, the loops are plain and per channel).
// - Settings are in user units (`cutoff_hz`, `gain_db`, `decay_s`) and are designed into a
//   coefficient struct on the control thread (a free function `design(settings, rate)`).
//   Coefficient structs are trivially copyable and of fixed size, so the engine hands them to
//   the audio side inside a plan and the processor copies them at a block boundary.
// - A coefficient change never resets running state: a filter keeps its memory, a reverb its
//   tail. Gains that would step (make-up, width) glide over a few milliseconds.
// - A non-finite input block must not poison recursive state: the block is zeroed and the
//   processor's state reset (reliability.md §3), so the next finite block is processed as by a
//   fresh processor. Recursive state is flushed below kDenormalFloor every block, so a thread
//   without FTZ/DAZ never sees subnormals from a decaying tail.
// - prepare() comes before the first process(); coefficients may be handed over before or
//   after it (prepare() keeps the last ones and fits them to the new buffers).
// - Up to kMaxChannels channels (one channel, or a stereo pair for linked dynamics, M/S,
//   reverb and echo); the state for both is held whatever the block carries.
#pragma once

#include <cmath>

#include "phantom/dsp/block_ops.hpp"

namespace phantom::dsp {

inline constexpr int kMaxChannels = 2;

// Smaller than any audible signal (−400 dBFS) yet far above the subnormal range of float
// (1e-38) and double, so flushing it costs nothing audible.
inline constexpr double kDenormalFloor = 1e-20;

// A block of float channels processed in place.
struct AudioBlock {
    float* const* channels = nullptr;
    int channel_count = 0;  // 1 or 2
    int frames = 0;         // <= the max_block_frames given to prepare()
};

class Processor {
  public:
    virtual ~Processor() = default;
    // [control-thread] Sizes the buffers for this rate and block size; may allocate.
    // Leaves the processor reset.
    virtual void prepare(double sample_rate_hz, int max_block_frames) = 0;
    // [audio-thread] In place; wait-free, no allocation.
    virtual void process(const AudioBlock& block) = 0;
    // [audio-thread] Clears all running state (filter memory, tails, envelopes).
    virtual void reset() = 0;
    // [any-thread] The delay the processor adds to the signal path, for latency compensation.
    virtual int latency_frames() const = 0;
};

// [any-thread] A setting clamped to its range, for the design functions. A NaN (which
// std::clamp passes through, and which would poison the coefficients and then the state for
// good) becomes the lower bound; ±Inf the nearer bound.
inline double clamp_setting(double value, double lo, double hi) {
    if (std::isnan(value)) return lo;
    return value < lo ? lo : (value > hi ? hi : value);
}

inline double flush_denormal(double x) {
    return std::fabs(x) < kDenormalFloor ? 0.0 : x;
}
inline float flush_denormal(float x) {
    return std::fabs(x) < static_cast<float>(kDenormalFloor) ? 0.0f : x;
}

// [audio-thread] Zeroes the samples below the floor: a decaying tail inside a block can reach
// float's subnormal range before the per-block state flush (a pole near 0.5 falls 300 dB in
// 100 frames). A select per sample, vectorised.
inline void flush_denormals(float* x, int frames) {
    const float floor = static_cast<float>(kDenormalFloor);
    for (int i = 0; i < frames; ++i)
        x[i] = std::fabs(x[i]) < floor ? 0.0f : x[i];
}

// [audio-thread] True when every channel of the block is finite. When it is not, the whole
// block is zeroed (a NaN in one channel of a linked pair would reach the other through the
// shared detector) and the caller resets its state.
inline bool sanitize_block(const AudioBlock& block) {
    bool finite = true;
    for (int c = 0; c < block.channel_count; ++c)
        finite = finite && all_finite(block.channels[c], block.frames);
    if (finite) return true;
    for (int c = 0; c < block.channel_count; ++c)
        clear(block.channels[c], block.frames);
    return false;
}

}  // namespace phantom::dsp
