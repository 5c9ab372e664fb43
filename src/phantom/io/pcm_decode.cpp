#include "phantom/io/pcm_decode.hpp"

#include <sndfile.h>

#include <bit>
#include <cstdint>
#include <cstring>

// Two builds on x86-64 with GCC, as dsp/block_ops.cpp does (AVX2 and the baseline, picked at
// load time); not under sanitizers, whose runtime is not ready when the ifunc resolver runs.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_THREAD__) && !defined(__SANITIZE_ADDRESS__)
#define PHANTOM_DECODE_KERNEL __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define PHANTOM_DECODE_KERNEL
#endif

namespace phantom::io {

namespace {

constexpr float kScale15 = 1.0f / 32768.0f;       // libsndfile's normfact for 16 bits
constexpr float kScale31 = 1.0f / 2147483648.0f;  // and for 24 and 32 bits (as top bits)

// One sample a `stride` apart: a Word loaded, shifted left by kShift bits as a 32-bit integer,
// scaled. A 24-bit sample is loaded with the next byte as a 32-bit word: shifting left by 8 drops
// that byte and puts the sample's sign bit on top, as libsndfile's (b0 << 8 | b1 << 16 | b2 << 24)
// does. Inlined into each kernel below, so each build (AVX2, baseline) has its own copy: the loads
// stay scalar (the stride is the frame size), the conversion and the scaling are packed four at a
// time.
template <typename Word, int kShift>
inline void decode_words(const unsigned char* raw, size_t stride, float* out, size_t frames,
                         float scale) {
    for (size_t i = 0; i < frames; ++i) {
        Word w;
        std::memcpy(&w, raw + i * stride, sizeof w);
        const auto bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(w)) << kShift;
        out[i] = static_cast<float>(static_cast<std::int32_t>(bits)) * scale;
    }
}

PHANTOM_DECODE_KERNEL void decode16(const unsigned char* raw, size_t stride, float* out,
                                    size_t frames) {
    decode_words<std::int16_t, 0>(raw, stride, out, frames, kScale15);
}

PHANTOM_DECODE_KERNEL void decode24(const unsigned char* raw, size_t stride, float* out,
                                    size_t frames) {
    decode_words<std::uint32_t, 8>(raw, stride, out, frames, kScale31);
}

PHANTOM_DECODE_KERNEL void decode32(const unsigned char* raw, size_t stride, float* out,
                                    size_t frames) {
    decode_words<std::int32_t, 0>(raw, stride, out, frames, kScale31);
}

// Mono files: the stride is the sample's own width, known here, so the loads are contiguous and
// the compiler packs them as well (16- and 32-bit). Mono 24-bit samples are three bytes apart,
// which no load packs: four at a time, their twelve bytes are spread into the top three bytes of
// four 32-bit words by one byte shuffle (pshufb in the AVX2 build), which is the word
// decode_words' load and shift makes, so the floats are the same bit for bit. The sixteen-byte
// load reads four bytes past the fourth sample: kRawSlackBytes.
PHANTOM_DECODE_KERNEL void decode16_mono(const unsigned char* raw, float* out, size_t frames) {
    decode_words<std::int16_t, 0>(raw, 2, out, frames, kScale15);
}

PHANTOM_DECODE_KERNEL void decode24_mono(const unsigned char* raw, float* out, size_t frames) {
    using Bytes = unsigned char __attribute__((vector_size(16)));
    using Ints = std::int32_t __attribute__((vector_size(16)));
    using Floats = float __attribute__((vector_size(16)));
    size_t i = 0;
    for (; i + 4 <= frames; i += 4) {
        Bytes bytes;
        std::memcpy(&bytes, raw + 3 * i, sizeof bytes);
        // Index 16 is the first byte of the second operand: a zero.
        const Bytes words = __builtin_shufflevector(bytes, Bytes{}, 16, 0, 1, 2, 16, 3, 4, 5, 16, 6,
                                                    7, 8, 16, 9, 10, 11);
        Ints ints;
        std::memcpy(&ints, &words, sizeof ints);
        const Floats f = __builtin_convertvector(ints, Floats) * kScale31;
        std::memcpy(out + i, &f, sizeof f);
    }
    decode_words<std::uint32_t, 8>(raw + 3 * i, 3, out + i, frames - i, kScale31);
}

PHANTOM_DECODE_KERNEL void decode32_mono(const unsigned char* raw, float* out, size_t frames) {
    decode_words<std::int32_t, 0>(raw, 4, out, frames, kScale31);
}

PHANTOM_DECODE_KERNEL void decode_float(const unsigned char* raw, size_t stride, float* out,
                                        size_t frames) {
    if (stride == sizeof(float)) {
        std::memcpy(out, raw, frames * sizeof(float));
        return;
    }
    for (size_t i = 0; i < frames; ++i)
        std::memcpy(&out[i], raw + i * stride, sizeof(float));
}

}  // namespace

RawSamples raw_samples_of(int sf_format, bool needs_endswap) {
    if (needs_endswap || std::endian::native != std::endian::little) return RawSamples::None;
    // Containers whose data chunk is the samples themselves, little-endian (FLAC, Ogg and the
    // like report a PCM subtype too, but their bytes are compressed).
    switch (sf_format & SF_FORMAT_TYPEMASK) {
        case SF_FORMAT_WAV:
        case SF_FORMAT_WAVEX:
        case SF_FORMAT_RF64:
        case SF_FORMAT_W64:
            break;
        default:
            return RawSamples::None;
    }
    switch (sf_format & SF_FORMAT_SUBMASK) {
        case SF_FORMAT_PCM_16:
            return RawSamples::Pcm16;
        case SF_FORMAT_PCM_24:
            return RawSamples::Pcm24;
        case SF_FORMAT_PCM_32:
            return RawSamples::Pcm32;
        case SF_FORMAT_FLOAT:
            return RawSamples::Float32;
        default:
            return RawSamples::None;
    }
}

size_t raw_bytes_per_sample(RawSamples kind) {
    switch (kind) {
        case RawSamples::Pcm16:
            return 2;
        case RawSamples::Pcm24:
            return 3;
        case RawSamples::Pcm32:
        case RawSamples::Float32:
            return 4;
        case RawSamples::None:
            break;
    }
    return 0;
}

void decode_channel(RawSamples kind, const unsigned char* raw, int channels, int channel,
                    float* out, size_t frames) {
    const size_t width = raw_bytes_per_sample(kind);
    const size_t stride = width * static_cast<size_t>(channels);
    const unsigned char* first = raw + width * static_cast<size_t>(channel);
    const bool mono = channels == 1;
    switch (kind) {
        case RawSamples::Pcm16:
            mono ? decode16_mono(first, out, frames) : decode16(first, stride, out, frames);
            break;
        case RawSamples::Pcm24:
            mono ? decode24_mono(first, out, frames) : decode24(first, stride, out, frames);
            break;
        case RawSamples::Pcm32:
            mono ? decode32_mono(first, out, frames) : decode32(first, stride, out, frames);
            break;
        case RawSamples::Float32:
            decode_float(first, stride, out, frames);
            break;
        case RawSamples::None:
            break;
    }
}

}  // namespace phantom::io
