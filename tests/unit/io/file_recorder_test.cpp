// Recordings are WAV while they fit and RF64 when they outgrow 4 GiB: a short take is a plain
// RIFF/WAVE file that another tool (sox) reads, and an RF64 file (what a long take becomes) is
// read back as a source. The switch itself at 4 GiB is libsndfile's (SFC_RF64_AUTO_DOWNGRADE);
// writing 4 GiB is left to the benchmarks, not the suite. A take that replaces a file (and is
// handed to the disk as it goes) leaves the old file as it was until it is committed, and then
// is whole.
#include "phantom/io/file_recorder.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <filesystem>
#include <fstream>

#include "phantom/analog/signal_source.hpp"
#include "phantom/io/file_stream.hpp"
#include "run_command.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::io {
namespace {

std::string first_four_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string magic(4, '\0');
    in.read(magic.data(), 4);
    return magic;
}

TEST(FileRecorder, AShortTakeIsPlainWavThatAnotherToolReads) {
    const std::string dir = test::temp_dir("recorder");
    const auto left = test::noise(48000, 61, 0.3f), right = test::noise(48000, 62, 0.3f);
    {
        FileRecorder rec(dir + "take.wav", 2, 48000, 32);
        for (size_t at = 0; at < left.size(); at += 1000) {
            const float* planes[] = {left.data() + at, right.data() + at};
            rec.write(planes, 1000);
        }
        rec.commit();
    }
    EXPECT_EQ(first_four_bytes(dir + "take.wav"), "RIFF");
    const auto back = test::read_wav(dir + "take.wav");
    ASSERT_EQ(back.channels.size(), 2u);
    EXPECT_EQ(back.channels[0], left);
    EXPECT_EQ(back.channels[1], right);
    const auto sox = test::run_command("sox " + dir + "take.wav -n stat");
    EXPECT_EQ(sox.exit_code, 0) << sox.err;
    const size_t at = sox.err.find("Samples read:");
    ASSERT_NE(at, std::string::npos) << sox.err;
    EXPECT_EQ(std::stol(sox.err.substr(at + 13)), 96000) << sox.err;  // 2 × 48000
}

TEST(FileRecorder, AnRf64FileWhatALongTakeBecomesPlaysBackAsASource) {
    const std::string dir = test::temp_dir("recorder");
    const auto x = test::noise(30000, 63, 0.3f);
    SF_INFO info{};
    info.samplerate = 48000;
    info.channels = 1;
    info.format = SF_FORMAT_RF64 | SF_FORMAT_FLOAT;
    SNDFILE* f = sf_open((dir + "long.wav").c_str(), SFM_WRITE, &info);
    ASSERT_NE(f, nullptr) << sf_strerror(nullptr);
    sf_writef_float(f, x.data(), static_cast<sf_count_t>(x.size()));
    sf_close(f);
    ASSERT_EQ(first_four_bytes(dir + "long.wav"), "RF64");

    FileStream stream(dir + "long.wav", 0, /*loop=*/false, 48000);
    analog::SourceSpec spec;
    spec.signal = analog::SignalKind::File;
    spec.path = dir + "long.wav";
    analog::SignalSource signal(spec, 48000, stream.samples());
    std::vector<float> out(x.size());
    stream.refill();
    signal.render(out.data(), static_cast<int>(out.size()));
    EXPECT_EQ(out, x);
}

// Records `left`/`right` to `path` in blocks of 1000 frames; commits unless told not to.
void record(const std::string& path, const std::vector<float>& left,
            const std::vector<float>& right, bool commit) {
    FileRecorder rec(path, 2, 48000, 32);
    for (size_t at = 0; at + 1000 <= left.size(); at += 1000) {
        const float* planes[] = {left.data() + at, right.data() + at};
        rec.write(planes, 1000);
    }
    if (commit) rec.commit();
}

size_t files_in(const std::string& dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir))
        ++n;
    return n;
}

// 600,000 stereo float frames are 4.8 MB: more than one writeback step (4 MiB) goes to the disk
// before the take is committed.
TEST(FileRecorder, ATakeThatReplacesAFileIsWholeOnceCommittedAndTheOldOneStaysUntilThen) {
    const std::string dir = test::temp_dir("recorder-replace");
    const std::string path = dir + "mix.wav";
    const auto old_left = test::noise(48000, 64, 0.3f), old_right = test::noise(48000, 65, 0.3f);
    record(path, old_left, old_right, /*commit=*/true);

    const auto left = test::noise(600000, 66, 0.3f), right = test::noise(600000, 67, 0.3f);
    {
        FileRecorder rec(path, 2, 48000, 32);
        for (size_t at = 0; at < left.size(); at += 1000) {
            const float* planes[] = {left.data() + at, right.data() + at};
            rec.write(planes, 1000);
        }
        const auto before = test::read_wav(path);  // not committed yet: the old take
        ASSERT_EQ(before.channels.size(), 2u);
        EXPECT_EQ(before.channels[0], old_left);
        rec.commit();
    }
    const auto back = test::read_wav(path);
    ASSERT_EQ(back.channels.size(), 2u);
    EXPECT_EQ(back.channels[0], left);
    EXPECT_EQ(back.channels[1], right);
    EXPECT_EQ(files_in(dir), 1u) << "a temp file was left beside " << path;
}

TEST(FileRecorder, AReplacingTakeThatIsNotCommittedLeavesTheOldFileAndNoTempFile) {
    const std::string dir = test::temp_dir("recorder-replace-abandoned");
    const std::string path = dir + "mix.wav";
    const auto old_left = test::noise(48000, 68, 0.3f), old_right = test::noise(48000, 69, 0.3f);
    record(path, old_left, old_right, /*commit=*/true);
    record(path, test::noise(600000, 70, 0.3f), test::noise(600000, 71, 0.3f),
           /*commit=*/false);  // a render that failed
    const auto back = test::read_wav(path);
    ASSERT_EQ(back.channels.size(), 2u);
    EXPECT_EQ(back.channels[0], old_left);
    EXPECT_EQ(back.channels[1], old_right);
    EXPECT_EQ(files_in(dir), 1u);
}

}  // namespace
}  // namespace phantom::io
