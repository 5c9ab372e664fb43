// A ring buffer delay of whole frames, sized once in prepare(), and a tap that moves from one
// delay to another by a short linear crossfade (reading both taps), so that a changed delay
// neither clicks nor pitches. [control-thread] resize; [audio-thread] the rest.
#pragma once

#include <algorithm>
#include <vector>

namespace phantom::dsp {

class DelayLine {
  public:
    // [control-thread] Room for delays up to max_delay_frames (power-of-two ring, masked index).
    void resize(int max_delay_frames) {
        size_t capacity = 1;
        while (capacity < static_cast<size_t>(max_delay_frames) + 1)
            capacity <<= 1;
        buffer_.assign(capacity, 0.0f);
        mask_ = capacity - 1;
        write_ = 0;
    }
    void reset() {
        std::fill(buffer_.begin(), buffer_.end(), 0.0f);
        write_ = 0;
    }
    int max_delay_frames() const { return static_cast<int>(mask_); }

    // The frame `delay` frames back from the current one. After write(), read(0) is the frame
    // just written; before it, read(d) for 1 <= d <= max_delay_frames() is still intact.
    float read(int delay) const { return buffer_[(write_ - static_cast<size_t>(delay)) & mask_]; }
    // Writes the current frame; read(0) then returns it.
    void write(float x) { buffer_[write_ & mask_] = x; }
    void advance() { ++write_; }

  private:
    std::vector<float> buffer_;
    size_t mask_ = 0;
    size_t write_ = 0;
};

// The delay a tap reads, gliding between two values by crossfade. [audio-thread]
class FadingTap {
  public:
    void snap(int delay_frames) {
        from_ = to_ = delay_frames;
        fade_left_ = 0;
    }
    // A new delay starts a fade of fade_frames; a fade in progress is finished first at the
    // value it was heading to, which a fast run of changes can hear as a short step.
    void set_target(int delay_frames, int fade_frames) {
        if (delay_frames == to_) return;
        from_ = to_;
        to_ = delay_frames;
        fade_frames_ = std::max(fade_frames, 1);
        fade_left_ = fade_frames_;
    }
    int target() const { return to_; }
    bool fading() const { return fade_left_ > 0; }

    float read(const DelayLine& line) const {
        if (fade_left_ == 0) return line.read(to_);
        const float w = static_cast<float>(fade_left_) / static_cast<float>(fade_frames_);
        return w * line.read(from_) + (1.0f - w) * line.read(to_);
    }
    void advance() {
        if (fade_left_ > 0 && --fade_left_ == 0) from_ = to_;
    }

  private:
    int from_ = 0, to_ = 0;
    int fade_frames_ = 1, fade_left_ = 0;
};

}  // namespace phantom::dsp
