// Memory flat in a file's length, with many channels (issue 20: a 2-hour 8-channel 96 kHz file
// as a source and as a recording). What a stream or a recorder holds is fixed when it is made
// and does not grow as it runs, so a file ten times longer costs the same; bench/long_files.sh
// measures the process's RSS at 1 minute to 2 hours. Short files here: the sizes are compared,
// not the lengths reached.
#include <gtest/gtest.h>
#include <sndfile.h>

#include <string>
#include <vector>

#include "phantom/io/file_recorder.hpp"
#include "phantom/io/file_stream.hpp"
#include "test_signals.hpp"

namespace phantom::io {
namespace {

constexpr int kChannels = 8;
constexpr int kRate = 96000;

// An 8-channel 24-bit 96 kHz WAV of `seconds` of noise.
std::string eight_channel_file(const std::string& dir, const std::string& name, int seconds) {
    const std::string path = dir + name + ".wav";
    SF_INFO info{};
    info.samplerate = kRate;
    info.channels = kChannels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_24;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
    const auto x = test::noise(static_cast<size_t>(kRate) * kChannels, 5, 0.5f);  // one second
    for (int s = 0; s < seconds; ++s)
        sf_writef_float(f, x.data(), kRate);
    sf_close(f);
    return path;
}

// Streams `stream` to its end as the render does (refill, take a block), and returns how many
// frames came.
size_t drain(FileStream& stream) {
    std::vector<float> block(1024);
    size_t total = 0;
    for (;;) {
        stream.refill();
        const size_t got = stream.samples()->ring.read(block.data(), block.size());
        total += got;
        if (got == 0 && stream.ended()) return total;
    }
}

TEST(FlatMemory, AnEightChannelSourceHoldsTheSameWhateverItsLength) {
    const std::string dir = test::temp_dir("flat-memory");
    const std::string short_path = eight_channel_file(dir, "short", 1);
    const std::string long_path = eight_channel_file(dir, "long", 6);
    for (const std::uint32_t ring_rate : {std::uint32_t{96000}, std::uint32_t{48000}}) {
        for (int c = 0; c < kChannels; ++c) {
            FileStream short_stream(short_path, c, false, ring_rate, ring_rate);
            FileStream long_stream(long_path, c, false, ring_rate, ring_rate);
            const size_t held = long_stream.buffer_bytes();
            EXPECT_EQ(short_stream.buffer_bytes(), held) << "channel " << c << " at " << ring_rate;
            // A second of ring, one chunk of all 8 channels' raw bytes, one chunk of the channel
            // (two when converting): nowhere near the file (16 MB here, 16.6 GB for 2 hours).
            const size_t chunk = FileStream::kChunkFrames;
            EXPECT_LE(held, (ring_rate + 2 * chunk) * sizeof(float) + chunk * kChannels * 3 +
                                kRawSlackBytes);
            // Played to its end, it holds no more than when it started.
            const size_t expected_frames = ring_rate == 96000 ? 6u * 96000 : 6u * 48000;
            EXPECT_EQ(drain(long_stream), expected_frames) << "channel " << c;
            EXPECT_FALSE(long_stream.failed()) << long_stream.failure();
            EXPECT_EQ(long_stream.buffer_bytes(), held);
        }
    }
}

TEST(FlatMemory, AnEightChannelRecordingHoldsTheSameWhateverItsLength) {
    const std::string dir = test::temp_dir("flat-memory");
    const auto x = test::noise(1000, 9);
    std::vector<const float*> channels(kChannels, x.data());
    size_t after_one_second = 0;
    FileRecorder recorder(dir + "take.wav", kChannels, kRate, 24);
    for (int block = 0; block < 10 * kRate / 1000; ++block) {
        recorder.write(channels.data(), 1000);
        if (block + 1 == kRate / 1000) after_one_second = recorder.buffer_bytes();
    }
    EXPECT_EQ(recorder.buffer_bytes(), after_one_second);  // after 10 s as after 1 s
    EXPECT_LE(recorder.buffer_bytes(), size_t{32768} * kChannels * sizeof(float));  // one flush
    recorder.commit();
    SF_INFO info{};
    SNDFILE* f = sf_open((dir + "take.wav").c_str(), SFM_READ, &info);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(info.frames, 10 * kRate);
    EXPECT_EQ(info.channels, kChannels);
    sf_close(f);
}

}  // namespace
}  // namespace phantom::io
