// One channel of an audio file streamed from disk into a lock-free ring, so a long file costs
// a ring's worth of memory, not the whole file. [control-thread or disk thread] refill() reads;
// [audio-thread] the SignalSource drains the ring. Files at another sample rate are not
// streamed: they are converted whole (audio_file.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "phantom/rt/spsc_ring.hpp"

typedef struct sf_private_tag SNDFILE;  // NOLINT: libsndfile's own declaration

namespace phantom::analog {

class FileStream {
  public:
    // `channel` is 0-based. Throws AudioFileError.
    FileStream(const std::string& path, int channel, bool loop, size_t ring_frames);
    ~FileStream();
    FileStream(const FileStream&) = delete;
    FileStream& operator=(const FileStream&) = delete;

    // [producer] Top the ring up from the file (seeking back to the start when looping).
    void refill();
    rt::SpscFloatRing& ring() { return ring_; }
    std::uint64_t length_frames() const { return length_; }
    // No more frames will come: the file has ended and does not loop.
    bool ended() const { return ended_.load(std::memory_order_acquire); }

  private:
    SNDFILE* file_ = nullptr;
    std::string path_;
    int channels_;
    int channel_;
    bool loop_;
    std::uint64_t length_;
    std::vector<float> interleaved_, mono_;
    rt::SpscFloatRing ring_;
    std::atomic<bool> ended_{false};
};

}  // namespace phantom::analog
