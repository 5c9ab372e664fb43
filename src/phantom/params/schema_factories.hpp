// Schema factories and the ranges every mixer control shares, for the files that declare the
// parameters of a device (interface_params.cpp, control_room_params.cpp).
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "phantom/params/param_schema.hpp"

namespace phantom::params {

inline constexpr double kFaderMaxDb = 6.0;  // faders and volumes end at +6 dB
inline const double kFaderOff = -INFINITY;  // a fader's "off"

inline ParamSchema float_param(std::string path, double min, double max, double def,
                               std::string unit, std::string description) {
    ParamSchema s;
    s.path = std::move(path);
    s.type = ParamType::Float;
    s.min = min;
    s.max = max;
    s.default_value = def;
    s.unit = std::move(unit);
    s.description = std::move(description);
    return s;
}

inline ParamSchema bool_param(std::string path, bool def, std::string description) {
    ParamSchema s;
    s.path = std::move(path);
    s.type = ParamType::Bool;
    s.min = 0;
    s.max = 1;
    s.default_value = def ? 1.0 : 0.0;
    s.description = std::move(description);
    return s;
}

inline ParamSchema choice_param(std::string path, std::vector<std::string> choices, int def,
                                std::string description) {
    ParamSchema s;
    s.path = std::move(path);
    s.type = ParamType::Choice;
    s.min = 0;
    s.max = static_cast<double>(choices.size()) - 1;
    s.default_value = def;
    s.choices = std::move(choices);
    s.description = std::move(description);
    return s;
}

}  // namespace phantom::params
