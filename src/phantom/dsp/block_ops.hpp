// Plain per-block kernels. [audio-thread] no allocation, loops the compiler vectorises.
//
// Peak and finiteness come from one integer pass: with the sign bit cleared, the IEEE-754 bits
// of a float order like its magnitude, and NaN/Inf are exactly the patterns >= 0x7f800000.
// (std::fmax with its NaN rules does not vectorise without fast-math.)
#pragma once

#include <cstdint>
#include <cstring>

namespace phantom::dsp {

inline constexpr std::uint32_t kNonFiniteBits = 0x7f800000u;

inline void clear(float* out, int frames) {
    std::memset(out, 0, static_cast<size_t>(frames) * sizeof(float));
}

inline void copy(const float* in, float* out, int frames) {
    std::memcpy(out, in, static_cast<size_t>(frames) * sizeof(float));
}

// The largest |x| as raw bits: >= kNonFiniteBits means a NaN or an Inf is in the block.
inline std::uint32_t max_abs_bits(const float* x, int frames) {
    std::uint32_t m = 0;
    for (int i = 0; i < frames; ++i) {
        std::uint32_t b;
        std::memcpy(&b, &x[i], sizeof b);
        b &= 0x7fffffffu;
        m = b > m ? b : m;
    }
    return m;
}

inline float bits_to_float(std::uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

inline bool all_finite(const float* x, int frames) {
    return max_abs_bits(x, frames) < kNonFiniteBits;
}

// Largest |x| of a block known to be finite.
inline float max_abs(const float* x, int frames) {
    return bits_to_float(max_abs_bits(x, frames));
}

// Hard clip to ±limit (a converter at full scale); returns how many samples were clipped.
inline int hard_clip(float* x, int frames, float limit) {
    int clipped = 0;
    for (int i = 0; i < frames; ++i) {
        float v = x[i];
        clipped += (v > limit) | (v < -limit);
        v = v > limit ? limit : v;
        v = v < -limit ? -limit : v;
        x[i] = v;
    }
    return clipped;
}

// Σx², in eight independent partial sums so the loop vectorises without reassociation flags.
inline float sum_of_squares(const float* x, int frames) {
    float acc[8] = {};
    int i = 0;
    for (; i + 8 <= frames; i += 8)
        for (int j = 0; j < 8; ++j)
            acc[j] += x[i + j] * x[i + j];
    for (; i < frames; ++i)
        acc[0] += x[i] * x[i];
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

}  // namespace phantom::dsp
