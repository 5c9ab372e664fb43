#include "phantom/dsp/equalizer.hpp"

#include <algorithm>

#include "phantom/dsp/biquad_design.hpp"

namespace phantom::dsp {

BiquadCoefficients design_eq_band(const EqBand& band, double sample_rate_hz) {
    if (!band.enabled) return {};
    // Above 0.45 fs the prewarped bilinear transform crowds the band against Nyquist.
    const double f = clamp_setting(band.frequency_hz, 20.0, 0.45 * sample_rate_hz);
    const double g = clamp_setting(band.gain_db, -kEqMaxGainDb, kEqMaxGainDb);
    const double q = clamp_setting(band.q, 0.1, 20.0);
    switch (band.type) {
        case EqBandType::kBell:
            return g == 0.0 ? BiquadCoefficients{} : rbj_peaking(f, q, g, sample_rate_hz);
        case EqBandType::kLowShelf:
            return g == 0.0 ? BiquadCoefficients{} : rbj_low_shelf(f, q, g, sample_rate_hz);
        case EqBandType::kHighShelf:
            return g == 0.0 ? BiquadCoefficients{} : rbj_high_shelf(f, q, g, sample_rate_hz);
        case EqBandType::kLowPass:
            return rbj_lowpass(f, q, sample_rate_hz);
        case EqBandType::kHighPass:
            return rbj_highpass(f, q, sample_rate_hz);
    }
    return {};
}

BiquadChainCoefficients design_parametric_eq(const ParametricEqSettings& s, double sample_rate_hz) {
    BiquadChainCoefficients c;
    if (!s.enabled) return c;
    // The band count stays 4 whatever is enabled: switching a band on or off keeps the other
    // bands' memory in place (BiquadChain's state is by section index).
    c.section_count = 4;
    for (size_t b = 0; b < 4; ++b) {
        EqBand band = s.bands[b];
        band.type = EqBandType::kBell;
        if (b == 0 && s.low_is_shelf) band.type = EqBandType::kLowShelf;
        if (b == 3 && s.high_is_shelf) band.type = EqBandType::kHighShelf;
        c.sections[b] = design_eq_band(band, sample_rate_hz);
    }
    return c;
}

BiquadChainCoefficients design_room_eq(const RoomEqSettings& s, double sample_rate_hz) {
    BiquadChainCoefficients c;
    if (!s.enabled) return c;
    c.section_count = kRoomEqBands;
    for (size_t b = 0; b < kRoomEqBands; ++b)
        c.sections[b] = design_eq_band(s.bands[b], sample_rate_hz);
    return c;
}

}  // namespace phantom::dsp
