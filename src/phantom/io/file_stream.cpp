#include "phantom/io/file_stream.hpp"

#include <fmt/format.h>
#include <sndfile.h>
#include <zita-resampler/resampler.h>

#include <algorithm>
#include <cmath>

#include "phantom/io/audio_file.hpp"

namespace phantom::io {

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
        converter_ = std::make_unique<Resampler>();
        // Any two rates whose ratio reduces to terms of at most 1000 (all the usual ones).
        if (converter_->setup(file_rate_hz_, sample_rate_hz, 1, kFilterHalfLength) != 0) {
            sf_close(file_);
            throw AudioFileError(fmt::format("{}: cannot convert {} Hz to {} Hz", path,
                                             file_rate_hz_, sample_rate_hz));
        }
        // The filter's delay out: half a filter of zeros in, no output made (zita's rule).
        converter_->inp_count = static_cast<unsigned>(converter_->inpsize() / 2 - 1);
        converter_->inp_data = nullptr;
        converter_->out_count = kChunkFrames;
        converter_->out_data = nullptr;
        converter_->process();
        flush_frames_ = static_cast<unsigned>(converter_->inpsize() / 2);
        length =
            static_cast<std::uint64_t>(std::llround(static_cast<double>(file_frames_) * ratio_));
        frames_due_ = length;
        mono_.resize(kChunkFrames);  // read, waiting to be converted
    }
    samples_ = std::make_shared<analog::StreamedSamples>(ring_frames, length);
    sf_command(file_, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
    sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_FALSE);
    raw_kind_ = raw_samples_of(
        info.format, sf_command(file_, SFC_RAW_DATA_NEEDS_ENDSWAP, nullptr, 0) == SF_TRUE);
    // A mono float file is read straight into place; others pay one pass that decodes and
    // picks their channel at once.
    if (raw_kind_ == RawSamples::Float32 && channels_ == 1) raw_kind_ = RawSamples::None;
    if (raw_kind_ != RawSamples::None)
        raw_.resize(kChunkFrames * static_cast<size_t>(channels_) *
                        raw_bytes_per_sample(raw_kind_) +
                    kRawSlackBytes);
    else if (channels_ > 1)
        interleaved_.resize(kChunkFrames * static_cast<size_t>(channels_));
    refill();
}

FileStream::~FileStream() {
    if (file_) sf_close(file_);
}

size_t FileStream::buffer_bytes() const {
    return (samples_->ring.capacity() + interleaved_.capacity() + mono_.capacity()) *
               sizeof(float) +
           raw_.capacity();
}

void FileStream::fail(std::string reason) {
    failure_ = std::move(reason);
    failed_.store(true, std::memory_order_release);
    samples_->ended.store(true, std::memory_order_release);
}

std::uint64_t FileStream::read_chunk(float* into, std::uint64_t want) {
    const auto want_sf = static_cast<sf_count_t>(want);
    sf_count_t got = 0;
    if (raw_kind_ != RawSamples::None) {
        const size_t frame_bytes = raw_bytes_per_sample(raw_kind_) * static_cast<size_t>(channels_);
        const sf_count_t bytes =
            sf_read_raw(file_, raw_.data(), want_sf * static_cast<sf_count_t>(frame_bytes));
        got = std::max<sf_count_t>(bytes, 0) / static_cast<sf_count_t>(frame_bytes);
        decode_channel(raw_kind_, raw_.data(), channels_, channel_, into, static_cast<size_t>(got));
    } else if (channels_ == 1) {
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
    // Each pass decodes frames straight into the ring, or ends the stream: never a pass that
    // does neither.
    while (!ended()) {
        size_t contiguous = 0;
        float* into = ring.write_region(contiguous);
        if (contiguous == 0) return;
        // Never past the length the file had when opened: a short read then means it shrank.
        const std::uint64_t want = std::min(
            {std::uint64_t{contiguous}, std::uint64_t{kChunkFrames}, file_frames_ - position_});
        const bool at_end_after = position_ + want >= file_frames_;
        // Said before the last frames go in, so a reader that finds the ring short after them
        // knows the file ended rather than that the disk fell behind.
        if (at_end_after && !loop_) samples_->ended.store(true, std::memory_order_release);
        const std::uint64_t got = read_chunk(into, want);
        if (got > 0) ring.commit_write(static_cast<size_t>(got));
        if (failed() || !wrap_or_finish()) return;
    }
}

void FileStream::refill_converted() {
    rt::SpscFloatRing& ring = samples_->ring;
    while (!ended()) {
        size_t contiguous = 0;
        float* into = ring.write_region(contiguous);
        if (contiguous == 0) return;
        if (pending_begin_ == pending_end_ && !input_done_) {
            const std::uint64_t want =
                std::min(std::uint64_t{kChunkFrames}, file_frames_ - position_);
            const std::uint64_t got = read_chunk(mono_.data(), want);
            pending_begin_ = 0;
            pending_end_ = static_cast<size_t>(got);
            if (failed() || !wrap_or_finish()) return;
        }
        // The file's frames, then (not looping) zeros to flush the filter's tail.
        const bool flushing = pending_begin_ == pending_end_;
        if (flushing && (!input_done_ || flush_frames_ == 0)) {
            if (input_done_) samples_->ended.store(true, std::memory_order_release);
            return;
        }
        size_t want = std::min(contiguous, kChunkFrames);
        if (!loop_) want = static_cast<size_t>(std::min<std::uint64_t>(want, frames_due_));
        Resampler& r = *converter_;
        const auto given_in =
            static_cast<unsigned>(flushing ? flush_frames_ : pending_end_ - pending_begin_);
        r.inp_count = given_in;
        r.inp_data = flushing ? nullptr : mono_.data() + pending_begin_;
        r.out_count = static_cast<unsigned>(want);
        r.out_data = into;
        r.process();
        const unsigned used = given_in - r.inp_count;
        const auto made = static_cast<size_t>(want - r.out_count);
        if (flushing)
            flush_frames_ -= used;
        else
            pending_begin_ += used;
        if (!loop_) {
            frames_due_ -= made;
            // Said before the last frames go in, as the direct path does.
            if (frames_due_ == 0) samples_->ended.store(true, std::memory_order_release);
        }
        if (made > 0) ring.commit_write(made);
        if (made == 0 && used == 0) return;  // no progress: wait for room
    }
}

}  // namespace phantom::io
