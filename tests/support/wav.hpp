// Writing and reading small WAV files in tests (libsndfile), independent of the recorder.
#pragma once

#include <sndfile.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace phantom::test {

inline void write_wav(const std::string& path, const std::vector<std::vector<float>>& channels,
                      int rate, int format = SF_FORMAT_WAV | SF_FORMAT_FLOAT) {
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = static_cast<int>(channels.size());
    info.format = format;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) throw std::runtime_error("cannot write " + path);
    const size_t frames = channels[0].size();
    std::vector<float> inter(frames * channels.size());
    for (size_t i = 0; i < frames; ++i)
        for (size_t c = 0; c < channels.size(); ++c)
            inter[i * channels.size() + c] = channels[c][i];
    sf_writef_float(f, inter.data(), static_cast<sf_count_t>(frames));
    sf_close(f);
}

struct Wav {
    int rate = 0;
    std::vector<std::vector<float>> channels;
};

inline Wav read_wav(const std::string& path) {
    SF_INFO info{};
    SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
    if (!f) throw std::runtime_error("cannot read " + path);
    std::vector<float> inter(static_cast<size_t>(info.frames * info.channels));
    sf_readf_float(f, inter.data(), info.frames);
    sf_close(f);
    Wav w;
    w.rate = info.samplerate;
    w.channels.assign(static_cast<size_t>(info.channels),
                      std::vector<float>(static_cast<size_t>(info.frames)));
    for (size_t i = 0; i < static_cast<size_t>(info.frames); ++i)
        for (size_t c = 0; c < w.channels.size(); ++c)
            w.channels[c][i] = inter[i * w.channels.size() + c];
    return w;
}

}  // namespace phantom::test
