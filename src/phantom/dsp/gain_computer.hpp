// Static curves of the dynamics processors, level in dBFS → gain in dB, with a quadratic soft
// knee of width knee_db centred on the threshold (Giannoulis, Massberg and Reiss, "Digital
// Dynamic Range Compressor Design — A Tutorial and Analysis", JAES 2012, eq. 4). The knee
// meets both straight parts with the same value and slope. [any-thread] pure.
#pragma once

#include <algorithm>

namespace phantom::dsp {

// Downward compression above the threshold: gain ≤ 0 dB, slope 1/ratio − 1 above the knee.
inline float compressor_gain_db(float level_db, float threshold_db, float ratio, float knee_db) {
    const float over = level_db - threshold_db;
    const float slope = 1.0f / ratio - 1.0f;
    if (2.0f * over <= -knee_db) return 0.0f;
    if (2.0f * over >= knee_db) return slope * over;
    const float t = over + 0.5f * knee_db;
    return slope * t * t / (2.0f * knee_db);
}

// Downward expansion below the threshold: gain ≤ 0 dB, slope ratio − 1 below the knee, never
// below −range_db (a gate is an expander with a steep ratio).
inline float expander_gain_db(float level_db, float threshold_db, float ratio, float knee_db,
                              float range_db) {
    const float under = level_db - threshold_db;
    const float slope = ratio - 1.0f;
    float g;
    if (2.0f * under >= knee_db) {
        g = 0.0f;
    } else if (2.0f * under <= -knee_db) {
        g = slope * under;
    } else {
        const float t = under - 0.5f * knee_db;
        g = -slope * t * t / (2.0f * knee_db);
    }
    return std::max(g, -range_db);
}

}  // namespace phantom::dsp
