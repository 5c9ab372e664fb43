#include "phantom/io/file_stream.hpp"

#include <fmt/format.h>
#include <sndfile.h>

#include "phantom/io/audio_file.hpp"

namespace phantom::io {

namespace {
// Read in large chunks, and only once the ring is half empty: a few big reads, not one per block.
constexpr sf_count_t kChunkFrames = 16384;
}  // namespace

FileStream::FileStream(const std::string& path, int channel, bool loop, size_t ring_frames)
    : path_(path), channel_(channel), loop_(loop) {
    SF_INFO info{};
    file_ = sf_open(path.c_str(), SFM_READ, &info);
    if (!file_)
        throw AudioFileError(
            fmt::format("{}: cannot read audio file: {}", path, sf_strerror(nullptr)));
    channels_ = info.channels;
    samples_ = std::make_shared<analog::StreamedSamples>(ring_frames,
                                                         static_cast<std::uint64_t>(info.frames));
    sf_command(file_, SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
    sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_FALSE);
    interleaved_.resize(static_cast<size_t>(kChunkFrames * channels_));
    mono_.resize(static_cast<size_t>(kChunkFrames));
    refill();
}

FileStream::~FileStream() {
    if (file_) sf_close(file_);
}

void FileStream::refill() {
    rt::SpscFloatRing& ring = samples_->ring;
    if (ring.writable() < ring.capacity() / 2) return;
    while (!ended()) {
        const auto room = static_cast<sf_count_t>(ring.writable());
        if (room == 0) return;
        const sf_count_t want = std::min(room, kChunkFrames);
        const float* data = interleaved_.data();
        sf_count_t got = 0;
        if (channels_ == 1) {
            got = sf_readf_float(file_, mono_.data(), want);
            data = mono_.data();
        } else {
            got = sf_readf_float(file_, interleaved_.data(), want);
            for (sf_count_t f = 0; f < got; ++f)
                mono_[static_cast<size_t>(f)] =
                    interleaved_[static_cast<size_t>(f * channels_ + channel_)];
            data = mono_.data();
        }
        if (got > 0) ring.write(data, static_cast<size_t>(got));
        if (got < want) {  // the end of the file
            if (loop_ && samples_->length_frames > 0) {
                sf_seek(file_, 0, SEEK_SET);
            } else {
                samples_->ended.store(true, std::memory_order_release);
            }
        }
    }
}

}  // namespace phantom::io
