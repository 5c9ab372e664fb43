// Reverb of an FX bus: a feedback delay network (Jot and Chaigne 1991; docs/decisions.md says
// why an FDN). Stereo in (summed to mono), stereo out, wet only (the bus's return level mixes
// it). Per sample:
//   pre-delay → two Schroeder all-passes (early density) → added into 8 delay lines;
//   each line's output passes a one-pole absorption filter whose DC gain is
//   10^(−3·D_i / (RT60·fs)): every line loses 60 dB in RT60 seconds whatever its length D_i, so
//   the whole network decays with the set RT60 at low frequencies, and damping lowers the
//   filter's Nyquist gain so that highs die sooner (RT60 at Nyquist = RT60·(1 − 0.9·damping));
//   an orthonormal 8×8 Hadamard matrix (lossless) feeds the lines back into each other;
//   left and right are two orthogonal sign patterns over the lines, then a width matrix.
// Room size scales the line lengths (0.3× … 1.5× of a base set of mutually prime lengths). A
// changed size moves the read taps, which can be heard as a short glitch in the tail: a new
// room; decay, damping, pre-delay and width change smoothly.
// [control-thread] prepare, design; [audio-thread] the rest.
#pragma once

#include <array>
#include <type_traits>
#include <vector>

#include "phantom/dsp/delay_line.hpp"
#include "phantom/dsp/processor.hpp"

namespace phantom::dsp {

inline constexpr int kReverbLines = 8;
inline constexpr double kReverbMaxPredelayMs = 250.0;

struct ReverbSettings {
    double decay_s = 1.8;       // RT60 at low frequencies, 0.2 … 20 s
    double room_size = 0.5;     // 0 … 1
    double predelay_ms = 10.0;  // 0 … 250
    double damping = 0.4;       // 0 (bright) … 1 (dark)
    double width = 1.0;         // 0 (mono) … 2
};

struct ReverbCoefficients {
    std::array<int, kReverbLines> line_frames{};
    std::array<float, kReverbLines> absorb_gain{};  // b of y = b·x + p·y₋₁
    std::array<float, kReverbLines> absorb_pole{};  // p
    std::array<int, 2> diffuser_frames{};
    int predelay_frames = 0;
    float width = 1.0f;
};
static_assert(std::is_trivially_copyable_v<ReverbCoefficients>);

ReverbCoefficients design_reverb(const ReverbSettings& s, double sample_rate_hz);

class Reverb final : public Processor {
  public:
    void prepare(double sample_rate_hz, int max_block_frames) override;
    void set_coefficients(const ReverbCoefficients& c);
    void process(const AudioBlock& block) override;
    void reset() override;
    int latency_frames() const override { return 0; }

  private:
    ReverbCoefficients requested_;     // as handed over
    ReverbCoefficients coefficients_;  // clamped to the lines prepare() sized
    DelayLine predelay_;
    FadingTap predelay_tap_;
    int fade_frames_ = 240;
    std::array<DelayLine, 2> diffusers_;
    std::array<DelayLine, kReverbLines> lines_;
    std::array<float, kReverbLines> absorb_state_{};
    int max_line_frames_ = 0;
};

}  // namespace phantom::dsp
