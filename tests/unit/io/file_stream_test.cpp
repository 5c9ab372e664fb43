// A file streamed from disk: the reader fills the ring, the signal plays it, a looping file
// wraps sample-exactly; a file shortened while playing ends the stream early with a reason
// instead of looping on nothing; a reader that falls behind is counted, a file that simply
// ended is not.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "phantom/analog/signal_source.hpp"
#include "phantom/io/audio_file.hpp"
#include "phantom/io/file_stream.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::io {
namespace {

analog::SourceSpec file_spec(const std::string& path) {
    analog::SourceSpec spec;
    spec.signal = analog::SignalKind::File;
    spec.path = path;
    return spec;
}

// Plays `frames` in blocks of `block`, refilling before each block as the offline render does.
std::vector<float> play(FileStream& stream, analog::SignalSource& signal, size_t frames, int block,
                        bool refill = true) {
    std::vector<float> out(frames);
    for (size_t done = 0; done < frames; done += static_cast<size_t>(block)) {
        if (refill) stream.refill();
        signal.render(out.data() + done, block);
    }
    return out;
}

TEST(FileStream, LoopsSampleExactly) {
    const std::string dir = test::temp_dir("file-stream");
    const auto x = test::noise(1000, 3);
    FileStream stream(test::wav_file(dir, "loop", x, 48000), 0, /*loop=*/true, 256);
    analog::SignalSource signal(file_spec("loop"), 48000, stream.samples());
    const auto out = play(stream, signal, 3000, 100);
    for (size_t i = 0; i < out.size(); ++i)
        ASSERT_EQ(out[i], x[i % x.size()]) << i;
    EXPECT_EQ(stream.samples()->starved_frames.load(), 0u);
    EXPECT_FALSE(stream.failed());
}

TEST(FileStream, ATruncatedLoopingFileEndsEarlyInsteadOfSpinning) {
    const std::string dir = test::temp_dir("file-stream");
    const std::string path = test::wav_file(dir, "shrinks", test::noise(48000, 4), 48000);
    FileStream stream(path, 0, /*loop=*/true, 4800);
    analog::SignalSource signal(file_spec(path), 48000, stream.samples());
    play(stream, signal, 9600, 480);  // playing, the ring topped up
    std::filesystem::resize_file(path, 0);
    // Until the fix this looped for ever: seek to the start, read nothing, seek again.
    play(stream, signal, 9600, 480);
    EXPECT_TRUE(stream.failed());
    EXPECT_TRUE(stream.ended());
    EXPECT_NE(stream.failure().find("shortened while playing"), std::string::npos)
        << stream.failure();
    // What was read before plays out; then silence, and the reader is not to blame.
    const auto rest = play(stream, signal, 9600, 480);
    for (float v : rest)
        ASSERT_EQ(v, 0.0f);
    EXPECT_EQ(stream.samples()->starved_frames.load(), 0u);
}

TEST(FileStream, AReaderThatFallsBehindIsCountedAFileThatEndedIsNot) {
    const std::string dir = test::temp_dir("file-stream");
    const std::string path = test::wav_file(dir, "short", test::noise(2000, 5), 48000);
    {
        FileStream stream(path, 0, /*loop=*/true, 1024);  // primed with 1024 frames
        analog::SignalSource signal(file_spec(path), 48000, stream.samples());
        play(stream, signal, 1536, 512, /*refill=*/false);  // nobody refills: 512 missing
        EXPECT_EQ(stream.samples()->starved_frames.load(), 512u);
    }
    {
        FileStream stream(path, 0, /*loop=*/false, 4096);  // the whole file fits
        analog::SignalSource signal(file_spec(path), 48000, stream.samples());
        play(stream, signal, 4096, 512, /*refill=*/false);
        EXPECT_TRUE(stream.ended());
        EXPECT_FALSE(stream.failed());
        EXPECT_EQ(stream.samples()->starved_frames.load(), 0u);
    }
}

}  // namespace
}  // namespace phantom::io
