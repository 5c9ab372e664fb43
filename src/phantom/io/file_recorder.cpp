#include "phantom/io/file_recorder.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "phantom/io/atomic_file.hpp"

namespace phantom::io {

FileRecorder::FileRecorder(std::string path, int channels, int sample_rate_hz, int bits)
    : path_(std::move(path)), channels_(channels) {
    int subtype = SF_FORMAT_FLOAT;
    if (bits == 16)
        subtype = SF_FORMAT_PCM_16;
    else if (bits == 24)
        subtype = SF_FORMAT_PCM_24;
    else if (bits != 32)
        throw std::invalid_argument(fmt::format("--bits {}: expected 16, 24 or 32", bits));
    temp_path_ = make_temp_path_beside(path_);
    SF_INFO info{};
    info.samplerate = sample_rate_hz;
    info.channels = channels;
    info.format = SF_FORMAT_RF64 | subtype;
    struct stat existing {};
    replacing_ = ::stat(path_.c_str(), &existing) == 0;
    // Opened here, not by libsndfile, so that flush() can hand the written pages to the disk.
    fd_ = ::open(temp_path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temp_path_.c_str());
        throw std::runtime_error(fmt::format("{}: cannot write the recording: {}", path_, why));
    }
    file_ = sf_open_fd(fd_, SFM_WRITE, &info, /*close_desc=*/SF_TRUE);
    if (!file_) {
        ::close(fd_);
        ::unlink(temp_path_.c_str());
        throw std::runtime_error(
            fmt::format("{}: cannot write the recording: {}", path_, sf_strerror(nullptr)));
    }
    sf_command(file_, SFC_RF64_AUTO_DOWNGRADE, nullptr, SF_TRUE);  // WAV below 4 GiB
    // PCM files clip at full scale instead of wrapping around.
    sf_command(file_, SFC_SET_CLIPPING, nullptr, SF_TRUE);
}

FileRecorder::~FileRecorder() {
    if (file_) sf_close(file_);
    if (!committed_) ::unlink(temp_path_.c_str());
}

void FileRecorder::write(const float* const* channels, int frames) {
    const auto ch = static_cast<size_t>(channels_);
    // A block that would not fit flushes what is pending first, so the buffer stays one flush
    // long (a larger block than that is the only thing that grows it).
    if (pending_frames_ + static_cast<size_t>(frames) > kFlushFrames) flush();
    const size_t need = (pending_frames_ + static_cast<size_t>(frames)) * ch;
    if (interleaved_.size() < need) interleaved_.resize(std::max(need, kFlushFrames * ch));
    float* dst = interleaved_.data() + pending_frames_ * ch;
    if (channels_ == 1) {
        std::copy(channels[0], channels[0] + frames, dst);
    } else if (channels_ == 2) {  // the usual case, written so that it vectorises
        const float* left = channels[0];
        const float* right = channels[1];
        for (size_t f = 0; f < static_cast<size_t>(frames); ++f) {
            dst[2 * f] = left[f];
            dst[2 * f + 1] = right[f];
        }
    } else {
        for (int f = 0; f < frames; ++f)
            for (size_t c = 0; c < ch; ++c)
                dst[static_cast<size_t>(f) * ch + c] = channels[c][f];
    }
    pending_frames_ += static_cast<size_t>(frames);
    if (pending_frames_ >= kFlushFrames) flush();
}

// libsndfile writes straight through to the kernel: hand it large chunks, not blocks.
void FileRecorder::flush() {
    if (pending_frames_ == 0) return;
    const auto frames = static_cast<sf_count_t>(pending_frames_);
    pending_frames_ = 0;
    if (sf_writef_float(file_, interleaved_.data(), frames) != frames)
        throw std::runtime_error(
            fmt::format("{}: writing the recording failed: {}", path_, sf_strerror(file_)));
    if (replacing_) start_writeback();
}

void FileRecorder::start_writeback() {
    const off_t written = ::lseek(fd_, 0, SEEK_CUR);  // libsndfile writes at the fd's offset
    if (written - writeback_from_ < kWritebackBytes) return;
    // Only a hint: if it fails, the rename writes the file back as it would have.
    ::sync_file_range(fd_, writeback_from_, written - writeback_from_, SYNC_FILE_RANGE_WRITE);
    writeback_from_ = written;
}

void FileRecorder::commit() {
    flush();
    if (sf_close(file_) != 0) {
        file_ = nullptr;
        throw std::runtime_error(fmt::format("{}: finishing the recording failed", path_));
    }
    file_ = nullptr;
    commit_temp_file(temp_path_, path_, /*durable=*/false);
    committed_ = true;
}

}  // namespace phantom::io
