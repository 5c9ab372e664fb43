// Records channels to an audio file (libsndfile, WAV): 32-bit float by default, or 16/24-bit
// PCM. A recording that outgrows WAV's 4 GiB (a 2-hour 8-channel 96 kHz take is 22 GB in float)
// becomes RF64, the EBU's 64-bit WAV, which libsndfile, sox and DAWs read; one that stays below
// is plain WAV. libsndfile decides at close (SFC_RF64_AUTO_DOWNGRADE), so a take of unknown
// length needs no choice up front. Writes to a temp name beside the target and renames on commit();
// a recorder destroyed without commit() removes its temp file, so a failed render leaves no partial
// output. [render write-behind thread] (offline render) or a disk thread (live); one at a time;
// never the audio thread.
//
// A recording that will replace an existing file is handed to the disk as it is written (every
// kWritebackBytes, sync_file_range without waiting). ext4 (auto_da_alloc, its default) writes a
// file renamed over another back inside the rename, holding the folder's lock, so that a crash
// cannot leave the target empty: left to then, a render's commit waited for all of it (about
// 20 ms per 23 MB here, and the four files of one render one after another in the same folder),
// and a long take replacing another would wait for gigabytes. A new file needs no such care:
// its writeback is the kernel's, after the render.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

typedef struct sf_private_tag SNDFILE;  // NOLINT: libsndfile's own declaration

namespace phantom::io {

class FileRecorder {
  public:
    FileRecorder(std::string path, int channels, int sample_rate_hz, int bits);
    ~FileRecorder();
    FileRecorder(const FileRecorder&) = delete;
    FileRecorder& operator=(const FileRecorder&) = delete;

    // Planar channels in, interleaved to the file.
    void write(const float* const* channels, int frames);
    void commit();
    const std::string& path() const { return path_; }
    // Memory this recorder holds: one flush of interleaved frames (and a block more), whatever
    // the recording's length.
    size_t buffer_bytes() const { return interleaved_.capacity() * sizeof(float); }

  private:
    static constexpr size_t kFlushFrames = 32768;
    static constexpr off_t kWritebackBytes = off_t{4} << 20;
    void flush();
    void start_writeback();

    std::string path_;
    std::string temp_path_;
    int channels_;
    int fd_ = -1;  // the temp file's, owned by file_ (closed by sf_close)
    SNDFILE* file_ = nullptr;
    bool replacing_ = false;  // the target existed when the recording began
    off_t writeback_from_ = 0;
    std::vector<float> interleaved_;
    size_t pending_frames_ = 0;
    bool committed_ = false;
};

}  // namespace phantom::io
