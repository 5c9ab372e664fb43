// A linear gain ramp: every change of a gain is spread over a fixed number of frames (about
// 5 ms) so that nothing clicks. [audio-thread] all methods; no allocation, bounded loops.
//
// The kernels split a block into a ramping head and a constant tail so the common case (no
// change) is a plain multiply the compiler vectorises.
#pragma once

#include <algorithm>

#include "phantom/dsp/block_ops.hpp"

namespace phantom::dsp {

class GainRamp {
  public:
    // Snap to a value without ramping (start-up state, "in force from the first sample").
    void snap(float gain) {
        current_ = target_ = gain;
        remaining_ = 0;
    }

    // Start ramping towards `target` if it differs from the current target.
    void set_target(float target, int ramp_frames) {
        if (target == target_) return;
        target_ = target;
        remaining_ = ramp_frames > 0 ? ramp_frames : 0;
        if (remaining_ == 0) {
            current_ = target;
        } else {
            step_ = (target_ - current_) / static_cast<float>(remaining_);
        }
    }

    float current() const { return current_; }
    float target() const { return target_; }
    bool ramping() const { return remaining_ > 0; }
    // True when the ramp sits at zero and will stay there: its route contributes nothing.
    bool silent() const { return remaining_ == 0 && current_ == 0.0f; }

    // out[i] = in[i] * g
    void apply(const float* in, float* out, int frames) {
        int i = ramp_head(frames);
        float g = current_;
        for (int k = 0; k < i; ++k) {
            g = next(g, k, i);
            out[k] = in[k] * g;
        }
        finish_head(i, g);
        if (in != out) {
            for (int k = i; k < frames; ++k)
                out[k] = in[k];
        }
        if (current_ != 1.0f) scale(out + i, current_, frames - i);
    }

    // out[i] += in[i] * g
    void accumulate(const float* in, float* out, int frames) {
        int i = ramp_head(frames);
        float g = current_;
        for (int k = 0; k < i; ++k) {
            g = next(g, k, i);
            out[k] += in[k] * g;
        }
        finish_head(i, g);
        if (current_ != 0.0f) mix_add(in + i, out + i, current_, frames - i);
    }

    // Write the per-frame gains (for a ramp shared by several channels) and advance.
    void fill(float* gains, int frames) {
        int i = ramp_head(frames);
        float g = current_;
        for (int k = 0; k < i; ++k) {
            g = next(g, k, i);
            gains[k] = g;
        }
        finish_head(i, g);
        float c = current_;
        for (int k = i; k < frames; ++k)
            gains[k] = c;
    }

    // Advance without producing output (a route whose source is known silent).
    void skip(int frames) {
        int i = ramp_head(frames);
        finish_head(i, current_ + step_ * static_cast<float>(i));
    }

  private:
    int ramp_head(int frames) const { return std::min(frames, remaining_); }
    // The last frame of a ramp lands exactly on the target, whatever float steps summed to.
    float next(float g, int k, int head) const {
        return (k == head - 1 && head == remaining_) ? target_ : g + step_;
    }
    void finish_head(int i, float g) {
        remaining_ -= i;
        current_ = remaining_ == 0 ? target_ : g;
    }

    float current_ = 0.0f;
    float target_ = 0.0f;
    float step_ = 0.0f;
    int remaining_ = 0;
};

}  // namespace phantom::dsp
