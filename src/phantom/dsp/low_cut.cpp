#include "phantom/dsp/low_cut.hpp"

#include <algorithm>

#include "phantom/dsp/biquad_design.hpp"

namespace phantom::dsp {

BiquadChainCoefficients design_low_cut(const LowCutSettings& s, double sample_rate_hz) {
    BiquadChainCoefficients c;
    if (!s.enabled) return c;
    const double f = clamp_setting(s.cutoff_hz, kLowCutMinHz, kLowCutMaxHz);
    const int order = static_cast<int>(s.slope);
    for (int k = 0; k < order / 2; ++k)
        c.sections[static_cast<size_t>(c.section_count++)] =
            rbj_highpass(f, butterworth_section_q(order, k), sample_rate_hz);
    if (order % 2 == 1)
        c.sections[static_cast<size_t>(c.section_count++)] =
            first_order_highpass(f, sample_rate_hz);
    return c;
}

}  // namespace phantom::dsp
