#include "phantom/analog/signal_source.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace phantom::analog {

SignalSource::SignalSource(const SourceSpec& spec, double sample_rate_hz,
                           std::vector<float> samples, bool loop)
    : spec_(spec), sample_rate_hz_(sample_rate_hz), samples_(std::move(samples)), loop_(loop) {
    if (spec_.signal == SignalKind::Pink) {
        // Measure the filter's RMS once on a fixed seed so the level means a sine's RMS.
        constexpr int kProbe = 1 << 18;
        std::vector<float> probe(kProbe);
        pink_scale_ = 1.0f;
        render_pink(probe.data(), kProbe);
        double sum = 0;
        for (float v : probe)
            sum += static_cast<double>(v) * v;
        pink_scale_ = static_cast<float>((1.0 / std::sqrt(2.0)) / std::sqrt(sum / kProbe));
    }
    rewind();
}

SignalSource::SignalSource(const SourceSpec& spec, double sample_rate_hz,
                           std::shared_ptr<StreamedSamples> stream)
    : spec_(spec), sample_rate_hz_(sample_rate_hz), stream_(std::move(stream)), loop_(false) {}

SignalSource::SignalSource(const SourceSpec& spec, double sample_rate_hz,
                           std::shared_ptr<OutboardLoop> loop)
    : spec_(spec), sample_rate_hz_(sample_rate_hz), outboard_(std::move(loop)), loop_(false) {}

size_t SignalSource::length_frames() const {
    return stream_ ? static_cast<size_t>(stream_->length_frames) : samples_.size();
}

void SignalSource::rewind() {
    position_ = 0;
    double w = 2.0 * M_PI * spec_.frequency_hz / sample_rate_hz_;
    re_ = 1.0;  // cos(0); the sine is the imaginary part, starting at 0
    im_ = 0.0;
    rot_re_ = std::cos(w);
    rot_im_ = std::sin(w);
    rng_ = 0x9e3779b9u;
    for (float& b : b_)
        b = 0;
}

void SignalSource::set_faults(const SourceFaults& faults) {
    faults_ = faults;
    for (int k = 0; k < kHumHarmonics; ++k) {
        const double w = 2.0 * M_PI * faults.hum_hz * kHumHarmonic[k] / sample_rate_hz_;
        hum_re_[k] = 1.0;
        hum_im_[k] = 0.0;
        hum_rot_re_[k] = std::cos(w);
        hum_rot_im_[k] = std::sin(w);
    }
}

void SignalSource::apply_faults(float* out, int frames) {
    if (faults_.echo) {  // a playback channel: what the host echoes comes on top
        const HostEcho& echo = *faults_.echo;
        if (echo_block_ != echo.block()) {
            echo_block_ = echo.block();
            echo_pos_ = 0;
        }
        const float* heard = echo.heard(faults_.echo_channel) + echo_pos_;
        const int n = std::clamp(echo.heard_frames() - echo_pos_, 0, frames);
        const float scale = faults_.echo_scale;
        for (int i = 0; i < n; ++i)
            out[i] += scale * heard[i];
        echo_pos_ += frames;
    }
    if (faults_.dead) {
        std::memset(out, 0, static_cast<size_t>(frames) * sizeof(float));
        return;
    }
    if (faults_.inverted)
        for (int i = 0; i < frames; ++i)
            out[i] = -out[i];
    if (faults_.dc != 0.0) {
        const auto dc = static_cast<float>(faults_.dc);
        for (int i = 0; i < frames; ++i)
            out[i] += dc;
    }
    if (faults_.hum_hz <= 0.0) return;
    for (int k = 0; k < kHumHarmonics; ++k) {
        double re = hum_re_[k], im = hum_im_[k];
        const double a = faults_.hum_peak[k], cr = hum_rot_re_[k], ci = hum_rot_im_[k];
        for (int i = 0; i < frames; ++i) {
            out[i] += static_cast<float>(a * im);
            const double r = re * cr - im * ci;
            im = re * ci + im * cr;
            re = r;
        }
        const double norm = 1.0 / std::sqrt(re * re + im * im);
        hum_re_[k] = re * norm;
        hum_im_[k] = im * norm;
    }
}

void SignalSource::render(float* out, int frames) {
    render_signal(out, frames);
    if (faults_.any()) apply_faults(out, frames);
}

