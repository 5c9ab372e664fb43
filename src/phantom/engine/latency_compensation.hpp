// Latency compensation across the sources (issue 16 §1): the delay line that holds a source
// back so that it reaches the mixes together with the slowest source (the one whose insert
// loop or plugin adds the most), as Ardour's and JUCE's graphs delay their shorter paths.
// Interface::derive_compensation() (compensation_derivation.cpp) sets each source's delay;
// Engine::run_compensation() runs them after the inserts, before the mixes, in place on the
// source's buffer. Captures, meters and the insert sends are taken before it: only the mixes
// (and what reads the mixes' sources: talkback, solo) hear the compensated signal.
//
// Invariants:
//  - The line is sized once, on the control thread, for kMaxDelayFrames; run() never
//    allocates, locks or waits.
//  - A change of delay crossfades the old tap into the new over kSectionFadeS, as the insert
//    slot's dry delay does, so the two change together and nothing clicks.
//  - The line is written every block from the moment it exists, so a later change finds the
//    source's past there. A silent block into a line that holds only zeros costs O(1), and so
//    does a block the source is not connected (it reads as silence afterwards).
// [control-thread] prepare, set_delay, snap; [audio-thread] run, skip.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "phantom/params/strip_param_ids.hpp"

namespace phantom::engine {

class CompensationDelay {
  public:
    // The longest delay: the longest insert loop, so a session whose only latency is an insert
    // is always aligned. (Reading before writing lets a ring of this many frames hold it.)
    static constexpr int kMaxDelayFrames = params::kMaxInsertDelayFrames;

    // [control-thread] May allocate.
    void prepare(double sample_rate_hz);
    // [control-thread] The delay from the next block on, clamped to 0 … kMaxDelayFrames.
    void set_delay(int frames);
    int delay() const { return target_.load(std::memory_order_relaxed); }
    // [control-thread, engine idle] The delay set is in force at once, without a fade.
    void snap();

    // [audio-thread] The source's block `x`, in place (`silent`: it is all zeros). Returns
    // true when what it leaves in `x` is all zeros.
    bool run(float* x, int frames, bool silent);
    // [audio-thread] A block the source was not connected: it counts as silence.
    void skip(int frames);

  private:
    // Zeros in the positions skipped since the last write (at most the whole ring).
    void fill_skipped();
    float tap(int delay, float now) const {
        return delay == 0 ? now : buffer_[(write_ - static_cast<size_t>(delay)) & mask_];
    }

    std::vector<float> buffer_;
    size_t mask_ = 0, write_ = 0;
    size_t skipped_ = 0;  // positions behind write_ that hold stale data but mean zeros
    // Frames since the last block that was not silent: the output is silent once it exceeds
    // the delay by a block. Starts "for ever" (the ring is zeros).
    long long quiet_frames_ = 1LL << 40;
    int from_ = 0, to_ = 0, fade_frames_ = 1, fade_left_ = 0;
    std::atomic<int> target_{0};
};

// Copy-on-write, carried by every plan, by source (null: never compensated). A source's line is
// made the first time its compensation leaves zero and then kept (until a rate change), so a
// plan swap keeps its past.
struct CompensationBank {
    std::vector<std::shared_ptr<CompensationDelay>> by_source;
};

}  // namespace phantom::engine
