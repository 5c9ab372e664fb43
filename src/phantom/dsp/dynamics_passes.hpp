// The vectorisable passes shared by the compressor and the expander: a chunk's peak level in
// dB through a static curve, and a chunk's gain in dB applied to the samples. Only the
// smoothing between them (a recursion, one frame after the other) differs between the two.
// [audio-thread] Header-only and inline, so that each loop stays one the compiler vectorises.
#pragma once

#include <cmath>

#include "phantom/dsp/fast_math.hpp"

namespace phantom::dsp::dynamics {

// −200 dBFS: the detector's floor, so silence does not take the logarithm of zero.
inline constexpr float kLevelFloor = 1e-10f;

// db[i] = curve(peak level of frame i in dBFS); with x1 (a linked pair) the louder channel.
template <typename Curve>
inline void target_gains_db(const float* x0, const float* x1, int n, float* db, Curve curve) {
    for (int i = 0; i < n; ++i)
        db[i] = std::fabs(x0[i]);
    if (x1 != nullptr)
        // max(a, b) without a branch: (a + b + |a − b|) / 2.
        for (int i = 0; i < n; ++i)
            db[i] = 0.5f * (db[i] + std::fabs(x1[i]) + std::fabs(db[i] - std::fabs(x1[i])));
    for (int i = 0; i < n; ++i)
        db[i] = curve(kDbPerLog2 * fast_log2(db[i] + kLevelFloor));
}

// Multiplies x0 (and x1, when not null) by the gains db[i] given in dB; db is overwritten.
inline void apply_gains_db(float* x0, float* x1, int n, float* db) {
    for (int i = 0; i < n; ++i)
        db[i] = fast_exp2(db[i] * (1.0f / kDbPerLog2));
    for (int i = 0; i < n; ++i)
        x0[i] *= db[i];
    if (x1 != nullptr)
        for (int i = 0; i < n; ++i)
            x1[i] *= db[i];
}

}  // namespace phantom::dsp::dynamics
