#include "phantom/dsp/block_ops.hpp"
#include "phantom/dsp/block_ops_windows.hpp"

#include <cstddef>

// Two builds of every kernel on x86-64 with GCC: AVX2 (x86-64-v3) and the baseline. Not under
// sanitizers: the ifunc resolver runs during relocation, before their runtime is ready.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
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

// Eight partial sums held in one vector, so that the sum needs no reassociation flags to
// vectorise; written as eight scalars in a loop, GCC 12 shuffled them into lanes every step
// and the meters took half of the engine's time.
PHANTOM_KERNEL BlockLevel measure(const float* x, int frames) {
    using Floats = float __attribute__((vector_size(32)));
    using Bits = std::uint32_t __attribute__((vector_size(32)));
    Floats acc{};
    Bits peak{};
    int i = 0;
    for (; i + 8 <= frames; i += 8) {
        Floats v;
        std::memcpy(&v, &x[i], sizeof v);
        Bits b;
        std::memcpy(&b, &x[i], sizeof b);
        b &= 0x7fffffffu;
        peak = b > peak ? b : peak;
        acc += v * v;
    }
    std::uint32_t m = 0;
    for (int j = 0; j < 8; ++j)
        m = peak[j] > m ? peak[j] : m;
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

PHANTOM_KERNEL int hard_clip_measure(float* x, int frames, float limit, BlockLevel& level) {
    using Floats = float __attribute__((vector_size(32)));
    using Ints = std::int32_t __attribute__((vector_size(32)));
    using Bits = std::uint32_t __attribute__((vector_size(32)));
    const Floats top = Floats{} + limit, bottom = Floats{} - limit;
    Floats acc{};
    Bits peak{};
    Ints over{};  // a comparison is -1 where true
    int i = 0;
    for (; i + 8 <= frames; i += 8) {
        Floats v;
        std::memcpy(&v, &x[i], sizeof v);
        over += (v > top) | (v < bottom);
        v = v > top ? top : v;
        v = v < bottom ? bottom : v;
        std::memcpy(&x[i], &v, sizeof v);
        Bits b;
        std::memcpy(&b, &v, sizeof b);
        b &= 0x7fffffffu;
        peak = b > peak ? b : peak;
        acc += v * v;
    }
    int clipped = 0;
    std::uint32_t m = 0;
    for (int j = 0; j < 8; ++j) {
        clipped -= over[j];
        m = peak[j] > m ? peak[j] : m;
    }
    for (; i < frames; ++i) {
        float v = x[i];
        clipped += (v > limit) | (v < -limit);
        v = v > limit ? limit : v;
        v = v < -limit ? -limit : v;
        x[i] = v;
        std::uint32_t b;
        std::memcpy(&b, &v, sizeof b);
        b &= 0x7fffffffu;
        m = b > m ? b : m;
        acc[0] += v * v;
    }
    level = {m, ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]))};
    return clipped;
}

PHANTOM_KERNEL void window_sums(const float* x, int window, int windows, float* sums) {
    int k = 0;
    for (; k + 8 <= windows; k += 8) {
        float acc[8] = {};
        const float* base = x + static_cast<std::ptrdiff_t>(k) * window;
        for (int j = 0; j < window; ++j)
            for (int l = 0; l < 8; ++l)
                acc[l] += base[static_cast<std::ptrdiff_t>(l) * window + j];
        for (int l = 0; l < 8; ++l)
            sums[k + l] = acc[l];
    }
    for (; k < windows; ++k) {
        float acc = 0.0f;
        const float* base = x + static_cast<std::ptrdiff_t>(k) * window;
        for (int j = 0; j < window; ++j)
            acc += base[j];
        sums[k] = acc;
    }
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

// Eight floats as one value: AVX registers in the x86-64-v3 build, two SSE registers in the
// baseline. Loads and stores go through memcpy (no alignment assumed).
typedef float Float8 __attribute__((vector_size(32)));

PHANTOM_KERNEL void mix_bus_mono(const float* const* src, const float* gain, int count, float* out,
                                 int frames) {
    int f = 0;
    for (; f + 16 <= frames; f += 16) {
        Float8 a0, a1;
        std::memcpy(&a0, out + f, sizeof a0);
        std::memcpy(&a1, out + f + 8, sizeof a1);
        for (int k = 0; k < count; ++k) {
            Float8 s0, s1;
            std::memcpy(&s0, src[k] + f, sizeof s0);
            std::memcpy(&s1, src[k] + f + 8, sizeof s1);
            const Float8 g = Float8{} + gain[k];
            a0 += s0 * g;
            a1 += s1 * g;
        }
        std::memcpy(out + f, &a0, sizeof a0);
        std::memcpy(out + f + 8, &a1, sizeof a1);
    }
    for (; f < frames; ++f) {
        float acc = out[f];
        for (int k = 0; k < count; ++k)
            acc += src[k][f] * gain[k];
        out[f] = acc;
    }
}

PHANTOM_KERNEL void mix_bus_stereo(const float* const* src, const float* gain_left,
                                   const float* gain_right, int count, float* left, float* right,
                                   int frames) {
    int f = 0;
    for (; f + 16 <= frames; f += 16) {
        Float8 l0, l1, r0, r1;
        std::memcpy(&l0, left + f, sizeof l0);
        std::memcpy(&l1, left + f + 8, sizeof l1);
        std::memcpy(&r0, right + f, sizeof r0);
        std::memcpy(&r1, right + f + 8, sizeof r1);
        for (int k = 0; k < count; ++k) {
            Float8 s0, s1;
            std::memcpy(&s0, src[k] + f, sizeof s0);
            std::memcpy(&s1, src[k] + f + 8, sizeof s1);
            const Float8 gl = Float8{} + gain_left[k], gr = Float8{} + gain_right[k];
            l0 += s0 * gl;
            l1 += s1 * gl;
            r0 += s0 * gr;
            r1 += s1 * gr;
        }
        std::memcpy(left + f, &l0, sizeof l0);
        std::memcpy(left + f + 8, &l1, sizeof l1);
        std::memcpy(right + f, &r0, sizeof r0);
        std::memcpy(right + f + 8, &r1, sizeof r1);
    }
    for (; f < frames; ++f) {
        float l = left[f], r = right[f];
        for (int k = 0; k < count; ++k) {
            l += src[k][f] * gain_left[k];
            r += src[k][f] * gain_right[k];
        }
        left[f] = l;
        right[f] = r;
    }
}

}  // namespace phantom::dsp
