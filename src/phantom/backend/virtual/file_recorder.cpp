#include "phantom/backend/virtual/file_recorder.hpp"

#include <fmt/format.h>
#include <sndfile.h>
#include <unistd.h>

#include <stdexcept>

#include "phantom/session/atomic_file.hpp"

namespace phantom::backend {

FileRecorder::FileRecorder(std::string path, int channels, int sample_rate_hz, int bits)
    : path_(std::move(path)), channels_(channels) {
    int subtype = SF_FORMAT_FLOAT;
    if (bits == 16)
        subtype = SF_FORMAT_PCM_16;
    else if (bits == 24)
        subtype = SF_FORMAT_PCM_24;
    else if (bits != 32)
        throw std::invalid_argument(fmt::format("--bits {}: expected 16, 24 or 32", bits));
    temp_path_ = session::make_temp_path_beside(path_);
    SF_INFO info{};
    info.samplerate = sample_rate_hz;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | subtype;
    file_ = sf_open(temp_path_.c_str(), SFM_WRITE, &info);
    if (!file_) {
        ::unlink(temp_path_.c_str());
        throw std::runtime_error(
            fmt::format("{}: cannot write the recording: {}", path_, sf_strerror(nullptr)));
    }
    // PCM files clip at full scale instead of wrapping around.
    sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_TRUE);
}

FileRecorder::~FileRecorder() {
    if (file_) sf_close(file_);
    if (!committed_) ::unlink(temp_path_.c_str());
}

void FileRecorder::write(const float* const* channels, int frames) {
    const auto n = static_cast<size_t>(frames) * static_cast<size_t>(channels_);
    if (interleaved_.size() < n) interleaved_.resize(n);
    for (int f = 0; f < frames; ++f)
        for (int c = 0; c < channels_; ++c)
            interleaved_[static_cast<size_t>(f * channels_ + c)] = channels[c][f];
    sf_count_t written = sf_writef_float(file_, interleaved_.data(), frames);
    if (written != frames)
        throw std::runtime_error(
            fmt::format("{}: writing the recording failed: {}", path_, sf_strerror(file_)));
}

void FileRecorder::commit() {
    if (sf_close(file_) != 0) {
        file_ = nullptr;
        throw std::runtime_error(fmt::format("{}: finishing the recording failed", path_));
    }
    file_ = nullptr;
    session::commit_temp_file(temp_path_, path_);
    committed_ = true;
}

}  // namespace phantom::backend
