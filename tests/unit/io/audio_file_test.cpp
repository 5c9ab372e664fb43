// Reading whole audio files: float samples exactly as stored, another sample rate converted
// (never played at the wrong speed), an unreadable file refused with its path.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "phantom/io/audio_file.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::io {
namespace {

class AudioFileTest : public testing::Test {
  protected:
    std::string dir = test::temp_dir("audio-file");
};

TEST_F(AudioFileTest, ReadsFloatFilesExactly) {
    std::vector<float> x = {0.0f, 0.25f, -1.0f, 1.0f, 1e-3f, -0.5f};
    test::write_wav(dir + "x.wav", {x}, 48000);
    AudioData d = read_audio_file(dir + "x.wav", 48000);
    ASSERT_EQ(d.channels.size(), 1u);
    EXPECT_EQ(d.channels[0], x);
}

TEST_F(AudioFileTest, ConvertsTheSampleRateInsteadOfPlayingAtTheWrongSpeed) {
    // 1 s of 1 kHz at 44.1 kHz → 48000 frames of 1 kHz at 48 kHz.
    std::vector<float> x(44100);
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = 0.5f * static_cast<float>(std::sin(2 * M_PI * 1000 * i / 44100.0));
    test::write_wav(dir + "441.wav", {x}, 44100);
    AudioData d = read_audio_file(dir + "441.wav", 48000);
    EXPECT_EQ(d.file_rate_hz, 44100u);
    EXPECT_NEAR(static_cast<double>(d.frames()), 48000, 2);
    // Away from the edges it is the same sine, at 48 kHz.
    for (size_t i = 1000; i < 47000; i += 997)
        EXPECT_NEAR(d.channels[0][i], 0.5 * std::sin(2 * M_PI * 1000 * i / 48000.0), 2e-3) << i;
}

TEST_F(AudioFileTest, RefusesUnreadableFilesWithThePath) {
    std::FILE* f = std::fopen((dir + "junk.wav").c_str(), "wb");
    std::fputs("this is not audio", f);
    std::fclose(f);
    try {
        read_audio_file(dir + "junk.wav", 48000);
        FAIL();
    } catch (const AudioFileError& e) {
        EXPECT_NE(std::string(e.what()).find("junk.wav: cannot read audio file"), std::string::npos)
            << e.what();
    }
    EXPECT_THROW(read_audio_file(dir + "missing.wav", 48000), AudioFileError);
}

}  // namespace
}  // namespace phantom::io
