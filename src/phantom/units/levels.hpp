// Level units: decibels, dBu, dBV, dBFS, sound pressure. Pure constexpr-friendly arithmetic,
// no dependencies, so every module (and every test) shares one definition of each unit.
//
// Conventions (see docs/decisions.md and shared/reference/physics.md §1):
//  - dBu is re 0.775 V RMS, dBV re 1 V RMS; dBu = dBV + 2.2 dB.
//  - A converter's full scale in dBu is the RMS level of a full-scale sine (AES17), so the
//    peak voltage at 0 dBFS is sqrt(2) times that RMS voltage.
//  - dB SPL is re 20 µPa RMS; 94 dB SPL is 1 Pa.
#pragma once

#include <cmath>
#include <limits>

namespace phantom::units {

inline constexpr double kDbuReferenceVolts = 0.7745966692414834;  // sqrt(0.6): 1 mW in 600 Ω
inline constexpr double kDbvReferenceVolts = 1.0;
inline constexpr double kSplReferencePascal = 20e-6;
inline constexpr double kSqrt2 = 1.4142135623730951;
inline constexpr double kMinusInfinityDb = -std::numeric_limits<double>::infinity();

// Amplitude ratio from decibels; -inf dB is exactly 0.
inline double db_to_gain(double gain_db) {
    return std::isinf(gain_db) && gain_db < 0 ? 0.0 : std::pow(10.0, gain_db / 20.0);
}
inline double gain_to_db(double gain) {
    return gain <= 0.0 ? kMinusInfinityDb : 20.0 * std::log10(gain);
}

inline double dbu_to_volts(double level_dbu) {
    return kDbuReferenceVolts * db_to_gain(level_dbu);
}
inline double dbv_to_volts(double level_dbv) {
    return kDbvReferenceVolts * db_to_gain(level_dbv);
}
inline double volts_to_dbu(double volts_rms) {
    return gain_to_db(volts_rms / kDbuReferenceVolts);
}
inline double volts_to_dbv(double volts_rms) {
    return gain_to_db(volts_rms / kDbvReferenceVolts);
}
inline double dbv_to_dbu(double level_dbv) {
    return level_dbv + gain_to_db(kDbvReferenceVolts / kDbuReferenceVolts);
}

inline double spl_to_pascal(double spl_db) {
    return kSplReferencePascal * db_to_gain(spl_db);
}

// Peak voltage of a full-scale sine for a converter whose 0 dBFS is `full_scale_dbu`.
inline double full_scale_peak_volts(double full_scale_dbu) {
    return kSqrt2 * dbu_to_volts(full_scale_dbu);
}

// Nominal line levels as used by the level switch on line inputs.
inline constexpr double kProLineDbu = 4.0;         // +4 dBu
inline constexpr double kConsumerLineDbv = -10.0;  // -10 dBV

}  // namespace phantom::units
