// Static curves of the dynamics processors, level in dBFS → gain in dB, with a quadratic soft
// knee of width knee_db centred on the threshold (Giannoulis, Massberg and Reiss, "Digital
// Dynamic Range Compressor Design — A Tutorial and Analysis", JAES 2012, eq. 4). The knee
// meets both straight parts with the same value and slope.
//
// Written without branches (fast_math.hpp's positive_part and clamp_0_to) so that a block's
// worth vectorises: with
// t = clamp(over + W/2, 0, W), the gain is slope·(t²/2W + max(over − W/2, 0)), which is 0
// below the knee, the quadratic inside it and slope·over above it. `half_inverse_knee` is
// 1/(2W), or 0 for a hard knee (t is then always 0). [any-thread] pure.
#pragma once

#include <algorithm>

#include "phantom/dsp/fast_math.hpp"

namespace phantom::dsp {

// Downward compression above the threshold: gain ≤ 0 dB, slope 1/ratio − 1 above the knee.
inline float compressor_gain_db(float level_db, float threshold_db, float slope, float knee_db,
                                float half_inverse_knee) {
    const float over = level_db - threshold_db;
    const float t = clamp_0_to(over + 0.5f * knee_db, knee_db);
    return slope * (t * t * half_inverse_knee + positive_part(over - 0.5f * knee_db));
}

// Downward expansion below the threshold: gain ≤ 0 dB, slope ratio − 1 below the knee (the
// mirror image of the compressor's curve), never below −range_db.
inline float expander_gain_db(float level_db, float threshold_db, float slope, float knee_db,
                              float half_inverse_knee, float range_db) {
    const float under = threshold_db - level_db;
    const float t = clamp_0_to(under + 0.5f * knee_db, knee_db);
    const float g = -slope * (t * t * half_inverse_knee + positive_part(under - 0.5f * knee_db));
    return positive_part(g + range_db) - range_db;  // max(g, −range)
}

}  // namespace phantom::dsp
