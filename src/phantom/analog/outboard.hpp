// Outboard gear on the virtual hardware: what a hardware insert's loop holds between the send
// (an output) and the return (an input), so a test knows the loop's true delay and gain. A
// real compressor or pedal delays by its converters or its analog path, scales, band-limits and
// sometimes inverts; a reamp box steps a line-level send down to instrument level for a Hi-Z
// input.
//
// [control-thread] construct; [audio-thread] process (no allocation: the delay line is sized
// in the constructor).
#pragma once

#include <cstddef>
#include <vector>

#include "phantom/dsp/biquad.hpp"

namespace phantom::analog {

struct OutboardSettings {
    double delay_ms = 0.0;     // rounded to whole frames; 0 … kMaxOutboardDelayMs
    double gain_db = 0.0;      // the box's own gain
    double highpass_hz = 0.0;  // 0: none; else a 2nd-order Butterworth high-pass
    double lowpass_hz = 0.0;   // 0: none; else a 2nd-order Butterworth low-pass
    bool invert = false;       // pin 2 and 3 swapped somewhere in the loop
    bool reamp = false;        // a reamp box after the gear: line level down to instrument level
};

inline constexpr double kMaxOutboardDelayMs = 500.0;
// A reamp box takes a +4 dBu line send to a passive pickup's nominal −30 dBu (physics.md §1,
// S10): 34 dB down, as a transformer box with its level control at the nominal mark does.
inline constexpr double kReampGainDb = -34.0;

class Outboard {
  public:
    // Throws std::invalid_argument for a setting out of range (naming it).
    Outboard(const OutboardSettings& settings, double sample_rate_hz);
    // [audio-thread] `in` → `out` (may be the same buffer).
    void process(const float* in, float* out, int frames);
    int delay_frames() const { return delay_frames_; }
    // The loop's linear gain: the box's, the reamp step and the polarity.
    double gain() const { return gain_; }

  private:
    int delay_frames_;
    double gain_;
    std::vector<dsp::BiquadCoefficients> filters_;
    std::vector<dsp::BiquadState> states_;
    std::vector<float> ring_;
    std::size_t write_ = 0;
};

}  // namespace phantom::analog
