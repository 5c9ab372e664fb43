#include "phantom/control/value.hpp"

#include <fmt/format.h>

#include <cmath>

namespace phantom::control {

using params::ParamType;

std::string describe(const Value& value) {
    if (const double* d = std::get_if<double>(&value)) {
        if (std::isinf(*d)) return *d < 0 ? "-inf" : "inf";
        return fmt::format("{}", *d);
    }
    if (const bool* b = std::get_if<bool>(&value)) return *b ? "on" : "off";
    return fmt::format("\"{}\"", std::get<std::string>(value));
}

double parse_value(const params::ParamTree& tree, params::ParamIndex i, const Value& value) {
    const params::ParamSchema& s = tree.schema(i);
    if (const std::string* text = std::get_if<std::string>(&value))
        return tree.parse_text(i, *text);
    const bool fits = (s.type == ParamType::Float && std::holds_alternative<double>(value)) ||
                      (s.type == ParamType::Bool && std::holds_alternative<bool>(value));
    if (!fits)
        throw params::ParamError(params::ParamErrorKind::WrongType, s.path,
                                 fmt::format("{}: {} has the wrong type (allowed: {})", s.path,
                                             describe(value), params::allowed_values(s)));
    if (const bool* b = std::get_if<bool>(&value)) return *b ? 1.0 : 0.0;
    const double number = std::get<double>(value);
    if (std::isnan(number))
        throw params::ParamError(
            params::ParamErrorKind::OutOfRange, s.path,
            fmt::format("{}: NaN is not a value (allowed: {})", s.path, params::allowed_values(s)));
    return tree.check_value(i, number);
}

params::ParamChange parse_change(const params::ParamTree& tree, params::ParamIndex i,
                                 const Value& value) {
    const params::ParamSchema& s = tree.schema(i);
    if (s.type != ParamType::String) return {i, parse_value(tree, i, value)};
    if (const std::string* text = std::get_if<std::string>(&value))
        return tree.change_from_text(i, *text);
    throw params::ParamError(params::ParamErrorKind::WrongType, s.path,
                             fmt::format("{}: {} has the wrong type (allowed: {})", s.path,
                                         describe(value), params::allowed_values(s)));
}

Value typed_value(const params::ParamSchema& s, double number, const std::string& text) {
    switch (s.type) {
        case ParamType::Float:
            return number;
        case ParamType::Bool:
            return number != 0.0;
        case ParamType::Choice: {
            const auto c = static_cast<size_t>(number);
            return number >= 0 && c < s.choices.size() ? s.choices[c] : std::string();
        }
        case ParamType::String:
            return text;
    }
    return number;
}

Value value_of(const params::ParamTree& tree, params::ParamIndex i) {
    return typed_value(tree.schema(i), tree.value(i), tree.text(i));
}

}  // namespace phantom::control