void SignalSource::render_signal(float* out, int frames) {
    switch (spec_.signal) {
        case SignalKind::Sine:
            render_sine(out, frames);
            break;
        case SignalKind::Pink:
            render_pink(out, frames);
            break;
        case SignalKind::Sweep:
            render_sweep(out, frames);
            break;
        case SignalKind::Impulse:
            render_impulse(out, frames);
            break;
        case SignalKind::File:
            render_file(out, frames);
            break;
        case SignalKind::Outboard:
            if (outboard_) {
                outboard_->pull(out, frames);
                break;
            }
            [[fallthrough]];
        case SignalKind::Silence:
            for (int i = 0; i < frames; ++i)
                out[i] = 0.0f;
            position_ += static_cast<std::uint64_t>(frames);
            break;
    }
}

void SignalSource::render_sine(float* out, int frames) {
    double re = re_, im = im_;
    for (int i = 0; i < frames; ++i) {
        out[i] = static_cast<float>(im);
        double r = re * rot_re_ - im * rot_im_;
        im = re * rot_im_ + im * rot_re_;
        re = r;
    }
    double norm = 1.0 / std::sqrt(re * re + im * im);
    re_ = re * norm;
    im_ = im * norm;
    position_ += static_cast<std::uint64_t>(frames);
}

float SignalSource::next_white() {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 17;
    rng_ ^= rng_ << 5;
    return static_cast<float>(static_cast<std::int32_t>(rng_)) * (1.0f / 2147483648.0f);
}

void SignalSource::render_pink(float* out, int frames) {
    for (int i = 0; i < frames; ++i) {
        float white = next_white();
        b_[0] = 0.99886f * b_[0] + white * 0.0555179f;
        b_[1] = 0.99332f * b_[1] + white * 0.0750759f;
        b_[2] = 0.96900f * b_[2] + white * 0.1538520f;
        b_[3] = 0.86650f * b_[3] + white * 0.3104856f;
        b_[4] = 0.55000f * b_[4] + white * 0.5329522f;
        b_[5] = -0.7616f * b_[5] - white * 0.0168980f;
        float pink = b_[0] + b_[1] + b_[2] + b_[3] + b_[4] + b_[5] + b_[6] + white * 0.5362f;
        b_[6] = white * 0.115926f;
        out[i] = pink * pink_scale_;
    }
    position_ += static_cast<std::uint64_t>(frames);
}

void SignalSource::render_sweep(float* out, int frames) {
    const double f1 = spec_.frequency_hz, f2 = spec_.frequency2_hz;
    const auto period = static_cast<std::uint64_t>(spec_.period_s * sample_rate_hz_);
    const double k = std::log(f2 / f1);
    for (int i = 0; i < frames; ++i) {
        double t = static_cast<double>(position_ % period) / sample_rate_hz_;
        double phase =
            2.0 * M_PI * f1 * spec_.period_s / k * (std::exp(t * k / spec_.period_s) - 1.0);
        out[i] = static_cast<float>(std::sin(phase));
        ++position_;
    }
}

void SignalSource::render_impulse(float* out, int frames) {
    const auto period = static_cast<std::uint64_t>(sample_rate_hz_);
    for (int i = 0; i < frames; ++i) {
        out[i] = (position_ % period) == 0 ? 1.0f : 0.0f;
        ++position_;
    }
}

void SignalSource::render_file(float* out, int frames) {
    if (stream_) {  // whatever the disk side has delivered; silence if it fell behind
        const size_t got = stream_->ring.read(out, static_cast<size_t>(frames));
        const size_t missing = static_cast<size_t>(frames) - got;
        if (missing > 0) {
            std::memset(out + got, 0, missing * sizeof(float));
            if (!stream_->ended.load(std::memory_order_acquire))
                stream_->starved_frames.fetch_add(missing, std::memory_order_relaxed);
        }
        position_ += static_cast<std::uint64_t>(frames);
        return;
    }
    const std::uint64_t length = samples_.size();
    int done = 0;
    while (done < frames) {
        if (position_ >= length) {
            if (!loop_ || length == 0) {
                std::memset(out + done, 0, static_cast<size_t>(frames - done) * sizeof(float));
                position_ += static_cast<std::uint64_t>(frames - done);
                return;
            }
            position_ = 0;
        }
        const auto n = static_cast<int>(
            std::min<std::uint64_t>(length - position_, static_cast<std::uint64_t>(frames - done)));
        std::memcpy(out + done, samples_.data() + position_,
                    static_cast<size_t>(n) * sizeof(float));
        position_ += static_cast<std::uint64_t>(n);
        done += n;
    }
}

}  // namespace phantom::analog
