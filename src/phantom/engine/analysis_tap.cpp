#include "phantom/engine/analysis_tap.hpp"

#include <algorithm>
#include <cmath>

#include "phantom/dsp/block_ops_windows.hpp"

namespace phantom::engine {

AnalysisTap::AnalysisTap(size_t sources, double sample_rate_hz)
    : decimation_(std::max(1, static_cast<int>(std::lround(sample_rate_hz / kTargetRateHz)))),
      rate_hz_(sample_rate_hz / decimation_) {
    const auto capacity = static_cast<size_t>(kRingSeconds * rate_hz_);
    channels_.reserve(sources);
    for (size_t s = 0; s < sources; ++s)
        channels_.push_back(std::make_unique<Channel>(capacity));
}

// Each window is a running sum from 0.0f in sample order, the window left open by the last
// block finished first; whole windows go through dsp::window_sums, which sums eight side by
// side with the same additions in the same order (one chain of 1024 dependent additions per
// source per block was 12 % of a 16-input render's CPU).
void AnalysisTap::push_rt(size_t source, const float* x, int frames) {
    Channel& c = *channels_[source];
    const float scale = 1.0f / static_cast<float>(decimation_);
    int i = 0;
    if (c.count > 0) {
        for (; i < frames && c.count < decimation_; ++i, ++c.count)
            c.sum += x[i];
        if (c.count < decimation_) return;  // the block ended inside the window
        const float mean = c.sum * scale;
        c.ring.write(&mean, 1);
        c.sum = 0.0f;
        c.count = 0;
    }
    constexpr int kBatch = 64;
    float means[kBatch];
    while (frames - i >= decimation_) {
        const int n = std::min(kBatch, (frames - i) / decimation_);
        dsp::window_sums(x + i, decimation_, n, means);
        for (int k = 0; k < n; ++k)
            means[k] *= scale;
        c.ring.write(means, static_cast<size_t>(n));
        i += n * decimation_;
    }
    for (; i < frames; ++i, ++c.count)
        c.sum += x[i];
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
