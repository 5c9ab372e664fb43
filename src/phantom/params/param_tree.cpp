#include "phantom/params/param_tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <nlohmann/json.hpp>

namespace phantom::params {

const char* to_string(ParamType type) {
    switch (type) {
        case ParamType::Float:
            return "float";
        case ParamType::Bool:
            return "bool";
        case ParamType::Choice:
            return "choice";
    }
    return "?";
}

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string number_text(double v) {
    if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
    std::string s = fmt::format("{:.6g}", v);
    return s == "-0" ? "0" : s;
}

}  // namespace

int display_decimals(const ParamSchema& s) {
    if (s.unit == "dB") return 1;
    if (s.unit.empty()) return 2;
    return 3;
}

std::string allowed_values(const ParamSchema& s) {
    switch (s.type) {
        case ParamType::Float:
            return fmt::format("a number from {} to {}{}", number_text(s.min), number_text(s.max),
                               s.unit.empty() ? "" : " " + s.unit);
        case ParamType::Bool:
            return "on or off (true/false, 1/0)";
        case ParamType::Choice: {
            std::string list;
            for (const auto& c : s.choices)
                list += (list.empty() ? "" : ", ") + c;
            return "one of: " + list;
        }
    }
    return "";
}

ParamIndex ParamTree::add(ParamSchema schema) {
    auto index = static_cast<ParamIndex>(schemas_.size());
    by_path_.emplace(schema.path, index);
    values_.push_back(schema.default_value);
    schemas_.push_back(std::move(schema));
    return index;
}

void ParamTree::reserve(size_t count) {
    schemas_.reserve(count);
    values_.reserve(count);
    by_path_.reserve(count);
}

bool ParamTree::is_default(ParamIndex i) const {
    return values_[static_cast<size_t>(i)] == schemas_[static_cast<size_t>(i)].default_value;
}

std::optional<ParamIndex> ParamTree::find(const std::string& path) const {
    auto it = by_path_.find(path);
    if (it == by_path_.end()) return std::nullopt;
    return it->second;
}

ParamIndex ParamTree::require(const std::string& path) const {
    auto i = find(path);
    if (!i)
        throw ParamError(ParamErrorKind::UnknownPath, path,
                         fmt::format("{}: unknown parameter path", path));
    return *i;
}

double ParamTree::check_value(ParamIndex i, double value) const {
    const ParamSchema& s = schema(i);
    bool ok = false;
    switch (s.type) {
        case ParamType::Float:
            ok = !std::isnan(value) && value >= s.min && value <= s.max;
            break;
        case ParamType::Bool:
            ok = value == 0.0 || value == 1.0;
            break;
        case ParamType::Choice:
            ok = value >= 0 && value <= s.max && value == std::floor(value);
            break;
    }
    if (!ok)
        throw ParamError(ParamErrorKind::OutOfRange, s.path,
                         fmt::format("{}: {} is out of range (allowed: {})", s.path,
                                     format_value(i, value), allowed_values(s)));
    return value;
}

double ParamTree::parse_text(ParamIndex i, const std::string& raw) const {
    const ParamSchema& s = schema(i);
    std::string text = lower(raw);
    auto wrong = [&] {
        return ParamError(ParamErrorKind::WrongType, s.path,
                          fmt::format("{}: '{}' is not a valid value (allowed: {})", s.path, raw,
                                      allowed_values(s)));
    };
    switch (s.type) {
        case ParamType::Float: {
            if (!s.unit.empty() && text.size() > s.unit.size() &&
                text.compare(text.size() - s.unit.size(), s.unit.size(), lower(s.unit)) == 0)
                text.resize(text.size() - s.unit.size());
            if (text == "-inf" || text == "off") return check_value(i, -INFINITY);
            double v = 0;
            const char* end = text.data() + text.size();
            auto [ptr, ec] = std::from_chars(text.data(), end, v);
            if (ec != std::errc() || ptr != end || text.empty()) throw wrong();
            return check_value(i, v);
        }
        case ParamType::Bool:
            if (text == "on" || text == "true" || text == "1" || text == "yes") return 1.0;
            if (text == "off" || text == "false" || text == "0" || text == "no") return 0.0;
            throw wrong();
        case ParamType::Choice:
            for (size_t c = 0; c < s.choices.size(); ++c)
                if (lower(s.choices[c]) == text) return static_cast<double>(c);
            throw wrong();
    }
    throw wrong();
}

