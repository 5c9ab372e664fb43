// Echo of an FX bus: a stereo delay with feedback, a high cut in the loop (every repeat darker
// than the one before), and ping-pong (the input, summed to mono, enters the left line and the
// repeats alternate sides). Wet only; the bus's return level mixes it. The delay is a time or a
// note value at a tempo, in whole frames: with the high cut off, an impulse comes back exactly
// delay_frames later. A changed time crossfades over 20 ms.
// [control-thread] prepare, design; [audio-thread] the rest.
#pragma once

#include <array>
#include <type_traits>

#include "phantom/dsp/biquad.hpp"
#include "phantom/dsp/delay_line.hpp"
#include "phantom/dsp/processor.hpp"

namespace phantom::dsp {

inline constexpr double kEchoMaxTimeS = 4.0;

// Note values in quarter-note beats.
enum class NoteValue {
    kWhole,
    kHalf,
    kQuarter,
    kDottedEighth,
    kEighth,
    kEighthTriplet,
    kSixteenth
};
double note_value_beats(NoteValue v);

struct EchoSettings {
    double time_ms = 375.0;  // 1 … 4000, used unless tempo_sync
    bool tempo_sync = false;
    double tempo_bpm = 120.0;  // 20 … 300
    NoteValue note = NoteValue::kDottedEighth;
    double feedback = 0.4;         // 0 … 0.95, the level of each repeat relative to the last
    bool high_cut_enabled = true;  // off: every repeat is an exact copy
    double high_cut_hz = 6000.0;   // 500 … 20000
    bool ping_pong = false;
};

struct EchoCoefficients {
    int delay_frames = 1;
    float feedback = 0.4f;
    BiquadCoefficients high_cut;  // identity when off
    bool ping_pong = false;
};
static_assert(std::is_trivially_copyable_v<EchoCoefficients>);

EchoCoefficients design_echo(const EchoSettings& s, double sample_rate_hz);

class Echo final : public Processor {
  public:
    void prepare(double sample_rate_hz, int max_block_frames) override;
    void set_coefficients(const EchoCoefficients& c);
    void process(const AudioBlock& block) override;
    void reset() override;
    int latency_frames() const override { return 0; }

  private:
    EchoCoefficients coefficients_;
    std::array<DelayLine, 2> lines_;
    FadingTap tap_;
    std::array<BiquadState, 2> high_cut_{};
    int fade_frames_ = 960;
    int max_delay_frames_ = 1;
};

}  // namespace phantom::dsp
