// A cascade of up to kMaxBiquadSections biquads on one channel or a pair: the engine of the low
// cut, the parametric EQ and the room EQ (their design functions fill the coefficients).
// The signal stays in double from the first section to the last (a scratch block sized in
// prepare()): rounding to float between sections would add a noise floor about 150 dB down,
// which is what a 24 dB/oct low cut at 500 Hz reaches at 20 Hz.
// [audio-thread] process/reset/set_coefficients; [control-thread] prepare.
#pragma once

#include <algorithm>
#include <array>
#include <type_traits>
#include <vector>

#include "phantom/dsp/biquad.hpp"
#include "phantom/dsp/processor.hpp"

namespace phantom::dsp {

inline constexpr int kMaxBiquadSections = 16;

struct BiquadChainCoefficients {
    int section_count = 0;
    std::array<BiquadCoefficients, kMaxBiquadSections> sections{};
};
static_assert(std::is_trivially_copyable_v<BiquadChainCoefficients>);

class BiquadChain final : public Processor {
  public:
    void prepare(double, int max_block_frames) override {
        scratch_.assign(static_cast<size_t>(std::max(max_block_frames, 1)), 0.0);
        reset();
    }

    // [audio-thread] Takes effect from the next sample; the filter memory is kept, so a moved
    // EQ band glides with the signal instead of restarting from silence. Sections past the
    // previous count start from zero memory.
    void set_coefficients(const BiquadChainCoefficients& c) {
        for (int s = coefficients_.section_count; s < c.section_count; ++s)
            for (auto& channel : state_)
                channel[static_cast<size_t>(s)].reset();
        coefficients_ = c;
    }
    const BiquadChainCoefficients& coefficients() const { return coefficients_; }

    void process(const AudioBlock& block) override {
        if (!sanitize_block(block)) {
            reset();
            return;
        }
        if (coefficients_.section_count == 0 || scratch_.empty()) return;
        const int chunk = static_cast<int>(scratch_.size());
        for (int c = 0; c < block.channel_count && c < kMaxChannels; ++c)
            for (int start = 0; start < block.frames; start += chunk)
                process_channel(c, block.channels[c] + start,
                                std::min(chunk, block.frames - start));
    }

    void reset() override {
        for (auto& channel : state_)
            for (auto& s : channel)
                s.reset();
    }

    int latency_frames() const override { return 0; }

  private:
    void process_channel(int channel, float* x, int frames) {
        double* y = scratch_.data();
        for (int i = 0; i < frames; ++i)
            y[i] = x[i];
        auto& states = state_[static_cast<size_t>(channel)];
        for (int s = 0; s < coefficients_.section_count; ++s) {
            const auto& k = coefficients_.sections[static_cast<size_t>(s)];
            auto& st = states[static_cast<size_t>(s)];
            if (k.identity()) {  // a band switched off comes back from silence
                st.reset();
                continue;
            }
            double z1 = st.z1, z2 = st.z2;
            for (int i = 0; i < frames; ++i) {  // transposed direct form II, as biquad_process
                const double in = y[i];
                const double out = k.b0 * in + z1;
                z1 = k.b1 * in - k.a1 * out + z2;
                z2 = k.b2 * in - k.a2 * out;
                y[i] = out;
            }
            st.z1 = flush_denormal(z1);
            st.z2 = flush_denormal(z2);
        }
        for (int i = 0; i < frames; ++i)
            x[i] = static_cast<float>(y[i]);
        flush_denormals(x, frames);
    }

    BiquadChainCoefficients coefficients_;
    std::vector<double> scratch_;
    std::array<std::array<BiquadState, kMaxBiquadSections>, kMaxChannels> state_{};
};

}  // namespace phantom::dsp
