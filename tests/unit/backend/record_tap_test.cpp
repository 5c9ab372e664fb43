// A recorded output drained by another thread while the audio thread writes it: the channels
// stay in step (the drain once took a block of the left channel the audio thread had written
// before the right one, and the right channel was a block late from then on), and a full ring
// drops the same frames from every channel.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "phantom/backend/virtual/record_tap.hpp"
#include "test_signals.hpp"
#include "wav.hpp"

namespace phantom::test {
namespace {

TEST(RecordTap, ChannelsStayInStepWhileDrainedConcurrently) {
    const std::string path = temp_dir("record-tap") + "stereo.wav";
    constexpr size_t kBlock = 64, kBlocks = 5000;
    auto tap = std::make_shared<backend::RecordTap>(
        std::vector<size_t>{0, 1}, 4 * kBlock,
        std::make_unique<io::FileRecorder>(path, 2, 48000, 32));
    std::atomic<bool> done{false};
    std::thread drain([&] {
        while (!done.load()) {
            tap->service();
            std::this_thread::yield();
        }
    });
    // Left and right carry the same ramp: frame k is k modulo 2^20 on both.
    std::vector<float> block(kBlock);
    const float* outputs[2] = {block.data(), block.data()};
    size_t dropped = 0, written = 0;
    for (size_t b = 0; b < kBlocks; ++b) {
        for (size_t f = 0; f < kBlock; ++f)
            block[f] = static_cast<float>((written + f) % (1u << 20));
        const size_t d = tap->write_rt(outputs, kBlock);
        dropped += d;
        written += kBlock - d;
        std::this_thread::yield();  // let the drain run alongside, as the I/O thread does
    }
    done = true;
    drain.join();
    tap->finish();
    const Wav rec = read_wav(path);
    ASSERT_EQ(rec.channels.size(), 2u);
    ASSERT_EQ(rec.channels[0].size(), written);
    EXPECT_EQ(rec.channels[0], rec.channels[1]) << "the channels parted";
    for (size_t k = 0; k < written; ++k)
        ASSERT_EQ(rec.channels[0][k], static_cast<float>(k % (1u << 20))) << "frame " << k;
    std::cout << dropped << " frames dropped by a full ring, the same on both channels\n";
}

}  // namespace
}  // namespace phantom::test
