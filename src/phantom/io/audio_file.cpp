#include "phantom/io/audio_file.hpp"

#include <fmt/format.h>
#include <samplerate.h>
#include <sndfile.h>

#include <memory>

#include "phantom/io/file_stream.hpp"

namespace phantom::io {

namespace {
struct SndfileCloser {
    void operator()(SNDFILE* f) const { sf_close(f); }
};

std::vector<float> convert_rate(const std::vector<float>& in, double ratio,
                                const std::string& path) {
    if (in.empty()) return {};
    std::vector<float> out(static_cast<size_t>(static_cast<double>(in.size()) * ratio) + 64);
    SRC_DATA data{};
    data.data_in = in.data();
    data.input_frames = static_cast<long>(in.size());
    data.data_out = out.data();
    data.output_frames = static_cast<long>(out.size());
    data.src_ratio = ratio;
    data.end_of_input = 1;
    int err = src_simple(&data, SRC_SINC_BEST_QUALITY, 1);
    if (err != 0)
        throw AudioFileError(
            fmt::format("{}: sample-rate conversion failed: {}", path, src_strerror(err)));
    out.resize(static_cast<size_t>(data.output_frames_gen));
    return out;
}
}  // namespace

AudioData read_audio_file(const std::string& path, std::uint32_t sample_rate_hz) {
    SF_INFO info{};
    std::unique_ptr<SNDFILE, SndfileCloser> file(sf_open(path.c_str(), SFM_READ, &info));
    if (!file)
        throw AudioFileError(
            fmt::format("{}: cannot read audio file: {}", path, sf_strerror(nullptr)));
    if (info.channels < 1 || info.samplerate < 1)
        throw AudioFileError(fmt::format("{}: the file has no audio channels", path));
    if (info.frames <= 0) throw AudioFileError(fmt::format("{}: the file holds no audio", path));
    constexpr sf_count_t kMaxFrames = sf_count_t{192000} * 60 * 60;  // one hour at 192 kHz
    if (info.frames > kMaxFrames)
        throw AudioFileError(fmt::format("{}: the file is longer than one hour at 192 kHz", path));
    // Float files may exceed ±1.0; keep them as they are rather than normalising.
    sf_command(file.get(), SFC_SET_NORM_FLOAT, nullptr, SF_TRUE);
    sf_command(file.get(), SFC_SET_CLIPPING, nullptr, SF_FALSE);

    auto channels = static_cast<size_t>(info.channels);
    std::vector<float> interleaved(static_cast<size_t>(info.frames) * channels);
    sf_count_t got = sf_readf_float(file.get(), interleaved.data(), info.frames);
    if (got <= 0)
        throw AudioFileError(
            fmt::format("{}: reading the audio failed: {}", path, sf_strerror(file.get())));

    AudioData data;
    data.file_rate_hz = static_cast<std::uint32_t>(info.samplerate);
    data.sample_rate_hz = sample_rate_hz;
    data.channels.resize(channels);
    for (auto& ch : data.channels)
        ch.resize(static_cast<size_t>(got));
    for (size_t f = 0; f < static_cast<size_t>(got); ++f)
        for (size_t c = 0; c < channels; ++c)
            data.channels[c][f] = interleaved[f * channels + c];

    if (data.file_rate_hz != sample_rate_hz) {
        double ratio = static_cast<double>(sample_rate_hz) / data.file_rate_hz;
        for (auto& ch : data.channels)
            ch = convert_rate(ch, ratio, path);
    }
    return data;
}

}  // namespace phantom::io

namespace phantom::io {

FileSignal make_file_signal(const analog::SourceSpec& spec, std::uint32_t sample_rate_hz, bool loop,
                            size_t ring_frames) {
    SF_INFO info{};
    {
        std::unique_ptr<SNDFILE, SndfileCloser> probe(sf_open(spec.path.c_str(), SFM_READ, &info));
        if (!probe)
            throw AudioFileError(
                fmt::format("{}: cannot read audio file: {}", spec.path, sf_strerror(nullptr)));
    }
    if (info.channels < 1 || info.frames <= 0)
        throw AudioFileError(fmt::format("{}: the file holds no audio", spec.path));
    int channel = spec.file_channel;
    if (channel < 0 && info.channels > 1)
        throw AudioFileError(
            fmt::format("{} has {} channels and an input takes one: choose one with {}#1 … {}#{}",
                        spec.path, info.channels, spec.path, spec.path, info.channels));
    if (channel >= info.channels)
        throw AudioFileError(fmt::format("{} has {} channel(s), there is no channel {}", spec.path,
                                         info.channels, channel + 1));
    channel = std::max(channel, 0);
    // Streamed at any rate: a file at another rate is converted as it streams (file_stream.hpp).
    auto stream =
        std::make_shared<FileStream>(spec.path, channel, loop, ring_frames, sample_rate_hz);
    return {std::make_shared<analog::SignalSource>(spec, sample_rate_hz, stream->samples()),
            stream};
}

}  // namespace phantom::io
