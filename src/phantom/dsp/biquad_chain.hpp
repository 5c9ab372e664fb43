// A cascade of up to kMaxBiquadSections biquads on one channel or a pair: the engine of the low
// cut, the parametric EQ and the room EQ (their design functions fill the coefficients).
// The signal stays in double from the first section to the last: rounding to float between
// sections would add a noise floor about 150 dB down, which is what a 24 dB/oct low cut at
// 500 Hz reaches at 20 Hz.
// [audio-thread] process/reset/set_coefficients; [control-thread] prepare.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <type_traits>
#include <utility>

#include "phantom/dsp/biquad.hpp"
#include "phantom/dsp/processor.hpp"

namespace phantom::dsp {

inline constexpr int kMaxBiquadSections = 16;

struct BiquadChainCoefficients {
    int section_count = 0;
    std::array<BiquadCoefficients, kMaxBiquadSections> sections{};
};
static_assert(std::is_trivially_copyable_v<BiquadChainCoefficients>);

// The chain's magnitude at a frequency in dB, from its coefficients: what the panel draws as the
// EQ curve is the filter that runs. [any-thread]
inline double chain_magnitude_db(const BiquadChainCoefficients& c, double frequency_hz,
                                 double sample_rate_hz) {
    double db = 0;
    for (int s = 0; s < c.section_count; ++s)
        db += 20.0 * std::log10(biquad_magnitude(c.sections[static_cast<size_t>(s)], frequency_hz,
                                                 sample_rate_hz));
    return db;
}

class BiquadChain final : public Processor {
  public:
    void prepare(double, int) override { reset(); }

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
        if (coefficients_.section_count == 0) return;
        for (int c = 0; c < block.channel_count && c < kMaxChannels; ++c)
            process_channel(c, block.channels[c], block.frames);
    }

    void reset() override {
        for (auto& channel : state_)
            for (auto& s : channel)
                s.reset();
    }

    int latency_frames() const override { return 0; }

  private:
    // Sample by sample through all the active sections, the state in locals: section s of
    // frame i and section s − 1 of frame i + 1 do not depend on each other, so the CPU
    // overlaps the sections' recursions (a section's own loop is latency-bound, one frame
    // after the other). The count is a template parameter so that the state stays in
    // registers; no rounding to float between sections.
    template <int N>
    static void run_sections(const BiquadCoefficients* k, BiquadState* const* st, float* x,
                             int frames) {
        double z1[N], z2[N];
        for (int s = 0; s < N; ++s) {
            z1[s] = st[s]->z1;
            z2[s] = st[s]->z2;
        }
        for (int i = 0; i < frames; ++i) {
            double v = x[i];
            for (int s = 0; s < N; ++s) {  // transposed direct form II, as biquad_process
                const double out = k[s].b0 * v + z1[s];
                z1[s] = k[s].b1 * v - k[s].a1 * out + z2[s];
                z2[s] = k[s].b2 * v - k[s].a2 * out;
                v = out;
            }
            x[i] = static_cast<float>(v);
        }
        for (int s = 0; s < N; ++s) {
            st[s]->z1 = flush_denormal(z1[s]);
            st[s]->z2 = flush_denormal(z2[s]);
        }
    }

    template <int... N>
    static void dispatch(std::integer_sequence<int, N...>, int count, const BiquadCoefficients* k,
                         BiquadState* const* st, float* x, int frames) {
        ((count == N + 1 ? run_sections<N + 1>(k, st, x, frames) : void()), ...);
    }

    void process_channel(int channel, float* x, int frames) {
        // Gather the active sections (a band at 0 dB or off is an identity and is skipped;
        // its memory is cleared so that it comes back from silence).
        std::array<BiquadCoefficients, kMaxBiquadSections> k;
        std::array<BiquadState*, kMaxBiquadSections> st;
        int count = 0;
        auto& states = state_[static_cast<size_t>(channel)];
        for (int s = 0; s < coefficients_.section_count; ++s) {
            const auto& c = coefficients_.sections[static_cast<size_t>(s)];
            auto& state = states[static_cast<size_t>(s)];
            if (c.identity()) {
                state.reset();
                continue;
            }
            k[static_cast<size_t>(count)] = c;
            st[static_cast<size_t>(count)] = &state;
            ++count;
        }
        if (count == 0) return;
        dispatch(std::make_integer_sequence<int, kMaxBiquadSections>{}, count, k.data(), st.data(),
                 x, frames);
        flush_denormals(x, frames);
    }

    BiquadChainCoefficients coefficients_;
    std::array<std::array<BiquadState, kMaxBiquadSections>, kMaxChannels> state_{};
};

}  // namespace phantom::dsp
