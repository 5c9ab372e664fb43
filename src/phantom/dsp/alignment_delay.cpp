#include "phantom/dsp/alignment_delay.hpp"

#include <algorithm>
#include <cmath>

namespace phantom::dsp {

AlignmentDelayCoefficients design_alignment_delay(const AlignmentDelaySettings& s,
                                                  double sample_rate_hz) {
    AlignmentDelayCoefficients c;
    const double ms = clamp_setting(s.delay_ms, 0.0, kAlignmentDelayMaxMs);
    c.delay_frames = static_cast<int>(std::lround(ms / 1000.0 * sample_rate_hz));
    c.fade_frames = std::max(1, static_cast<int>(std::lround(0.005 * sample_rate_hz)));
    return c;
}

void AlignmentDelay::prepare(double sample_rate_hz, int) {
    max_delay_frames_ = static_cast<int>(std::ceil(kAlignmentDelayMaxMs / 1000.0 * sample_rate_hz));
    for (auto& l : lines_)
        l.resize(max_delay_frames_);
    tap_.snap(std::min(requested_.delay_frames, max_delay_frames_));
}

void AlignmentDelay::reset() {
    for (auto& l : lines_)
        l.reset();
    tap_.snap(tap_.target());
}

void AlignmentDelay::process(const AudioBlock& block) {
    if (!sanitize_block(block)) {
        reset();
        return;
    }
    if (tap_.target() == 0 && !tap_.fading()) {
        // No delay: pass through, but keep the lines fed so that a delay set later starts
        // from the real past and not from silence.
        for (int c = 0; c < block.channel_count && c < kMaxChannels; ++c) {
            auto& line = lines_[static_cast<size_t>(c)];
            for (int i = 0; i < block.frames; ++i) {
                line.write(block.channels[c][i]);
                line.advance();
            }
        }
        return;
    }
    FadingTap tap = tap_;
    for (int c = 0; c < block.channel_count && c < kMaxChannels; ++c) {
        tap = tap_;  // every channel follows the same fade
        auto& line = lines_[static_cast<size_t>(c)];
        float* x = block.channels[c];
        for (int i = 0; i < block.frames; ++i) {
            line.write(x[i]);
            x[i] = tap.read(line);
            line.advance();
            tap.advance();
        }
    }
    tap_ = tap;
}

}  // namespace phantom::dsp
