// Raw decoding (pcm_decode.hpp): a streamed file's samples are the file's integers divided by
// 2^(bits-1), exactly, and the same floats libsndfile's own normalised read gives, for 16-,
// 24- and 32-bit PCM and float, mono and interleaved, across chunk boundaries; files that are
// not raw little-endian samples (FLAC, AIFF) still read through libsndfile.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "phantom/io/file_stream.hpp"
#include "phantom/io/pcm_decode.hpp"
#include "test_signals.hpp"

namespace phantom::io {
namespace {

// Longer than two chunks, and not a multiple of one.
constexpr size_t kFrames = 2 * FileStream::kChunkFrames + 1234;

// Integers at full `bits`, the extremes first, then random; channel c of frame f.
std::vector<std::int32_t> pcm_values(int channels, int bits, std::uint32_t seed) {
    // In 64 bits: at 32 bits, 1 << 31 and -top - 1 overflow an int32 (UBSan found it).
    const std::int64_t range_top = (std::int64_t{1} << (bits - 1)) - 1;
    const auto top = static_cast<std::int32_t>(range_top);
    const auto bottom = static_cast<std::int32_t>(-range_top - 1);
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::int32_t> d(bottom, top);
    std::vector<std::int32_t> v(kFrames * static_cast<size_t>(channels));
    for (size_t i = 0; i < v.size(); ++i)
        v[i] = i == 0 ? bottom : i == 1 ? top : i == 2 ? 0 : d(rng);
    return v;
}

// Writes `values` (at `bits`) as a file of `format`, through sf_writef_int with the values in
// the top bits, as libsndfile takes ints.
std::string write_pcm(const std::string& path, int format, int channels, int bits,
                      const std::vector<std::int32_t>& values) {
    SF_INFO info{};
    info.samplerate = 48000;
    info.channels = channels;
    info.format = format;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
    std::vector<int> top_bits(values.size());
    for (size_t i = 0; i < values.size(); ++i)
        top_bits[i] = static_cast<int>(static_cast<std::uint32_t>(values[i]) << (32 - bits));
    EXPECT_EQ(sf_writef_int(f, top_bits.data(), static_cast<sf_count_t>(kFrames)),
              static_cast<sf_count_t>(kFrames));
    sf_close(f);
    return path;
}

// The whole channel through a FileStream, refilled as the render does.
std::vector<float> stream_channel(const std::string& path, int channel) {
    FileStream stream(path, channel, /*loop=*/false, 8192);
    std::vector<float> out;
    std::vector<float> block(1024);
    while (out.size() < kFrames) {
        stream.refill();
        const size_t got = stream.samples()->ring.read(block.data(), block.size());
        out.insert(out.end(), block.begin(), block.begin() + static_cast<long>(got));
        if (got == 0 && stream.ended()) break;
    }
    EXPECT_FALSE(stream.failed()) << stream.failure();
    return out;
}

// libsndfile's own normalised float read of one channel.
std::vector<float> libsndfile_channel(const std::string& path, int channel) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    EXPECT_NE(f, nullptr);
    sf_command(f, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
    std::vector<float> all(static_cast<size_t>(info.frames * info.channels));
    sf_readf_float(f, all.data(), info.frames);
    sf_close(f);
    std::vector<float> out;
    for (size_t i = static_cast<size_t>(channel); i < all.size(); i += info.channels)
        out.push_back(all[i]);
    return out;
}

struct Case {
    const char* name;
    int format;
    int bits;
    int channels;
};

class PcmDecode : public testing::TestWithParam<Case> {};

TEST_P(PcmDecode, EqualsTheIntegersScaledAndLibsndfilesOwnRead) {
    const Case c = GetParam();
    const std::string dir = test::temp_dir("pcm-decode");
    const auto values = pcm_values(c.channels, c.bits, 7);
    const std::string path = write_pcm(dir + c.name, c.format, c.channels, c.bits, values);
    const double scale = std::ldexp(1.0, -(c.bits - 1));
    for (int ch = 0; ch < c.channels; ++ch) {
        const auto got = stream_channel(path, ch);
        const auto reference = libsndfile_channel(path, ch);
        ASSERT_EQ(got.size(), kFrames);
        ASSERT_EQ(reference.size(), kFrames);
        for (size_t f = 0; f < kFrames; ++f) {
            const double v = values[f * static_cast<size_t>(c.channels) + static_cast<size_t>(ch)];
            // Exact for 16 and 24 bits; a 32-bit integer rounds to float first, as libsndfile's.
            ASSERT_EQ(got[f], static_cast<float>(static_cast<float>(v) * scale))
                << c.name << " channel " << ch << " frame " << f;
            ASSERT_EQ(got[f], reference[f]) << c.name << " channel " << ch << " frame " << f;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Formats, PcmDecode,
    testing::Values(Case{"wav16_mono.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16, 1},
                    Case{"wav24_mono.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 24, 1},
                    Case{"wav32_mono.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_32, 32, 1},
                    Case{"wav24_3ch.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, 24, 3},
                    Case{"rf64_16_2ch.wav", SF_FORMAT_RF64 | SF_FORMAT_PCM_16, 16, 2},
                    Case{"w64_32_5ch.w64", SF_FORMAT_W64 | SF_FORMAT_PCM_32, 32, 5},
                    Case{"wavex24_8ch.wav", SF_FORMAT_WAVEX | SF_FORMAT_PCM_24, 24, 8},
                    // Not raw little-endian samples: libsndfile decodes them.
                    Case{"flac24_2ch.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 24, 2},
                    Case{"aiff24_2ch.aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_24, 24, 2}),
    [](const testing::TestParamInfo<Case>& param) {
        std::string n = param.param.name;
        return n.substr(0, n.find('.'));
    });

TEST(PcmDecode, FloatFilesOfManyChannelsArePickedApartAsTheyAre) {
    const std::string dir = test::temp_dir("pcm-decode");
    const std::string path = dir + "float4.wav";
    SF_INFO info{};
    info.samplerate = 48000;
    info.channels = 4;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    const auto x = test::noise(kFrames * 4, 11, 1.5f);  // over full scale: never clipped
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    ASSERT_NE(f, nullptr);
    sf_writef_float(f, x.data(), static_cast<sf_count_t>(kFrames));
    sf_close(f);
    for (int ch = 0; ch < 4; ++ch) {
        const auto got = stream_channel(path, ch);
        ASSERT_EQ(got.size(), kFrames);
        for (size_t i = 0; i < kFrames; ++i)
            ASSERT_EQ(got[i], x[i * 4 + static_cast<size_t>(ch)]) << "channel " << ch;
    }
}

TEST(PcmDecode, OnlyUncompressedLittleEndianContainersAreReadRaw) {
    EXPECT_EQ(raw_samples_of(SF_FORMAT_WAV | SF_FORMAT_PCM_24, false), RawSamples::Pcm24);
    EXPECT_EQ(raw_samples_of(SF_FORMAT_WAV | SF_FORMAT_PCM_24, true), RawSamples::None);
    EXPECT_EQ(raw_samples_of(SF_FORMAT_FLAC | SF_FORMAT_PCM_24, false), RawSamples::None);
    EXPECT_EQ(raw_samples_of(SF_FORMAT_WAV | SF_FORMAT_PCM_U8, false), RawSamples::None);
    EXPECT_EQ(raw_samples_of(SF_FORMAT_WAV | SF_FORMAT_DOUBLE, false), RawSamples::None);
}

}  // namespace
}  // namespace phantom::io
