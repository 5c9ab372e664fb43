// One channel of an audio file streamed from disk into the ring of an analog::StreamedSamples,
// so a long file costs a ring's worth of memory, not the whole file. Live, the I/O thread
// (io::Butler) tops it up; offline, the render does before each block; the audio thread's
// SignalSource drains the ring. A file at another sample rate is converted as it streams
// (zita-resampler's fixed-ratio polyphase filter, kFilterHalfLength, one persistent converter
// per stream): the reader converts each
// chunk it reads before it goes into the ring, so the first sample is there at once and memory
// is the ring, one chunk and the converter's state, whatever the file's length.
//
// Looping continues the converter across the loop point (it is never reset): the converter sees
// the file's end followed by its start as one signal, so the loop is as seamless as the file is
// and no filter start-up or flush lands in the middle of the audio. A file that does not loop
// flushes the converter's tail at its end (half a filter of zeros), as a whole-file conversion
// does, and then ends: streamed and whole-file conversion are the same samples. The filter's
// delay is taken out at the start (half a filter of zeros in, nothing out), so a converted file
// starts where it starts at its own rate.
//
// A file that turns out shorter than it was when opened (truncated while playing) or that can
// no longer be read ends the stream early: the source plays silence, failed() says why, and a
// refill never loops on a file that yields nothing. A file removed while playing keeps playing:
// the open file stays readable until it is closed.
//
// [io-thread, render read-ahead thread or control-thread] refill()/service(); two callers at
// once are harmless (the second returns at once). [any-thread] ended(), failed(), failure() once
// failed() is true.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "phantom/analog/signal_source.hpp"
#include "phantom/io/feed.hpp"
#include "phantom/io/pcm_decode.hpp"

typedef struct sf_private_tag SNDFILE;  // NOLINT: libsndfile's own declaration
class Resampler;                        // zita-resampler's fixed-ratio converter

namespace phantom::io {

class FileStream final : public Feed {
  public:
    // The converter for files at another rate: zita-resampler with a filter of 2 × 64 taps per
    // phase (measured in streamed_conversion_test, 44.1 -> 48 kHz: flat within 0.01 dB to
    // 20 kHz, images and aliases below -120 dB; decisions.md, "Files").
    static constexpr int kFilterHalfLength = 64;
    // Frames read from the file at a time, and the most converted frames made at a time.
    static constexpr size_t kChunkFrames = 16384;

    // `channel` is 0-based. `sample_rate_hz` is the rate the ring is played at; 0 or the file's
    // own rate streams the file as it is, another rate converts it. Throws AudioFileError.
    FileStream(const std::string& path, int channel, bool loop, size_t ring_frames,
               std::uint32_t sample_rate_hz = 0);
    ~FileStream() override;
    FileStream(const FileStream&) = delete;
    FileStream& operator=(const FileStream&) = delete;

    // Top the ring up from the file once it is half empty (seeking back to the start when
    // looping). Bounded: at most one ring's worth of reads.
    void refill();
    void service() noexcept override { refill(); }
    // What the SignalSource plays.
    const std::shared_ptr<analog::StreamedSamples>& samples() const { return samples_; }
    // At the ring's rate (a converted file's length is rounded to the nearest frame).
    std::uint64_t length_frames() const { return samples_->length_frames; }
    std::uint32_t file_rate_hz() const { return file_rate_hz_; }
    bool converts() const { return converter_ != nullptr; }
    // Memory this stream holds, fixed at construction (the ring, the read and conversion
    // buffers; not the converter's own tables, fixed by the two rates).
    size_t buffer_bytes() const;
    const std::string& path() const { return path_; }
    // No more frames will come: the file has ended and does not loop, or it failed.
    bool ended() const { return samples_->ended.load(std::memory_order_acquire); }
    // The file ended before its length (it shrank, or reading failed); failure() says how.
    bool failed() const { return failed_.load(std::memory_order_acquire); }
    const std::string& failure() const { return failure_; }

  private:
    void fail(std::string reason);
    // Reads up to `want` frames of the chosen channel into `into` (the ring itself, or mono_ when
    // converting), advancing position_; returns how many came. Fewer than `want` fails the
    // stream (it shrank, or reading failed).
    std::uint64_t read_chunk(float* into, std::uint64_t want);
    // At the file's end: loop back to its start, or mark the input done. False if seeking failed.
    bool wrap_or_finish();
    void refill_direct();
    void refill_converted();

    SNDFILE* file_ = nullptr;
    std::string path_;
    int channels_ = 1;
    int channel_;
    bool loop_;
    std::uint64_t position_ = 0;  // frames read since the start of the file (this pass)
    std::uint64_t file_frames_ = 0;
    std::uint32_t file_rate_hz_ = 0;
    // Little-endian PCM and float are read as bytes and decoded here (pcm_decode.hpp: 4-5x
    // faster than libsndfile's float read of 24-bit); other files through sf_readf_float.
    // Either way the frames land in the ring itself (SpscFloatRing::write_region): no buffer
    // and no copy between the decoder and the audio thread's side.
    RawSamples raw_kind_ = RawSamples::None;
    std::vector<unsigned char> raw_;
    std::vector<float> interleaved_, mono_;  // mono_: only when converting
    // Conversion: mono_[pending_begin_, pending_end_) is read but not yet converted; the
    // converter writes straight into the ring.
    std::unique_ptr<Resampler> converter_;
    double ratio_ = 1.0;
    size_t pending_begin_ = 0, pending_end_ = 0;
    unsigned flush_frames_ = 0;     // zeros still to feed after the last frame (not looping)
    std::uint64_t frames_due_ = 0;  // converted frames still to deliver (not looping)
    bool input_done_ = false;       // the file has been read to its end and does not loop
    std::shared_ptr<analog::StreamedSamples> samples_;
    std::mutex refill_mutex_;  // never the audio thread's: refill() only tries it
    std::atomic<bool> failed_{false};
    std::string failure_;  // written once, before failed_ is set
};

}  // namespace phantom::io
