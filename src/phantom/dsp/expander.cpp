#include "phantom/dsp/expander.hpp"

#include <algorithm>
#include <cmath>

#include "phantom/dsp/compressor.hpp"
#include "phantom/dsp/dynamics_passes.hpp"
#include "phantom/dsp/gain_computer.hpp"

namespace phantom::dsp {

ExpanderCoefficients design_expander(const ExpanderSettings& s, double sample_rate_hz) {
    ExpanderCoefficients c;
    c.enabled = s.enabled;
    c.threshold_db = static_cast<float>(clamp_setting(s.threshold_db, -90.0, 0.0));
    c.ratio = static_cast<float>(clamp_setting(s.ratio, 1.0, 100.0));
    c.range_db = static_cast<float>(clamp_setting(s.range_db, 0.0, 90.0));
    c.slope = c.ratio - 1.0f;
    c.knee_db = static_cast<float>(clamp_setting(s.knee_db, 0.0, 24.0));
    c.half_inverse_knee = c.knee_db > 0.0f ? 0.5f / c.knee_db : 0.0f;
    c.attack_coefficient =
        time_constant_coefficient(clamp_setting(s.attack_ms, 0.05, 100.0) / 1000.0, sample_rate_hz);
    c.release_coefficient = time_constant_coefficient(
        clamp_setting(s.release_ms, 5.0, 5000.0) / 1000.0, sample_rate_hz);
    c.hold_frames = static_cast<int>(
        std::lround(clamp_setting(s.hold_ms, 0.0, 2000.0) / 1000.0 * sample_rate_hz));
    c.stereo_link = s.stereo_link;
    return c;
}

void Expander::reset() {
    gain_db_.fill(0.0f);
    hold_left_.fill(0);
    gain_reduction_db_ = 0.0f;
}

void Expander::process(const AudioBlock& block) {
    if (!sanitize_block(block)) {
        reset();
        return;
    }
    const auto& k = coefficients_;
    const int channels = std::min(block.channel_count, kMaxChannels);
    if (!k.enabled) {
        reset();
        return;
    }
    const bool linked = k.stereo_link && channels == 2;
    const int detectors = linked ? 1 : channels;
    float deepest_db = 0.0f;
    // As the compressor: levels and curve, then the smoothing and hold, then the gains.
    constexpr int kChunk = 64;
    float db[kChunk];
    for (int d = 0; d < detectors; ++d) {
        float g = gain_db_[static_cast<size_t>(d)];
        int hold = hold_left_[static_cast<size_t>(d)];
        for (int start = 0; start < block.frames; start += kChunk) {
            const int n = std::min(kChunk, block.frames - start);
            float* x0 = block.channels[d] + start;
            float* x1 = linked ? block.channels[1] + start : nullptr;
            dynamics::target_gains_db(x0, x1, n, db, [&k](float level) {
                return expander_gain_db(level, k.threshold_db, k.slope, k.knee_db,
                                        k.half_inverse_knee, k.range_db);
            });
            for (int i = 0; i < n; ++i) {
                const float target = db[i];
                if (target >= g) {  // opening (or open): the hold restarts
                    g = target + k.attack_coefficient * (g - target);
                    hold = k.hold_frames;
                } else if (hold > 0) {
                    --hold;
                } else {
                    g = target + k.release_coefficient * (g - target);
                }
                deepest_db = std::min(deepest_db, g);
                db[i] = g;
            }
            dynamics::apply_gains_db(x0, x1, n, db);
        }
        gain_db_[static_cast<size_t>(d)] = flush_denormal(g);
        hold_left_[static_cast<size_t>(d)] = hold;
    }
    gain_reduction_db_ = -deepest_db;
}

}  // namespace phantom::dsp
