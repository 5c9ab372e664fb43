// Recordings are WAV while they fit and RF64 when they outgrow 4 GiB: a short take is a plain
// RIFF/WAVE file that another tool (sox) reads, and an RF64 file (what a long take becomes) is
// read back as a source. The switch itself at 4 GiB is libsndfile's (SFC_RF64_AUTO_DOWNGRADE);
// writing 4 GiB is left to the benchmarks, not the suite.
#include "phantom/io/file_recorder.hpp"

#include <gtest/gtest.h>
#include <sndfile.h>

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

}  // namespace
}  // namespace phantom::io
