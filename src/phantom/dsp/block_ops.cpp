#include "phantom/dsp/block_ops.hpp"

// Two builds of every kernel on x86-64 with GCC: AVX2 (x86-64-v3) and the baseline.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PHANTOM_KERNEL __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PHANTOM_KERNEL
#endif

namespace phantom::dsp {

PHANTOM_KERNEL std::uint32_t max_abs_bits(const float* x, int frames) {
    std::uint32_t m = 0;
    for (int i = 0; i < frames; ++i) {
        std::uint32_t b;
        std::memcpy(&b, &x[i], sizeof b);
        b &= 0x7fffffffu;
        m = b > m ? b : m;
    }
    return m;
}

// Eight partial sums so the loop vectorises without reassociation flags.
PHANTOM_KERNEL BlockLevel measure(const float* x, int frames) {
    std::uint32_t m = 0;
    float acc[8] = {};
    int i = 0;
    for (; i + 8 <= frames; i += 8) {
        for (int j = 0; j < 8; ++j) {
            std::uint32_t b;
            std::memcpy(&b, &x[i + j], sizeof b);
            b &= 0x7fffffffu;
            m = b > m ? b : m;
            acc[j] += x[i + j] * x[i + j];
        }
    }
    for (; i < frames; ++i) {
        std::uint32_t b;
        std::memcpy(&b, &x[i], sizeof b);
        b &= 0x7fffffffu;
        m = b > m ? b : m;
        acc[0] += x[i] * x[i];
    }
    return {m, ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))};
}

PHANTOM_KERNEL int hard_clip(float* x, int frames, float limit) {
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

PHANTOM_KERNEL void mix_add(const float* src, float* dst, float gain, int frames) {
    for (int i = 0; i < frames; ++i)
        dst[i] += src[i] * gain;
}

PHANTOM_KERNEL void mix_add_stereo(const float* src, float* left, float* right, float gain_left,
                                   float gain_right, int frames) {
    for (int i = 0; i < frames; ++i) {
        left[i] += src[i] * gain_left;
        right[i] += src[i] * gain_right;
    }
}

PHANTOM_KERNEL void scale(float* x, float gain, int frames) {
    for (int i = 0; i < frames; ++i)
        x[i] *= gain;
}

}  // namespace phantom::dsp
