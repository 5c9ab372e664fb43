#include "phantom/dsp/compressor.hpp"

#include <algorithm>
#include <cmath>

#include "phantom/dsp/dynamics_passes.hpp"
#include "phantom/dsp/gain_computer.hpp"

namespace phantom::dsp {

float time_constant_coefficient(double time_s, double sample_rate_hz) {
    if (time_s <= 0.0) return 0.0f;
    return static_cast<float>(std::exp(-1.0 / (time_s * sample_rate_hz)));
}

CompressorCoefficients design_compressor(const CompressorSettings& s, double sample_rate_hz) {
    CompressorCoefficients c;
    c.enabled = s.enabled;
    c.threshold_db = static_cast<float>(clamp_setting(s.threshold_db, -60.0, 0.0));
    c.ratio = static_cast<float>(clamp_setting(s.ratio, 1.0, 20.0));
    c.slope = 1.0f / c.ratio - 1.0f;
    c.knee_db = static_cast<float>(clamp_setting(s.knee_db, 0.0, 24.0));
    c.half_inverse_knee = c.knee_db > 0.0f ? 0.5f / c.knee_db : 0.0f;
    c.makeup_db = static_cast<float>(clamp_setting(s.makeup_db, 0.0, 24.0));
    c.attack_coefficient =
        time_constant_coefficient(clamp_setting(s.attack_ms, 0.1, 200.0) / 1000.0, sample_rate_hz);
    c.release_coefficient = time_constant_coefficient(
        clamp_setting(s.release_ms, 5.0, 3000.0) / 1000.0, sample_rate_hz);
    c.makeup_glide_coefficient = time_constant_coefficient(0.005, sample_rate_hz);
    c.stereo_link = s.stereo_link;
    return c;
}

void Compressor::reset() {
    gain_db_.fill(0.0f);
    makeup_db_ = coefficients_.enabled ? coefficients_.makeup_db : 0.0f;
    gain_reduction_db_ = 0.0f;
}

void Compressor::process(const AudioBlock& block) {
    if (!sanitize_block(block)) {
        reset();
        return;
    }
    const auto& k = coefficients_;
    const int channels = std::min(block.channel_count, kMaxChannels);
    if (!k.enabled) {
        // Bypassed: the envelopes release so that switching back on does not start squashed.
        gain_db_.fill(0.0f);
        makeup_db_ = 0.0f;
        gain_reduction_db_ = 0.0f;
        return;
    }
    const bool linked = k.stereo_link && channels == 2;
    const int detectors = linked ? 1 : channels;
    float makeup = makeup_db_;
    float deepest_db = 0.0f;
    // Three passes over chunks of kChunk frames: the levels and the static curve (vectorised),
    // the smoothing (a recursion, one frame after the other), the gains (vectorised).
    constexpr int kChunk = 64;
    float db[kChunk];
    for (int d = 0; d < detectors; ++d) {
        float g = gain_db_[static_cast<size_t>(d)];
        makeup = makeup_db_;
        for (int start = 0; start < block.frames; start += kChunk) {
            const int n = std::min(kChunk, block.frames - start);
            float* x0 = block.channels[d] + start;
            float* x1 = linked ? block.channels[1] + start : nullptr;
            dynamics::target_gains_db(x0, x1, n, db, [&k](float level) {
                return compressor_gain_db(level, k.threshold_db, k.slope, k.knee_db,
                                          k.half_inverse_knee);
            });
            for (int i = 0; i < n; ++i) {
                const float target = db[i];
                const float a = target < g ? k.attack_coefficient : k.release_coefficient;
                g = target + a * (g - target);
                makeup = k.makeup_db + k.makeup_glide_coefficient * (makeup - k.makeup_db);
                deepest_db = std::min(deepest_db, g);
                db[i] = g + makeup;
            }
            dynamics::apply_gains_db(x0, x1, n, db);
        }
        // Below −400 dB of gain change the envelope has settled; flushing keeps it normal.
        gain_db_[static_cast<size_t>(d)] = flush_denormal(g);
    }
    makeup_db_ = makeup;
    gain_reduction_db_ = -deepest_db;
}

}  // namespace phantom::dsp
