// Plain per-block kernels. [audio-thread] no allocation, loops the compiler vectorises.
#pragma once

#include <cmath>
#include <cstring>

namespace phantom::dsp {

inline void clear(float* out, int frames) {
    std::memset(out, 0, static_cast<size_t>(frames) * sizeof(float));
}

inline void copy(const float* in, float* out, int frames) {
    std::memcpy(out, in, static_cast<size_t>(frames) * sizeof(float));
}

// Largest |x|; NaN propagates through the comparison as "not finite" for the caller.
inline float max_abs(const float* x, int frames) {
    float m = 0.0f;
    for (int i = 0; i < frames; ++i)
        m = std::fmax(m, std::fabs(x[i]));
    return m;
}

// Any NaN or Inf in the block. fmax drops NaN, so it gets its own sum-based test.
inline bool all_finite(const float* x, int frames) {
    float acc = 0.0f;
    for (int i = 0; i < frames; ++i)
        acc += x[i] * 0.0f;  // NaN or Inf turns this NaN
    return acc == 0.0f;
}

// Hard clip to ±limit (a converter at full scale); returns how many samples were clipped.
inline int hard_clip(float* x, int frames, float limit) {
    int clipped = 0;
    for (int i = 0; i < frames; ++i) {
        float v = x[i];
        clipped += (v > limit) | (v < -limit);
        x[i] = std::fmin(std::fmax(v, -limit), limit);
    }
    return clipped;
}

}  // namespace phantom::dsp
