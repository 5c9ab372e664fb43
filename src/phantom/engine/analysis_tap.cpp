#include "phantom/engine/analysis_tap.hpp"

#include <algorithm>
#include <cmath>

namespace phantom::engine {

AnalysisTap::AnalysisTap(size_t sources, double sample_rate_hz)
    : decimation_(std::max(1, static_cast<int>(std::lround(sample_rate_hz / kTargetRateHz)))),
      rate_hz_(sample_rate_hz / decimation_) {
    const auto capacity = static_cast<size_t>(kRingSeconds * rate_hz_);
    channels_.reserve(sources);
    for (size_t s = 0; s < sources; ++s)
        channels_.push_back(std::make_unique<Channel>(capacity));
}

void AnalysisTap::push_rt(size_t source, const float* x, int frames) {
    Channel& c = *channels_[source];
    const float scale = 1.0f / static_cast<float>(decimation_);
    float sum = c.sum;
    int count = c.count;
    for (int i = 0; i < frames; ++i) {
        sum += x[i];
        if (++count == decimation_) {
            const float mean = sum * scale;
            c.ring.write(&mean, 1);
            sum = 0.0f;
            count = 0;
        }
    }
    c.sum = sum;
    c.count = count;
}

void AnalysisTap::note_peak_rt(size_t source, float peak) {
    std::atomic<float>& p = channels_[source]->peak;
    if (peak > p.load(std::memory_order_relaxed)) p.store(peak, std::memory_order_relaxed);
}

size_t AnalysisTap::read(size_t source, float* out, size_t max) {
    return channels_[source]->ring.read(out, max);
}

float AnalysisTap::take_peak(size_t source) {
    return channels_[source]->peak.exchange(0.0f, std::memory_order_relaxed);
}

}  // namespace phantom::engine
