// One channel of an audio file streamed from disk into the ring of an analog::StreamedSamples,
// so a long file costs a ring's worth of memory, not the whole file. [control-thread or disk
// thread] refill() reads; [audio-thread] the SignalSource drains the ring. Files at another
// sample rate are not streamed: they are converted whole (audio_file.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "phantom/analog/signal_source.hpp"

typedef struct sf_private_tag SNDFILE;  // NOLINT: libsndfile's own declaration

namespace phantom::io {

class FileStream {
  public:
    // `channel` is 0-based. Throws AudioFileError.
    FileStream(const std::string& path, int channel, bool loop, size_t ring_frames);
    ~FileStream();
    FileStream(const FileStream&) = delete;
    FileStream& operator=(const FileStream&) = delete;

    // [producer] Top the ring up from the file (seeking back to the start when looping).
    void refill();
    // What the SignalSource plays.
    const std::shared_ptr<analog::StreamedSamples>& samples() const { return samples_; }
    std::uint64_t length_frames() const { return samples_->length_frames; }
    bool ended() const { return samples_->ended.load(std::memory_order_acquire); }

  private:
    SNDFILE* file_ = nullptr;
    std::string path_;
    int channels_ = 1;
    int channel_;
    bool loop_;
    std::vector<float> interleaved_, mono_;
    std::shared_ptr<analog::StreamedSamples> samples_;
};

}  // namespace phantom::io
