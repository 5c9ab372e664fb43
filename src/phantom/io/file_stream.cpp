#include "phantom/io/file_stream.hpp"

#include <fmt/format.h>
#include <sndfile.h>

#include <algorithm>

#include "phantom/io/audio_file.hpp"

namespace phantom::io {

namespace {
// Read in large chunks, and only once the ring is half empty: a few big reads, not one per block.
constexpr std::uint64_t kChunkFrames = 16384;
}  // namespace

FileStream::FileStream(const std::string& path, int channel, bool loop, size_t ring_frames)
    : path_(path), channel_(channel), loop_(loop) {
    SF_INFO info{};
    file_ = sf_open(path.c_str(), SFM_READ, &info);
    if (!file_)
        throw AudioFileError(
            fmt::format("{}: cannot read audio file: {}", path, sf_strerror(nullptr)));
    if (info.channels < 1 || info.frames <= 0) {
        sf_close(file_);
        throw AudioFileError(fmt::format("{}: the file holds no audio", path));
    }
    channels_ = info.channels;
    samples_ = std::make_shared<analog::StreamedSamples>(ring_frames,
                                                         static_cast<std::uint64_t>(info.frames));
    sf_command(file_, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
    sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_FALSE);
    interleaved_.resize(static_cast<size_t>(kChunkFrames) * static_cast<size_t>(channels_));
    mono_.resize(static_cast<size_t>(kChunkFrames));
    refill();
}

FileStream::~FileStream() {
    if (file_) sf_close(file_);
}

void FileStream::fail(std::string reason) {
    failure_ = std::move(reason);
    failed_.store(true, std::memory_order_release);
    samples_->ended.store(true, std::memory_order_release);
}

void FileStream::refill() {
    std::unique_lock lock(refill_mutex_, std::try_to_lock);
    if (!lock) return;  // another thread is at it
    rt::SpscFloatRing& ring = samples_->ring;
    if (ring.writable() < ring.capacity() / 2) return;
    const std::uint64_t length = samples_->length_frames;
    // Each pass writes frames into the ring, or ends the stream: never a pass that does neither.
    while (!ended()) {
        const std::uint64_t room = ring.writable();
        if (room == 0) return;
        // Never past the length the file had when opened: a short read then means it shrank.
        const std::uint64_t want = std::min({room, kChunkFrames, length - position_});
        const auto want_sf = static_cast<sf_count_t>(want);
        sf_count_t got = 0;
        if (channels_ == 1) {
            got = sf_readf_float(file_, mono_.data(), want_sf);
        } else {
            got = sf_readf_float(file_, interleaved_.data(), want_sf);
            for (sf_count_t f = 0; f < got; ++f)
                mono_[static_cast<size_t>(f)] =
                    interleaved_[static_cast<size_t>(f * channels_ + channel_)];
        }
        got = std::max<sf_count_t>(got, 0);
        position_ += static_cast<std::uint64_t>(got);
        const bool at_end = position_ >= length;
        // Said before the last frames go in, so a reader that finds the ring short after them
        // knows the file ended rather than that the disk fell behind.
        if (at_end && !loop_) samples_->ended.store(true, std::memory_order_release);
        if (got > 0) ring.write(mono_.data(), static_cast<size_t>(got));
        if (got < want_sf) {
            const int err = sf_error(file_);
            fail(err != SF_ERR_NO_ERROR
                     ? fmt::format("reading failed after {} of {} frames: {}", position_, length,
                                   sf_strerror(file_))
                     : fmt::format("the file ended after {} of its {} frames (it was shortened "
                                   "while playing)",
                                   position_, length));
            return;
        }
        if (at_end && loop_) {
            if (sf_seek(file_, 0, SEEK_SET) != 0) {
                fail(fmt::format("seeking back to the start failed: {}", sf_strerror(file_)));
                return;
            }
            position_ = 0;
        }
    }
}

}  // namespace phantom::io
