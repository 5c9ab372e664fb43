// Downward expander / gate of an input channel or a linked pair: peak detector, the static
// curve of gain_computer.hpp (a gate is a steep ratio with a range), a hold time before the
// gain closes (so a low note's zero crossings do not chatter the gate), and the gain smoothed
// in dB: attack_ms while opening, release_ms while closing.
// [control-thread] design_expander, prepare; [audio-thread] the rest.
#pragma once

#include <array>
#include <type_traits>

#include "phantom/dsp/processor.hpp"

namespace phantom::dsp {

struct ExpanderSettings {
    bool enabled = false;
    double threshold_db = -50.0;  // dBFS, −90 … 0
    double ratio = 2.0;           // 1 … 100 (from about 20 it is a gate)
    double range_db = 40.0;       // 0 … 90, the deepest attenuation
    double knee_db = 0.0;         // 0 … 24
    double attack_ms = 1.0;       // 0.05 … 100, opening
    double hold_ms = 50.0;        // 0 … 2000
    double release_ms = 100.0;    // 5 … 5000, closing
    bool stereo_link = true;
};

struct ExpanderCoefficients {
    bool enabled = false;
    float threshold_db = -50.0f;
    float ratio = 2.0f;
    float slope = 1.0f;  // ratio − 1
    float range_db = 40.0f;
    float knee_db = 0.0f;
    float half_inverse_knee = 0.0f;  // 1/(2·knee), 0 for a hard knee
    float attack_coefficient = 0.0f;
    float release_coefficient = 0.0f;
    int hold_frames = 0;
    bool stereo_link = true;
};
static_assert(std::is_trivially_copyable_v<ExpanderCoefficients>);

ExpanderCoefficients design_expander(const ExpanderSettings& s, double sample_rate_hz);

class Expander final : public Processor {
  public:
    void prepare(double, int) override { reset(); }
    void set_coefficients(const ExpanderCoefficients& c) { coefficients_ = c; }
    void process(const AudioBlock& block) override;
    void reset() override;
    int latency_frames() const override { return 0; }

    // [audio-thread] The largest attenuation of the last block, in dB (≥ 0).
    float gain_reduction_db() const { return gain_reduction_db_; }

  private:
    ExpanderCoefficients coefficients_;
    std::array<float, kMaxChannels> gain_db_{};
    std::array<int, kMaxChannels> hold_left_{};
    float gain_reduction_db_ = 0.0f;
};

}  // namespace phantom::dsp
