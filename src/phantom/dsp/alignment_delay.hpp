// Alignment delay of an output (speaker time alignment), 0–50 ms in whole frames: a delay of
// N frames gives out[n] = in[n − N] exactly. A changed delay crossfades over 5 ms.
// latency_frames() is 0: this delay is the point of the processor, and compensating it on the
// other paths would undo the alignment.
// [control-thread] prepare, design; [audio-thread] the rest.
#pragma once

#include <algorithm>
#include <array>
#include <type_traits>

#include "phantom/dsp/delay_line.hpp"
#include "phantom/dsp/processor.hpp"

namespace phantom::dsp {

inline constexpr double kAlignmentDelayMaxMs = 50.0;

struct AlignmentDelaySettings {
    double delay_ms = 0.0;  // 0 … 50
};
struct AlignmentDelayCoefficients {
    int delay_frames = 0;
    int fade_frames = 1;
};
static_assert(std::is_trivially_copyable_v<AlignmentDelayCoefficients>);

AlignmentDelayCoefficients design_alignment_delay(const AlignmentDelaySettings& s,
                                                  double sample_rate_hz);

class AlignmentDelay final : public Processor {
  public:
    void prepare(double sample_rate_hz, int max_block_frames) override;
    void set_coefficients(const AlignmentDelayCoefficients& c) {
        requested_ = c;
        tap_.set_target(std::min(c.delay_frames, max_delay_frames_), c.fade_frames);
    }
    void process(const AudioBlock& block) override;
    void reset() override;
    int latency_frames() const override { return 0; }

  private:
    std::array<DelayLine, kMaxChannels> lines_;
    FadingTap tap_;
    AlignmentDelayCoefficients requested_;  // applied again by prepare()
    int max_delay_frames_ = 0;
};

}  // namespace phantom::dsp
