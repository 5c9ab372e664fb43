// The studio doctor's signal analysis, on the decimated look at an input the engine gives
// (engine/analysis_tap.hpp, about 1.5 kHz): DC offset, mains hum at 50/60 Hz with its
// harmonics, and the correlation of the two legs of a pair (a leg with swapped polarity
// cancels in mono). Plain functions of a window of samples, so that the tests can feed them
// signals made with math. [control-thread]
#pragma once

#include <cstddef>
#include <vector>

namespace phantom::doctor {

// RMS level of the component of `x` at `freq_hz` (a Hann-windowed Goertzel filter); a sine of
// amplitude A at exactly that frequency gives A/√2.
double tone_rms(const float* x, size_t n, double freq_hz, double rate_hz);

struct HumReading {
    double mains_hz = 0.0;       // 50 or 60; 0: no hum found
    double fundamental_rms = 0;  // linear (full scale = 1)
    double total_rms = 0;        // fundamental and harmonics 2, 3, 5 together
};
// Hum: a narrow line at 50 or 60 Hz at least `kHumMinRms` and `kHumLineDb` above its
// neighbourhood (±7 and ±10 Hz), so that broadband noise and music do not count.
inline constexpr double kHumMinRms = 3.16e-4;  // -70 dBFS
inline constexpr double kHumLineDb = 15.0;
HumReading find_hum(const float* x, size_t n, double rate_hz);

struct DcReading {
    double mean = 0.0;    // linear (full scale = 1)
    bool steady = false;  // every eighth of the window has the same mean within 10 %
};
// DC: the mean, and whether it holds over the window (a real offset) or wanders (the low end
// of music or noise).
DcReading find_dc(const float* x, size_t n);

// Pearson correlation of two windows (their means removed): +1 in phase, -1 one inverted;
// 0 when either is silent.
double correlation(const float* a, const float* b, size_t n);

// The last `capacity` values pushed, in order.
class SampleWindow {
  public:
    explicit SampleWindow(size_t capacity = 0) : data_(capacity) {}
    void push(const float* x, size_t n);
    bool full() const { return filled_ >= data_.size() && !data_.empty(); }
    void clear() { filled_ = next_ = 0; }
    // Oldest first.
    std::vector<float> ordered() const;

  private:
    std::vector<float> data_;
    size_t next_ = 0, filled_ = 0;
};

}  // namespace phantom::doctor
