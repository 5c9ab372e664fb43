// Level meter of one channel: block peak, RMS (exponential, ~300 ms), peak hold and the
// largest peak since reset, plus a clip counter (samples that hit the converter's full scale).
// [audio-thread] update(); readings are copied out through engine/meter_bank.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "phantom/dsp/block_ops.hpp"

namespace phantom::dsp {

struct MeterReading {
    float peak = 0;       // linear, largest |x| of the last block
    float rms = 0;        // linear
    float peak_hold = 0;  // linear, held for the hold time
    float peak_max = 0;   // linear, since reset
    std::uint32_t clips = 0;
};

struct MeterBallistics {
    float rms_coefficient = 0;  // one-pole smoothing of x² per block
    int hold_frames = 0;

    static MeterBallistics make(double sample_rate_hz, int block_frames) {
        constexpr double kRmsTimeConstantS = 0.3;
        constexpr double kHoldS = 2.0;
        MeterBallistics b;
        b.rms_coefficient =
            static_cast<float>(1.0 - std::exp(-static_cast<double>(block_frames) /
                                              (kRmsTimeConstantS * sample_rate_hz)));
        b.hold_frames = static_cast<int>(kHoldS * sample_rate_hz);
        return b;
    }
};

class MeterState {
  public:
    // `x` must be finite (the engine's guards run first).
    void update(const float* x, int frames, int clipped_samples, const MeterBallistics& b) {
        update(measure(x, frames), frames, clipped_samples, b);
    }
    // A block already measured (hard_clip_measure).
    void update(const BlockLevel& level, int frames, int clipped_samples,
                const MeterBallistics& b) {
        const float peak = bits_to_float(level.max_abs_bits);
        const float sum_sq = level.sum_of_squares;
        float mean_sq = frames > 0 ? sum_sq / static_cast<float>(frames) : 0.0f;
        mean_sq_ += b.rms_coefficient * (mean_sq - mean_sq_);
        if (mean_sq_ < 1e-20f) mean_sq_ = 0.0f;
        reading_.peak = peak;
        reading_.rms = std::sqrt(mean_sq_);
        hold_age_ += frames;
        if (peak >= reading_.peak_hold || hold_age_ > b.hold_frames) {
            reading_.peak_hold = peak;
            hold_age_ = 0;
        }
        reading_.peak_max = std::max(reading_.peak_max, peak);
        reading_.clips += static_cast<std::uint32_t>(clipped_samples);
    }

    // A block of silence, in O(1): the RMS decays, the hold ages.
    void update_silent(int frames, const MeterBallistics& b) {
        mean_sq_ -= b.rms_coefficient * mean_sq_;
        if (mean_sq_ < 1e-20f) mean_sq_ = 0.0f;
        reading_.peak = 0.0f;
        reading_.rms = std::sqrt(mean_sq_);
        hold_age_ += frames;
        if (hold_age_ > b.hold_frames) {
            reading_.peak_hold = 0.0f;
            hold_age_ = 0;
        }
    }

    void reset() {
        reading_ = MeterReading{};
        mean_sq_ = 0;
        hold_age_ = 0;
    }
    // After a fault the level history is meaningless; keep the clip count and the maximum.
    void reset_level() {
        mean_sq_ = 0;
        reading_.peak = reading_.rms = reading_.peak_hold = 0;
    }
    const MeterReading& reading() const { return reading_; }

  private:
    MeterReading reading_;
    float mean_sq_ = 0;
    int hold_age_ = 0;
};

}  // namespace phantom::dsp
