// One channel of a file's raw interleaved samples, decoded to float as libsndfile's normalised
// float read (SFC_SET_NORM_FLOAT) makes them, bit for bit: a 16-bit sample divided by 2^15, a
// 24- or 32-bit one (as the top bits of a 32-bit integer) by 2^31, a float as it is.
//
// Why not sf_readf_float: libsndfile converts 24-bit PCM one byte at a time through a small
// buffer, about 6 ns a sample here; reading the bytes (sf_read_raw) and converting them with a
// plain loop (one 32-bit load, a shift and a multiply a sample) is 4-5x faster, packed loads or
// a byte shuffle for mono files faster still (pcm_decode.cpp), and picking one
// channel out of many happens in the same pass instead of a second copy. On a 16-input render that
// was most of the read-ahead thread's time (docs/benchmarks.md, "render_vs_sox.sh"). Only WAV,
// WAVEX, RF64 and W64 data that needs no byte swap is read raw; anything else (FLAC, AIFF, 8-bit,
// doubles) keeps sf_readf_float.
//
// [any-thread] pure functions.
#pragma once

#include <cstddef>

namespace phantom::io {

enum class RawSamples { None, Pcm16, Pcm24, Pcm32, Float32 };

// What a file of this libsndfile format (SF_INFO::format) can be read as; None when its data
// needs a byte swap (`needs_endswap`, SFC_RAW_DATA_NEEDS_ENDSWAP) or its samples are another kind.
RawSamples raw_samples_of(int sf_format, bool needs_endswap);
size_t raw_bytes_per_sample(RawSamples kind);

// Decodes `frames` frames of `channel` (0-based) out of `channels` interleaved into `out`.
// `raw` must have 4 bytes readable past the last frame's last sample (24-bit samples are loaded
// 4 bytes at a time): allocate raw buffers with kRawSlackBytes more.
inline constexpr size_t kRawSlackBytes = 4;
void decode_channel(RawSamples kind, const unsigned char* raw, int channels, int channel,
                    float* out, size_t frames);

}  // namespace phantom::io
