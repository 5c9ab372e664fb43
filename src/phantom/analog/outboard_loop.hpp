// A loop of the virtual hardware through outboard gear: an output channel's samples, as the
// DAC plays them, through the gear (analog/outboard.hpp) and back into an input as that
// input's source (`--source in2=outboard:line3:…`). The virtual interface's converters take
// one block of `max_frames` each way, as the virtual backend reports its playback and capture
// latency: what the engine plays in a block is heard on the input 2 × `max_frames` frames
// later, plus the gear's own delay, whatever the block sizes. That round trip is fixed, so a
// test knows the loop's true delay to the frame.
//
// The engine pushes each block's output after its outputs are done (Plan::loops); the input's
// SignalSource pulls the same number of frames at the start of the next. The queue starts
// with 2 × `max_frames` of silence, so it holds exactly that much between blocks.
// [control-thread] construction; [audio-thread] pull, push: no allocation.
#pragma once

#include <algorithm>
#include <vector>

#include "phantom/analog/outboard.hpp"

namespace phantom::analog {

class OutboardLoop {
  public:
    // `level`: the send's sample value → the return's source units (the output's full scale
    // over the input's). Throws std::invalid_argument for a setting out of range.
    OutboardLoop(const OutboardSettings& settings, double sample_rate_hz, int max_frames,
                 float level)
        : box_(settings, sample_rate_hz),
          queue_(3 * static_cast<size_t>(max_frames) + 1, 0.0f),
          scratch_(static_cast<size_t>(max_frames), 0.0f),
          fill_(2 * static_cast<size_t>(max_frames)),
          level_(level) {}

    int round_trip_frames() const { return static_cast<int>(latency_) + box_.delay_frames(); }

    // [audio-thread] The input's side: the next `frames` of the return (silence if the engine
    // has not pushed them, which only a block skipped by the host can cause).
    void pull(float* out, int frames) {
        for (int k = 0; k < frames; ++k) {
            if (fill_ == 0) {
                out[k] = 0.0f;
                continue;
            }
            out[k] = queue_[read_];
            read_ = (read_ + 1) % queue_.size();
            --fill_;
        }
    }
    // [audio-thread] The output's side: this block's `frames` as the DAC played them.
    void push(const float* in, int frames) {
        frames = std::min(frames, static_cast<int>(scratch_.size()));
        box_.process(in, scratch_.data(), frames);
        for (int k = 0; k < frames; ++k) {
            if (fill_ == queue_.size()) break;  // nobody pulled: the oldest stays
            queue_[write_] = scratch_[static_cast<size_t>(k)] * level_;
            write_ = (write_ + 1) % queue_.size();
            ++fill_;
        }
    }

  private:
    Outboard box_;
    std::vector<float> queue_, scratch_;
    size_t read_ = 0;
    size_t fill_;
    size_t write_ = fill_;
    size_t latency_ = fill_;
    float level_;
};

}  // namespace phantom::analog
