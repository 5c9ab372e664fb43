// M/S and width of a stereo pair: decode an M/S recording to L/R, set the width (0 mono,
// 1 unchanged, 2 twice the side signal), and optionally send M/S out (to listen to the mid and
// the side separately). The three steps are one 2×2 matrix designed on the control thread; a
// change glides over 5 ms. A single channel passes unchanged.
// [control-thread] design; [audio-thread] the rest.
#pragma once

#include <array>
#include <type_traits>

#include "phantom/dsp/processor.hpp"

namespace phantom::dsp {

struct StereoWidthSettings {
    bool input_is_mid_side = false;  // L carries M, R carries S: decode to L/R first
    double width = 1.0;              // 0 … 2
    bool output_mid_side = false;    // encode the result to M (left) and S (right)
};

struct StereoMatrix {
    // out_l = ll·l + lr·r, out_r = rl·l + rr·r
    float ll = 1, lr = 0, rl = 0, rr = 1;
};
static_assert(std::is_trivially_copyable_v<StereoMatrix>);

StereoMatrix design_stereo_width(const StereoWidthSettings& s);

class StereoWidth final : public Processor {
  public:
    void prepare(double sample_rate_hz, int) override;
    void set_coefficients(const StereoMatrix& m);
    void process(const AudioBlock& block) override;
    void reset() override;
    int latency_frames() const override { return 0; }

  private:
    StereoMatrix current_, target_, step_;
    int ramp_frames_ = 240;
    int remaining_ = 0;
};

}  // namespace phantom::dsp
