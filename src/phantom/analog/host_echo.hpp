// A host program that plays Phantom's loopback capture back into playback channels, one block
// later (the virtual fault PB=echo-loopback, analog/fault_spec.hpp): a DAW track recording the
// loopback pair with input monitoring on, its output on pb1-2. It is the hand-off between the
// loopback channels the engine writes in a block (engine::Interface::process) and the
// SignalSources of the playback channels that play them in the next, as JACK runs a connection
// that closes a cycle: one period late.
//
// [control-thread] construction, `active`; [audio-thread] everything else, no allocation.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <vector>

namespace phantom::analog {

class HostEcho {
  public:
    HostEcho(int channels, int capacity_frames)
        : channels_(channels),
          capacity_(capacity_frames),
          a_(static_cast<size_t>(channels) * static_cast<size_t>(capacity_frames)),
          b_(a_.size()),
          next_(a_.data()),
          heard_(b_.data()) {}

    int channels() const { return channels_; }
    int capacity() const { return capacity_; }
    // This block's loopback channel k, written by the engine.
    float* next(int k) { return next_ + static_cast<size_t>(k) * static_cast<size_t>(capacity_); }
    // The last block's loopback channel k: what the host plays back now.
    const float* heard(int k) const {
        return heard_ + static_cast<size_t>(k) * static_cast<size_t>(capacity_);
    }
    int heard_frames() const { return heard_frames_; }
    // Counted up at every block's end: a playback channel starts reading afresh.
    std::uint64_t block() const { return block_; }

    // The block's loopback (`frames` of it) is what the host plays back in the next.
    void end_block(int frames) {
        std::swap(next_, heard_);
        heard_frames_ = std::min(frames, capacity_);
        ++block_;
    }
    // A block without the echo (none active, or longer than the buffers): nothing to play next.
    void skip() {
        heard_frames_ = 0;
        ++block_;
    }

    // Some playback channel plays the echo: the interface keeps the loopback for it.
    std::atomic<bool> active{false};

  private:
    int channels_, capacity_;
    std::vector<float> a_, b_;
    float* next_;
    float* heard_;
    int heard_frames_ = 0;
    std::uint64_t block_ = 0;
};

}  // namespace phantom::analog
