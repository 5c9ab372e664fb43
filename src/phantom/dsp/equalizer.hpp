// The channel's 4-band parametric EQ and the output's room/speaker EQ, as settings designed
// into a BiquadChain (RBJ cookbook forms). [any-thread] design functions are pure.
#pragma once

#include <array>

#include "phantom/dsp/biquad_chain.hpp"

namespace phantom::dsp {

enum class EqBandType { kBell, kLowShelf, kHighShelf, kLowPass, kHighPass };

struct EqBand {
    bool enabled = false;
    EqBandType type = EqBandType::kBell;
    double frequency_hz = 1000.0;  // clamped to 20 Hz … 0.45 × the sample rate
    double gain_db = 0.0;          // clamped to ±24 dB; ignored by the passes
    double q = 0.7071;             // clamped to 0.1 … 20
};

inline constexpr double kEqMaxGainDb = 24.0;

// The channel strip's EQ, as TotalMix FX and UA Console lay it out: the low band is a shelf or
// a bell, two bells, the high band a shelf or a bell.
struct ParametricEqSettings {
    bool enabled = false;
    bool low_is_shelf = true;
    bool high_is_shelf = true;
    std::array<EqBand, 4> bands{};  // low, mid 1, mid 2, high; their `type` is set by the flags
};

// The speaker/room correction EQ of an output: any band type, up to 12 bands.
inline constexpr int kRoomEqBands = 12;
struct RoomEqSettings {
    bool enabled = false;
    std::array<EqBand, kRoomEqBands> bands{};
};

BiquadCoefficients design_eq_band(const EqBand& band, double sample_rate_hz);
BiquadChainCoefficients design_parametric_eq(const ParametricEqSettings& s, double sample_rate_hz);
BiquadChainCoefficients design_room_eq(const RoomEqSettings& s, double sample_rate_hz);

}  // namespace phantom::dsp
