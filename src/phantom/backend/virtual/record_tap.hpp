// One recorded output of the virtual hardware. The audio thread copies its channels into
// lock-free rings (write_rt); the I/O thread drains them into the file (service, io/feed.hpp);
// at the end the control thread drains what is left and puts the file in place (finish). A full
// ring drops frames and counts them, a disk that fails stops the file and keeps the reason:
// neither ever reaches the audio thread.
//
// [audio-thread] write_rt(), wait-free. [io-thread or control-thread] service(), finish(),
// error(): serialised by a small mutex the audio thread never takes.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "phantom/io/feed.hpp"
#include "phantom/io/file_recorder.hpp"
#include "phantom/rt/spsc_ring.hpp"

namespace phantom::backend {

class RecordTap final : public io::Feed {
  public:
    // `channels`: indices into the array write_rt() is given, in the file's order.
    RecordTap(std::vector<size_t> channels, size_t ring_frames,
              std::unique_ptr<io::FileRecorder> recorder);

    // Copies `frames` of the tapped channels of `outputs`; returns the frames dropped (all
    // channels alike: the rings move in step).
    size_t write_rt(const float* const* outputs, size_t frames);
    void service() noexcept override;
    // Drains the rest and renames the file into place; returns its path. Throws
    // std::runtime_error if the recording failed (now or earlier).
    std::string finish();
    std::string error() const;
    // The channels it takes, in the file's order (indices into write_rt's array).
    const std::vector<size_t>& channels() const { return channels_; }

  private:
    void drain();  // with mutex_ held

    std::vector<size_t> channels_;
    std::vector<std::unique_ptr<rt::SpscFloatRing>> rings_;
    std::vector<std::vector<float>> scratch_;
    std::vector<const float*> scratch_ptrs_;
    mutable std::mutex mutex_;
    std::unique_ptr<io::FileRecorder> recorder_;
    std::string error_;
    bool finished_ = false;
};

}  // namespace phantom::backend
