// Reading audio files for sources (libsndfile) and converting their sample rate
// (libsamplerate): a file is never played at the wrong speed. [control-thread]
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "phantom/analog/signal_source.hpp"

namespace phantom::io {

class AudioFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct AudioData {
    std::uint32_t sample_rate_hz = 0;
    std::uint32_t file_rate_hz = 0;  // before conversion
    std::vector<std::vector<float>> channels;
    size_t frames() const { return channels.empty() ? 0 : channels.front().size(); }
};

class FileStream;

// A file source: the signal the engine plays and, for a streamed file, the reader that feeds it.
struct FileSignal {
    std::shared_ptr<analog::SignalSource> signal;
    std::shared_ptr<FileStream> stream;
};

// The signal for a file source, streamed from disk and, at another rate than the engine's,
// converted as it streams (io/file_stream.hpp). Checks the channel choice: a multi-channel
// file needs PATH#N. Throws AudioFileError.
FileSignal make_file_signal(const analog::SourceSpec& spec, std::uint32_t sample_rate_hz, bool loop,
                            size_t ring_frames);

// Reads the whole file as float (1.0 = 0 dBFS) and converts it to `sample_rate_hz` in one go
// (best sinc). For tools and tests; sources never read a file whole.
// Throws AudioFileError with the path and libsndfile's or libsamplerate's reason.
AudioData read_audio_file(const std::string& path, std::uint32_t sample_rate_hz);

}  // namespace phantom::io
