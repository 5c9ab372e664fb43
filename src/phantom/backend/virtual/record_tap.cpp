#include "phantom/backend/virtual/record_tap.hpp"

#include <algorithm>
#include <stdexcept>

namespace phantom::backend {

RecordTap::RecordTap(std::vector<size_t> channels, size_t ring_frames,
                     std::unique_ptr<io::FileRecorder> recorder)
    : channels_(std::move(channels)), recorder_(std::move(recorder)) {
    for (size_t c = 0; c < channels_.size(); ++c) {
        rings_.push_back(std::make_unique<rt::SpscFloatRing>(ring_frames));
        scratch_.emplace_back(ring_frames);
        scratch_ptrs_.push_back(scratch_.back().data());
    }
}

// The channels' rings must stay in step: the drain may have emptied one ring and not yet the
// next, so both sides take the least any ring allows, and every ring moves by the same count.
size_t RecordTap::write_rt(const float* const* outputs, size_t frames) {
    size_t room = frames;
    for (const auto& ring : rings_)
        room = std::min(room, ring->writable());
    for (size_t c = 0; c < channels_.size(); ++c)
        rings_[c]->write(outputs[channels_[c]], room);
    return frames - room;
}

void RecordTap::drain() {
    // The audio thread may have written one channel of a block and not yet the next.
    size_t n = rings_[0]->readable();
    for (const auto& ring : rings_)
        n = std::min(n, ring->readable());
    if (n == 0) return;
    for (size_t c = 0; c < rings_.size(); ++c)
        rings_[c]->read(scratch_[c].data(), n);
    if (!error_.empty() || finished_) return;  // the file is gone: keep the rings moving
    try {
        recorder_->write(scratch_ptrs_.data(), static_cast<int>(n));
    } catch (const std::exception& e) {
        error_ = std::string(e.what()) + "; the rest of this recording is lost";
    }
}

void RecordTap::service() noexcept {
    std::lock_guard lock(mutex_);
    drain();
}

std::string RecordTap::finish() {
    std::lock_guard lock(mutex_);
    drain();
    if (!error_.empty()) throw std::runtime_error(error_);
    if (!finished_) {
        finished_ = true;
        recorder_->commit();
    }
    return recorder_->path();
}

std::string RecordTap::error() const {
    std::lock_guard lock(mutex_);
    return error_;
}

}  // namespace phantom::backend
