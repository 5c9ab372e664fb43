// One channel of an audio file streamed from disk into the ring of an analog::StreamedSamples,
// so a long file costs a ring's worth of memory, not the whole file. Live, the I/O thread
// (io::Butler) tops it up; offline, the render does before each block; the audio thread's
// SignalSource drains the ring. Files at another sample rate are not streamed: they are
// converted whole (audio_file.hpp).
//
// A file that turns out shorter than it was when opened (truncated while playing) or that can
// no longer be read ends the stream early: the source plays silence, failed() says why, and a
// refill never loops on a file that yields nothing. A file removed while playing keeps playing:
// the open file stays readable until it is closed.
//
// [io-thread or control-thread] refill()/service(); two callers at once are harmless (the
// second returns at once). [any-thread] ended(), failed(), failure() once failed() is true.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "phantom/analog/signal_source.hpp"
#include "phantom/io/feed.hpp"

typedef struct sf_private_tag SNDFILE;  // NOLINT: libsndfile's own declaration

namespace phantom::io {

class FileStream final : public Feed {
  public:
    // `channel` is 0-based. Throws AudioFileError.
    FileStream(const std::string& path, int channel, bool loop, size_t ring_frames);
    ~FileStream() override;
    FileStream(const FileStream&) = delete;
    FileStream& operator=(const FileStream&) = delete;

    // Top the ring up from the file once it is half empty (seeking back to the start when
    // looping). Bounded: at most one ring's worth of reads.
    void refill();
    void service() noexcept override { refill(); }
    // What the SignalSource plays.
    const std::shared_ptr<analog::StreamedSamples>& samples() const { return samples_; }
    std::uint64_t length_frames() const { return samples_->length_frames; }
    const std::string& path() const { return path_; }
    // No more frames will come: the file has ended and does not loop, or it failed.
    bool ended() const { return samples_->ended.load(std::memory_order_acquire); }
    // The file ended before its length (it shrank, or reading failed); failure() says how.
    bool failed() const { return failed_.load(std::memory_order_acquire); }
    const std::string& failure() const { return failure_; }

  private:
    void fail(std::string reason);

    SNDFILE* file_ = nullptr;
    std::string path_;
    int channels_ = 1;
    int channel_;
    bool loop_;
    std::uint64_t position_ = 0;  // frames read since the start of the file (this pass)
    std::vector<float> interleaved_, mono_;
    std::shared_ptr<analog::StreamedSamples> samples_;
    std::mutex refill_mutex_;  // never the audio thread's: refill() only tries it
    std::atomic<bool> failed_{false};
    std::string failure_;  // written once, before failed_ is set
};

}  // namespace phantom::io
