#include "phantom/params/taper.hpp"

#include <algorithm>
#include <cmath>

namespace phantom::params {

namespace {

// A range narrower than a decade (a 1–4 Hz rate) turns well enough in its own unit.
constexpr double kLogMinRatio = 10.0;

double fader_position(double db, double max_db) {
    if (!(db > -INFINITY)) return 0.0;
    const double gain = std::pow(10.0, db / 20.0) * 2.0 / std::pow(10.0, max_db / 20.0);
    if (gain <= 0.0) return 0.0;
    return std::clamp(std::pow((6.0 * std::log2(gain) + 192.0) / 198.0, 8.0), 0.0, 1.0);
}

double fader_db(double position, double max_db) {
    if (position <= 0.0) return -INFINITY;
    const double gain = std::pow(2.0, (std::pow(position, 1.0 / 8.0) * 198.0 - 192.0) / 6.0);
    const double db = 20.0 * std::log10(gain * std::pow(10.0, max_db / 20.0) / 2.0);
    return db < kFaderFloorDb ? -INFINITY : std::min(max_db, db);
}

}  // namespace

Taper taper_of(const ParamSchema& s) {
    if (s.type != ParamType::Float) return Taper::Linear;
    if (std::isinf(s.min) && s.min < 0) return Taper::Fader;
    // A Q and a ratio (unitless) are heard as ratios too: Q 0.7 to 1.4 is as wide a step as
    // 7 to 14.
    const bool ratio_heard = s.unit == "Hz" || s.unit == "ms" || s.unit == "s" || s.unit.empty();
    if (ratio_heard && s.min > 0 && s.max >= kLogMinRatio * s.min) return Taper::Log;
    return Taper::Linear;
}

const char* to_string(Taper taper) {
    switch (taper) {
        case Taper::Fader:
            return "fader";
        case Taper::Log:
            return "log";
        case Taper::Linear:
            break;
    }
    return "linear";
}

double to_position(const ParamSchema& s, double value) {
    const Taper taper = taper_of(s);
    if (taper == Taper::Fader) return fader_position(value, s.max);
    if (taper == Taper::Log) {
        if (!(value > 0)) return 0.0;  // NaN too
        return std::clamp(std::log(value / s.min) / std::log(s.max / s.min), 0.0, 1.0);
    }
    if (!(s.max > s.min) || std::isnan(value)) return 0.0;
    return std::clamp((value - s.min) / (s.max - s.min), 0.0, 1.0);
}

double from_position(const ParamSchema& s, double position) {
    const double p = std::isnan(position) ? 0.0 : std::clamp(position, 0.0, 1.0);
    const Taper taper = taper_of(s);
    if (taper == Taper::Fader) return fader_db(p, s.max);
    if (taper == Taper::Log) return std::clamp(s.min * std::pow(s.max / s.min, p), s.min, s.max);
    const double v = s.min + p * (s.max - s.min);
    return s.type == ParamType::Float ? v : std::round(v);
}

}  // namespace phantom::params
