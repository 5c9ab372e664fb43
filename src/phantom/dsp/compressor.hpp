// Compressor of an input channel or a linked pair: peak detector, the static curve of
// gain_computer.hpp, and the gain smoothed in dB with separate attack and release time
// constants (a one-pole per direction: after attack_ms the gain has made 1 − 1/e of a step).
// The gain reduction of the last block is read out for the meter.
// [control-thread] design_compressor, prepare; [audio-thread] the rest.
#pragma once

#include <array>
#include <type_traits>

#include "phantom/dsp/processor.hpp"

namespace phantom::dsp {

struct CompressorSettings {
    bool enabled = false;
    double threshold_db = -20.0;  // dBFS, −60 … 0
    double ratio = 4.0;           // 1 … 20 (20 acts as a limiter)
    double attack_ms = 10.0;      // 0.1 … 200
    double release_ms = 100.0;    // 5 … 3000
    double knee_db = 6.0;         // 0 … 24, the width of the soft knee
    double makeup_db = 0.0;       // 0 … 24
    bool stereo_link = true;      // a pair shares one detector and one gain
};

struct CompressorCoefficients {
    bool enabled = false;
    float threshold_db = -20.0f;
    float ratio = 4.0f;
    float slope = -0.75f;  // 1/ratio − 1
    float knee_db = 6.0f;
    float half_inverse_knee = 1.0f / 12.0f;  // 1/(2·knee), 0 for a hard knee
    float makeup_db = 0.0f;
    float attack_coefficient = 0.0f;  // exp(−1 / (τ·fs))
    float release_coefficient = 0.0f;
    float makeup_glide_coefficient = 0.0f;  // a make-up change glides over ~5 ms
    bool stereo_link = true;
};
static_assert(std::is_trivially_copyable_v<CompressorCoefficients>);

CompressorCoefficients design_compressor(const CompressorSettings& s, double sample_rate_hz);

// The one-pole coefficient of a time constant: after time_s a step has made 1 − 1/e.
float time_constant_coefficient(double time_s, double sample_rate_hz);

class Compressor final : public Processor {
  public:
    void prepare(double, int) override { reset(); }
    void set_coefficients(const CompressorCoefficients& c) { coefficients_ = c; }
    void process(const AudioBlock& block) override;
    void reset() override;
    int latency_frames() const override { return 0; }

    // [audio-thread] The largest gain reduction of the last block, in dB (≥ 0), for the meter.
    float gain_reduction_db() const { return gain_reduction_db_; }

  private:
    CompressorCoefficients coefficients_;
    std::array<float, kMaxChannels> gain_db_{};  // the smoothed gain (≤ 0), per detector
    float makeup_db_ = 0.0f;                     // the gliding make-up
    float gain_reduction_db_ = 0.0f;
};

}  // namespace phantom::dsp
