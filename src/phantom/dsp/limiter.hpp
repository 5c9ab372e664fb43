// Brick-wall limiter of a headphone output (ear protection): no sample leaves above the ceiling.
//
// How it holds the ceiling: the signal is delayed by a lookahead of L frames. For every input
// frame the gain it needs is g_req = min(1, ceiling / peak) (the pair linked: the larger
// channel). The gain applied to the frame leaving now (input n − L) is the mean of the last L
// values of r, where r ≤ min(g_req over the last L + 1 input frames) and rises only by the
// release. Each of those L windows contains frame n − L, so the mean is ≤ its g_req: the
// output is within the ceiling by construction, and the gain still moves smoothly (a ramp of
// L frames down, the release up). A final clamp catches the last float rounding.
// Latency: L frames (1.5 ms), reported, fixed at prepare() so it never changes while running.
// [control-thread] prepare, design; [audio-thread] the rest.
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "phantom/dsp/delay_line.hpp"
#include "phantom/dsp/processor.hpp"

namespace phantom::dsp {

inline constexpr double kLimiterLookaheadS = 0.0015;

struct LimiterSettings {
    bool enabled = true;       // ear protection: on unless turned off
    double ceiling_db = -1.0;  // dBFS, −40 … 0
    double release_ms = 80.0;  // 10 … 2000
};

struct LimiterCoefficients {
    bool enabled = true;
    float ceiling = 0.891f;  // linear
    float release_coefficient = 0.0f;
};
static_assert(std::is_trivially_copyable_v<LimiterCoefficients>);

LimiterCoefficients design_limiter(const LimiterSettings& s, double sample_rate_hz);

class Limiter final : public Processor {
  public:
    void prepare(double sample_rate_hz, int max_block_frames) override;
    void set_coefficients(const LimiterCoefficients& c) { coefficients_ = c; }
    void process(const AudioBlock& block) override;
    void reset() override;
    int latency_frames() const override { return lookahead_; }

    // [audio-thread] The largest gain reduction of the last block, in dB (≥ 0).
    float gain_reduction_db() const { return gain_reduction_db_; }

  private:
    struct MinEntry {
        std::uint32_t frame;
        float gain;
    };
    void recompute_sum();

    LimiterCoefficients coefficients_;
    int lookahead_ = 1;
    std::array<DelayLine, kMaxChannels> lines_;
    // The sliding minimum of g_req over L + 1 frames: a monotonic queue in a fixed ring.
    std::vector<MinEntry> min_queue_;
    size_t min_mask_ = 0, min_head_ = 0, min_tail_ = 0;
    // The last L values of r and their sum (the moving average).
    std::vector<float> recent_;
    int recent_pos_ = 0;
    double recent_sum_ = 0;
    float release_gain_ = 1.0f;  // r
    std::uint32_t frame_ = 0;
    float gain_reduction_db_ = 0.0f;
};

}  // namespace phantom::dsp