double ParamTree::parse_json(ParamIndex i, const nlohmann::json& v) const {
    const ParamSchema& s = schema(i);
    auto wrong = [&] {
        return ParamError(ParamErrorKind::WrongType, s.path,
                          fmt::format("{}: {} has the wrong type (allowed: {})", s.path, v.dump(),
                                      allowed_values(s)));
    };
    switch (s.type) {
        case ParamType::Float:
            if (v.is_number()) return check_value(i, v.get<double>());
            if (v.is_string() && (v == "-inf" || v == "off")) return check_value(i, -INFINITY);
            throw wrong();
        case ParamType::Bool:
            if (v.is_boolean()) return v.get<bool>() ? 1.0 : 0.0;
            throw wrong();
        case ParamType::Choice:
            if (v.is_string()) return parse_text(i, v.get<std::string>());
            throw wrong();
    }
    throw wrong();
}

std::string ParamTree::format_value(ParamIndex i, double value) const {
    const ParamSchema& s = schema(i);
    switch (s.type) {
        case ParamType::Float:
            return number_text(value);
        case ParamType::Bool:
            return value != 0.0 ? "on" : "off";
        case ParamType::Choice: {
            auto c = static_cast<size_t>(value);
            return value >= 0 && c < s.choices.size() ? s.choices[c] : number_text(value);
        }
    }
    return "";
}

std::string ParamTree::format(ParamIndex i) const {
    return format_value(i, value(i));
}

nlohmann::json ParamTree::to_json(ParamIndex i) const {
    const ParamSchema& s = schema(i);
    double v = value(i);
    switch (s.type) {
        case ParamType::Float:
            if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
            return v;
        case ParamType::Bool:
            return v != 0.0;
        case ParamType::Choice:
            return format_value(i, v);
    }
    return nullptr;
}

std::vector<double> ParamTree::candidate(const std::vector<ParamChange>& changes) const {
    std::vector<double> candidate = values_;
    for (const auto& c : changes) {
        check_value(c.index, c.value);
        candidate[static_cast<size_t>(c.index)] = c.value;
        for (const auto& group : links_)
            if (std::find(group.begin(), group.end(), c.index) != group.end())
                for (ParamIndex member : group)
                    candidate[static_cast<size_t>(member)] = c.value;
    }
    for (const auto& constraint : constraints_) {
        std::string problem = constraint(candidate);
        if (!problem.empty()) {
            std::string path = changes.empty() ? "" : schema(changes.front().index).path;
            throw ParamError(ParamErrorKind::Conflict, path, problem);
        }
    }
    return candidate;
}

std::vector<ParamIndex> ParamTree::apply(const std::vector<ParamChange>& changes) {
    std::vector<double> candidate = this->candidate(changes);
    std::vector<ParamIndex> changed;
    for (size_t i = 0; i < values_.size(); ++i)
        if (candidate[i] != values_[i] && !(std::isnan(candidate[i]) && std::isnan(values_[i])))
            changed.push_back(static_cast<ParamIndex>(i));
    values_ = std::move(candidate);
    return changed;
}

std::vector<ParamIndex> ParamTree::set(const std::string& path, double value) {
    return apply({{require(path), value}});
}

std::vector<ParamIndex> ParamTree::set_text(const std::string& path, const std::string& text) {
    ParamIndex i = require(path);
    return apply({{i, parse_text(i, text)}});
}

void ParamTree::reset() {
    for (size_t i = 0; i < values_.size(); ++i)
        values_[i] = schemas_[i].default_value;
}

}  // namespace phantom::params
