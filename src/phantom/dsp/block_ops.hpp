// Plain per-block kernels. [audio-thread] no allocation, loops the compiler vectorises.
//
// The hot ones live in block_ops.cpp, compiled twice on x86-64 (AVX2 and the SSE2 baseline) and
// chosen once at load time by the CPU (GCC target_clones): the baseline path is always there.
// Both paths give identical results: the build passes -ffp-contract=off, so no a*b+c becomes an
// FMA.
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

// x ← dry + (x − dry)·g, a gain per frame: a crossfade from a block's dry copy to what a
// processor made of it in place (0: dry … 1: processed).
inline void crossfade_from_dry(float* x, const float* dry, const float* g, int frames) {
    for (int i = 0; i < frames; ++i)
        x[i] = dry[i] + (x[i] - dry[i]) * g[i];
}

inline float bits_to_float(std::uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

// The largest |x| as raw bits: >= kNonFiniteBits means a NaN or an Inf is in the block.
std::uint32_t max_abs_bits(const float* x, int frames);

inline bool all_finite(const float* x, int frames) {
    return max_abs_bits(x, frames) < kNonFiniteBits;
}

// Largest |x| of a block known to be finite.
inline float max_abs(const float* x, int frames) {
    return bits_to_float(max_abs_bits(x, frames));
}

// Peak (as bits) and Σx² in one pass, for meters.
struct BlockLevel {
    std::uint32_t max_abs_bits;
    float sum_of_squares;
};
BlockLevel measure(const float* x, int frames);

// Hard clip to ±limit (a converter at full scale); returns how many samples were clipped.
int hard_clip(float* x, int frames, float limit);
// hard_clip and then measure of the clipped block, in one pass: the same samples, the same count
// and `level` bit for bit what measure() would give (its eight partial sums, in its order). A
// converter's clip is followed by its meter; two passes over every channel of every block were
// 5 % of a 16-input render.
int hard_clip_measure(float* x, int frames, float limit, BlockLevel& level);

// dst += src · gain
void mix_add(const float* src, float* dst, float gain, int frames);
// left += src · gain_left; right += src · gain_right (one pass over the source)
void mix_add_stereo(const float* src, float* left, float* right, float gain_left, float gain_right,
                    int frames);
// x *= gain
void scale(float* x, float gain, int frames);

// A whole bus at once: out += Σ_k src[k] · gain[k]. Each 16-frame stretch of the output stays in
// registers across all the bus's sources; the additions happen in k order for every sample,
// exactly as k separate mix_add calls would make them.
void mix_bus_mono(const float* const* src, const float* gain, int count, float* out, int frames);
void mix_bus_stereo(const float* const* src, const float* gain_left, const float* gain_right,
                    int count, float* left, float* right, int frames);

}  // namespace phantom::dsp
