// A cheap look at every source for the studio doctor (doctor/signal_analysis.hpp): each
// source's signal, as captured (after the converter, trim and polarity), averaged over
// `decimation()` samples (about 1.5 kHz whatever the rate: enough for DC, mains hum and its
// harmonics, and the correlation of a pair's low end) and pushed into a lock-free ring per
// source; plus the peak before the converter clipped, when it did.
//
// [audio-thread] push_rt(), note_peak_rt(): no allocation, no lock, a few adds per sample.
// [control-thread] read(), take_peak(): one consumer. A full ring drops the newest values (the
// doctor was not reading); nothing ever waits.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "phantom/rt/spsc_ring.hpp"

namespace phantom::engine {

class AnalysisTap {
  public:
    static constexpr double kTargetRateHz = 1500.0;
    static constexpr double kRingSeconds = 4.0;

    AnalysisTap(size_t sources, double sample_rate_hz);

    int decimation() const { return decimation_; }
    double rate_hz() const { return rate_hz_; }

    // [audio-thread]
    void push_rt(size_t source, const float* x, int frames);
    // [audio-thread] The block's largest |x| before the converter clipped it.
    void note_peak_rt(size_t source, float peak);

    // [control-thread] Up to `max` decimated values of `source`; returns how many.
    size_t read(size_t source, float* out, size_t max);
    // [control-thread] The largest pre-converter peak noted since the last call (0 if none).
    float take_peak(size_t source);

  private:
    struct Channel {
        explicit Channel(size_t capacity) : ring(capacity) {}
        rt::SpscFloatRing ring;
        float sum = 0.0f;
        int count = 0;
        std::atomic<float> peak{0.0f};
    };
    int decimation_;
    double rate_hz_;
    std::vector<std::unique_ptr<Channel>> channels_;
};

}  // namespace phantom::engine
