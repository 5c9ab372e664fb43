#include "phantom/io/file_stream.hpp"

#include <fmt/format.h>
#include <samplerate.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>

#include "phantom/io/audio_file.hpp"

namespace phantom::io {

static_assert(FileStream::kConverter == SRC_SINC_MEDIUM_QUALITY);

FileStream::FileStream(const std::string& path, int channel, bool loop, size_t ring_frames,
                       std::uint32_t sample_rate_hz)
    : path_(path), channel_(channel), loop_(loop) {
    SF_INFO info{};
    file_ = sf_open(path.c_str(), SFM_READ, &info);
    if (!file_)
        throw AudioFileError(
            fmt::format("{}: cannot read audio file: {}", path, sf_strerror(nullptr)));
    if (info.channels < 1 || info.frames <= 0 || info.samplerate < 1) {
        sf_close(file_);
        throw AudioFileError(fmt::format("{}: the file holds no audio", path));
    }
    channels_ = info.channels;
    file_frames_ = static_cast<std::uint64_t>(info.frames);
    file_rate_hz_ = static_cast<std::uint32_t>(info.samplerate);
    std::uint64_t length = file_frames_;
    if (sample_rate_hz != 0 && sample_rate_hz != file_rate_hz_) {
        ratio_ = static_cast<double>(sample_rate_hz) / file_rate_hz_;
        if (src_is_valid_ratio(ratio_) == 0) {
            sf_close(file_);
            throw AudioFileError(fmt::format("{}: cannot convert {} Hz to {} Hz", path,
                                             file_rate_hz_, sample_rate_hz));
        }
        int err = 0;
        converter_ = src_new(kConverter, 1, &err);
        if (!converter_) {
            sf_close(file_);
            throw AudioFileError(
                fmt::format("{}: sample-rate converter: {}", path, src_strerror(err)));
        }
        length =
            static_cast<std::uint64_t>(std::llround(static_cast<double>(file_frames_) * ratio_));
        converted_.resize(kChunkFrames);
    }
    samples_ = std::make_shared<analog::StreamedSamples>(ring_frames, length);
    sf_command(file_, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
    sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_FALSE);
    if (channels_ > 1) interleaved_.resize(kChunkFrames * static_cast<size_t>(channels_));
    mono_.resize(kChunkFrames);
    refill();
}

FileStream::~FileStream() {
    if (converter_) src_delete(converter_);
    if (file_) sf_close(file_);
}

size_t FileStream::buffer_bytes() const {
    return (samples_->ring.capacity() + interleaved_.capacity() + mono_.capacity() +
            converted_.capacity()) *
           sizeof(float);
}

void FileStream::fail(std::string reason) {
    failure_ = std::move(reason);
    failed_.store(true, std::memory_order_release);
    samples_->ended.store(true, std::memory_order_release);
}

std::uint64_t FileStream::read_chunk(float* into, std::uint64_t want) {
    const auto want_sf = static_cast<sf_count_t>(want);
    sf_count_t got = 0;
    if (channels_ == 1) {
        got = sf_readf_float(file_, into, want_sf);
    } else {
        got = sf_readf_float(file_, interleaved_.data(), want_sf);
        for (sf_count_t f = 0; f < got; ++f)
            into[f] = interleaved_[static_cast<size_t>(f * channels_ + channel_)];
    }
    got = std::max<sf_count_t>(got, 0);
    position_ += static_cast<std::uint64_t>(got);
    if (got < want_sf) {
        const int err = sf_error(file_);
        fail(err != SF_ERR_NO_ERROR
                 ? fmt::format("reading failed after {} of {} frames: {}", position_, file_frames_,
                               sf_strerror(file_))
                 : fmt::format("the file ended after {} of its {} frames (it was shortened "
                               "while playing)",
                               position_, file_frames_));
    }
    return static_cast<std::uint64_t>(got);
}

bool FileStream::wrap_or_finish() {
    if (position_ < file_frames_) return true;
    if (!loop_) {
        input_done_ = true;
        return true;
    }
    if (sf_seek(file_, 0, SEEK_SET) != 0) {
        fail(fmt::format("seeking back to the start failed: {}", sf_strerror(file_)));
        return false;
    }
    position_ = 0;
    return true;
}

void FileStream::refill() {
    std::unique_lock lock(refill_mutex_, std::try_to_lock);
    if (!lock) return;  // another thread is at it
    const rt::SpscFloatRing& ring = samples_->ring;
    if (ring.writable() < ring.capacity() / 2) return;
    if (converter_)
        refill_converted();
    else
        refill_direct();
}

void FileStream::refill_direct() {
    rt::SpscFloatRing& ring = samples_->ring;
    // Each pass writes frames into the ring, or ends the stream: never a pass that does neither.
    while (!ended()) {
        const std::uint64_t room = ring.writable();
        if (room == 0) return;
        // Never past the length the file had when opened: a short read then means it shrank.
        const std::uint64_t want =
            std::min({room, std::uint64_t{kChunkFrames}, file_frames_ - position_});
        const bool at_end_after = position_ + want >= file_frames_;
        // Said before the last frames go in, so a reader that finds the ring short after them
        // knows the file ended rather than that the disk fell behind.
        if (at_end_after && !loop_) samples_->ended.store(true, std::memory_order_release);
        const std::uint64_t got = read_chunk(mono_.data(), want);
        if (got > 0) ring.write(mono_.data(), static_cast<size_t>(got));
        if (failed() || !wrap_or_finish()) return;
    }
}

void FileStream::refill_converted() {
    rt::SpscFloatRing& ring = samples_->ring;
    while (!ended()) {
        const size_t room = ring.writable();
        if (room == 0) return;
        if (pending_begin_ == pending_end_ && !input_done_) {
            const std::uint64_t want =
                std::min(std::uint64_t{kChunkFrames}, file_frames_ - position_);
            const std::uint64_t got = read_chunk(mono_.data(), want);
            pending_begin_ = 0;
            pending_end_ = static_cast<size_t>(got);
            if (failed() || !wrap_or_finish()) return;
        }
        SRC_DATA data{};
        data.data_in = mono_.data() + pending_begin_;
        data.input_frames = static_cast<long>(pending_end_ - pending_begin_);
        data.data_out = converted_.data();
        data.output_frames = static_cast<long>(std::min(room, converted_.size()));
        data.src_ratio = ratio_;
        // Only once the whole file is in: the converter then flushes its tail. A looping file
        // never ends, so the converter runs on across the loop point.
        data.end_of_input = input_done_ && pending_begin_ == pending_end_ ? 1 : 0;
        if (const int err = src_process(converter_, &data); err != 0) {
            fail(fmt::format("sample-rate conversion failed: {}", src_strerror(err)));
            return;
        }
        pending_begin_ += static_cast<size_t>(data.input_frames_used);
        const auto made = static_cast<size_t>(data.output_frames_gen);
        // Flushing, a call that leaves room unused has given the last frames: say so before they
        // go in, as the direct path does.
        if (data.end_of_input && made < static_cast<size_t>(data.output_frames))
            samples_->ended.store(true, std::memory_order_release);
        if (made > 0) ring.write(converted_.data(), made);
        if (made == 0 && data.input_frames_used == 0 && !data.end_of_input) return;  // no progress
    }
}

}  // namespace phantom::io
