// A file at another rate converted as it streams: the same samples as zita-resampler converting
// the whole file in one call with the same filter (computed here, apart from the streaming
// code), a looping file as if the converter had been given the file over and over,
// a 1 kHz sine at its level with its images and aliases below the converter's stated rejection,
// and buffers whose size does not depend on the file's length.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstdio>
#include <vector>

#include "phantom/analog/signal_source.hpp"
#include "phantom/io/audio_file.hpp"
#include "phantom/io/file_stream.hpp"
#include "test_signals.hpp"
#include "wav.hpp"
#include "whole_file_conversion.hpp"

namespace phantom::io {
namespace {

analog::SourceSpec file_spec(const std::string& path) {
    analog::SourceSpec spec;
    spec.signal = analog::SignalKind::File;
    spec.path = path;
    return spec;
}

// Plays `frames` in blocks of `block`, refilling before each block as the offline render does.
std::vector<float> play(FileStream& stream, analog::SignalSource& signal, size_t frames,
                        int block) {
    std::vector<float> out(frames + static_cast<size_t>(block));
    for (size_t done = 0; done < frames; done += static_cast<size_t>(block)) {
        stream.refill();
        signal.render(out.data() + done, block);
    }
    out.resize(frames);
    return out;
}

// The amplitude and phase of `x` at `hz` (rate `rate_hz`), a rectangular window: exact for
// frequencies with a whole number of cycles in the window.
std::complex<double> dft_at(const float* x, size_t n, double hz, double rate_hz) {
    std::complex<double> sum = 0, phasor = 1;
    const std::complex<double> step = std::polar(1.0, -2.0 * M_PI * hz / rate_hz);
    for (size_t i = 0; i < n; ++i) {
        sum += static_cast<double>(x[i]) * phasor;
        phasor *= step;
    }
    return sum * (2.0 / static_cast<double>(n));
}

TEST(StreamedConversion, EqualsAWholeFileConversionSampleForSample) {
    const std::string dir = test::temp_dir("streamed-src");
    // Several read chunks long, with an awkward block and a ring smaller than one chunk, on the
    // second channel of a stereo file (the de-interleaving path).
    const size_t frames = 3 * FileStream::kChunkFrames + 777;
    const auto left = test::noise(frames, 11), right = test::noise(frames, 12);
    const std::string path = dir + "stereo44k.wav";
    test::write_wav(path, {left, right}, 44100);
    for (std::uint32_t rate : {48000u, 96000u, 32000u}) {
        SCOPED_TRACE(rate);
        const auto expected = test::whole_file_conversion(right, 44100, rate);
        FileStream stream(path, 1, /*loop=*/false, 4000, rate);
        ASSERT_TRUE(stream.converts());
        analog::SignalSource signal(file_spec(path), rate, stream.samples());
        const auto out = play(stream, signal, expected.size() + 2000, 253);
        for (size_t i = 0; i < expected.size(); ++i)
            ASSERT_EQ(out[i], expected[i]) << "frame " << i << " of " << expected.size();
        for (size_t i = expected.size(); i < out.size(); ++i)
            ASSERT_EQ(out[i], 0.0f) << "after the end, frame " << i;
        EXPECT_TRUE(stream.ended());
        EXPECT_FALSE(stream.failed());
        EXPECT_EQ(stream.samples()->starved_frames.load(), 0u);
        EXPECT_NEAR(static_cast<double>(stream.length_frames()),
                    static_cast<double>(expected.size()), 1.0);
    }
}

TEST(StreamedConversion, ALoopContinuesTheConverterAcrossTheLoopPoint) {
    const std::string dir = test::temp_dir("streamed-src");
    const auto x = test::noise(20000, 21);
    const std::string path = test::wav_file(dir, "loop44k", x, 44100);
    // The rule: the converter is never reset at the loop point, so a looping file is converted
    // as the file given over and over would be, with no restart or flush at the seam.
    std::vector<float> repeated;
    for (int k = 0; k < 4; ++k)
        repeated.insert(repeated.end(), x.begin(), x.end());
    const double ratio = 48000 / 44100.0;
    const auto expected = test::whole_file_conversion(repeated, 44100, 48000);
    FileStream stream(path, 0, /*loop=*/true, 3000, 48000);
    analog::SignalSource signal(file_spec(path), 48000, stream.samples());
    // Three loops' worth: well before the reference's own end, where it flushes.
    const size_t n = static_cast<size_t>(3 * 20000 * ratio);
    const auto out = play(stream, signal, n, 500);
    for (size_t i = 0; i < n; ++i)
        ASSERT_EQ(out[i], expected[i]) << i;
    EXPECT_FALSE(stream.ended());
    EXPECT_EQ(stream.samples()->starved_frames.load(), 0u);
}

TEST(StreamedConversion, A1kHzSineArrivesAtItsLevelWithImagesBelowTheStatedRejection) {
    const std::string dir = test::temp_dir("streamed-src");
    constexpr double kAmplitude = 0.5, kToneHz = 1000;
    std::vector<float> x(2 * 44100);
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(kAmplitude * std::sin(2 * M_PI * kToneHz * i / 44100.0));
    const std::string path = test::wav_file(dir, "sine44k", x, 44100);
    FileStream stream(path, 0, /*loop=*/false, 48000, 48000);
    analog::SignalSource signal(file_spec(path), 48000, stream.samples());
    const auto out = play(stream, signal, 90000, 256);
    // One second away from the ends: 1 Hz bins, the tone on a bin, no leakage from it.
    const float* window = out.data() + 24000;
    constexpr size_t kN = 48000;
    const std::complex<double> tone = dft_at(window, kN, kToneHz, 48000);
    const double level_db = 20 * std::log10(std::abs(tone) / kAmplitude);
    // Everything that is not the tone: the converter's images, aliases and noise.
    std::vector<double> residual(kN);
    for (size_t i = 0; i < kN; ++i)
        residual[i] = window[i] - std::abs(tone) * std::sin(2 * M_PI * kToneHz * i / 48000.0 +
                                                            std::arg(tone) + M_PI / 2);
    double residual_power = 0;
    for (double r : residual)
        residual_power += r * r;
    const double snr_db =
        10 * std::log10((kAmplitude * kAmplitude / 2) / (residual_power / static_cast<double>(kN)));
    // The image of 1 kHz around 44.1 kHz lands at 43.1 and 45.1 kHz, which 48 kHz sampling
    // folds to 4.9 and 2.9 kHz; scan every 10 Hz bin anyway.
    double worst_spur_db = -300, worst_spur_hz = 0;
    std::vector<float> tone_free(kN);
    for (size_t i = 0; i < kN; ++i)
        tone_free[i] = static_cast<float>(residual[i]);
    for (double hz = 10; hz < 24000; hz += 10) {
        if (std::abs(hz - kToneHz) < 1) continue;
        const double db =
            20 * std::log10(std::abs(dft_at(tone_free.data(), kN, hz, 48000)) / kAmplitude + 1e-30);
        if (db > worst_spur_db) worst_spur_db = db, worst_spur_hz = hz;
    }
    const double image_db =
        20 * std::log10(std::abs(dft_at(window, kN, 4900, 48000)) / kAmplitude + 1e-30);
    std::printf(
        "level %+.5f dB, SNR %.1f dB, image at 4.9 kHz %.1f dB, worst spur %.1f dB at "
        "%.0f Hz\n",
        level_db, snr_db, image_db, worst_spur_db, worst_spur_hz);
    EXPECT_NEAR(level_db, 0.0, 0.01);
    // The stated rejection (docs/decisions.md, "Files"): 120 dB, for every spur and for all of
    // them together.
    EXPECT_LT(image_db, -120.0);
    EXPECT_LT(worst_spur_db, -120.0);
    EXPECT_GT(snr_db, 120.0);
}

TEST(StreamedConversion, AtTheBandEdgeA20kHzToneKeepsItsLevelAndItsImageIsRejected) {
    // The hardest case of 44.1 -> 48 kHz: 20 kHz, whose image around 44.1 kHz (24.1 kHz) lies
    // just past the new Nyquist and folds to 23.9 kHz, inside the converter's transition band.
    const std::string dir = test::temp_dir("streamed-src");
    constexpr double kAmplitude = 0.5, kToneHz = 20000;
    std::vector<float> x(2 * 44100);
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(kAmplitude * std::sin(2 * M_PI * kToneHz * i / 44100.0));
    const std::string path = test::wav_file(dir, "edge44k", x, 44100);
    FileStream stream(path, 0, /*loop=*/false, 48000, 48000);
    analog::SignalSource signal(file_spec(path), 48000, stream.samples());
    const auto out = play(stream, signal, 90000, 256);
    constexpr size_t kN = 48000;
    const float* window = out.data() + 24000;
    const double level_db =
        20 * std::log10(std::abs(dft_at(window, kN, kToneHz, 48000)) / kAmplitude);
    const double image_db =
        20 * std::log10(std::abs(dft_at(window, kN, 23900, 48000)) / kAmplitude + 1e-30);
    std::printf("20 kHz: level %+.4f dB, image at 23.9 kHz %.1f dB\n", level_db, image_db);
    // The stated figures (docs/decisions.md, "Files"): flat within 0.01 dB to 20 kHz, the
    // image of a 20 kHz tone below -120 dB.
    EXPECT_NEAR(level_db, 0.0, 0.01);
    EXPECT_LT(image_db, -120.0);
}

TEST(StreamedConversion, BuffersDoNotGrowWithTheFilesLength) {
    const std::string dir = test::temp_dir("streamed-src");
    const std::string short_path =
        test::wav_file(dir, "short44k", test::noise(44100, 31), 44100);  // 1 s
    const std::string long_path =
        test::wav_file(dir, "long44k", test::noise(60 * 44100, 32), 44100);  // 60 s
    FileStream short_stream(short_path, 0, false, 48000, 48000);
    FileStream long_stream(long_path, 0, false, 48000, 48000);
    EXPECT_EQ(short_stream.buffer_bytes(), long_stream.buffer_bytes());
    // A second of ring and two chunks of buffers: nowhere near the file (10 MB here).
    EXPECT_LT(long_stream.buffer_bytes(), size_t{48000 + 2 * FileStream::kChunkFrames + 64} * 4);
    // And the first frames are there at once, before anyone refills.
    EXPECT_GE(long_stream.samples()->ring.readable(), size_t{24000});
}

}  // namespace
}  // namespace phantom::io
