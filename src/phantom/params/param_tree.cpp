#include "phantom/params/param_tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "phantom/params/taper.hpp"
#include "phantom/params/utf8.hpp"

namespace phantom::params {

const char* to_string(ParamType type) {
    switch (type) {
        case ParamType::Float:
            return "float";
        case ParamType::Bool:
            return "bool";
        case ParamType::Choice:
            return "choice";
        case ParamType::String:
            return "string";
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
        case ParamType::String:
            return fmt::format("text of {} to {} characters, no control characters",
                               s.may_be_empty ? 0 : 1, s.max_chars);
    }
    return "";
}

namespace {

// A control character (C0, DEL, C1, and the line and paragraph separators that end a line in
// JavaScript) would break the one-line forms every surface shows a text in.
bool is_control(char32_t cp) {
    return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029;
}

}  // namespace

std::string text_problem(const ParamSchema& s, const std::string& text) {
    std::u32string chars;
    if (!decode_utf8(text, chars)) return "is not valid UTF-8";
    if (chars.empty()) return s.may_be_empty ? "" : "is empty";
    if (chars.size() > s.max_chars) return fmt::format("is {} characters long", chars.size());
    if (std::any_of(chars.begin(), chars.end(), is_control))
        return "holds a control character (tab, newline …)";
    return "";
}

bool operator==(const ParamSchema& a, const ParamSchema& b) {
    return a.path == b.path && a.type == b.type && a.min == b.min && a.max == b.max &&
           a.default_value == b.default_value && a.unit == b.unit && a.choices == b.choices &&
           a.description == b.description && a.analog_only == b.analog_only &&
           a.default_text == b.default_text && a.max_chars == b.max_chars &&
           a.may_be_empty == b.may_be_empty && a.whole == b.whole;
}

ParamIndex ParamTree::add(ParamSchema schema) {
    auto index = static_cast<ParamIndex>(schemas_.size());
    by_path_.insert(index, schema.path, path_of());
    values_.push_back(schema.type == ParamType::String ? 0.0 : schema.default_value);
    texts_.push_back(schema.type == ParamType::String ? schema.default_text : std::string());
    live_.push_back(1);
    schemas_.push_back(std::move(schema));
    return index;
}

ParamIndex ParamTree::add_node(ParamSchema schema) {
    const std::optional<int> known = by_path_.find(schema.path, path_of());
    if (known && live(*known))
        throw ParamError(ParamErrorKind::Conflict, schema.path,
                         fmt::format("{}: the parameter exists already", schema.path));
    if (known) {
        auto [from, to] = retired_.equal_range(schema.path);
        for (auto it = from; it != to; ++it) {
            const auto i = static_cast<size_t>(it->second);
            if (!(schemas_[i] == schema)) continue;
            const ParamIndex found = it->second;
            retired_.erase(it);
            if (found != *known) by_path_.repoint(found, schema.path, path_of());
            live_[i] = 1;
            values_[i] = schema.type == ParamType::String ? 0.0 : schema.default_value;
            texts_[i] = schema.type == ParamType::String ? schema.default_text : std::string();
            return found;
        }
    }
    const auto index = static_cast<ParamIndex>(schemas_.size());
    if (known)
        by_path_.repoint(index, schema.path, path_of());
    else
        by_path_.insert(index, schema.path, path_of());
    values_.push_back(schema.type == ParamType::String ? 0.0 : schema.default_value);
    texts_.push_back(schema.type == ParamType::String ? schema.default_text : std::string());
    live_.push_back(1);
    schemas_.push_back(std::move(schema));
    return index;
}

void ParamTree::retire(ParamIndex i) {
    if (!live(i)) return;
    live_[static_cast<size_t>(i)] = 0;
    retired_.emplace(schemas_[static_cast<size_t>(i)].path, i);
}

void ParamTree::forget_retired(ParamIndex i) {
    auto [from, to] = retired_.equal_range(schemas_[static_cast<size_t>(i)].path);
    for (auto it = from; it != to; ++it)
        if (it->second == i) {
            retired_.erase(it);
            return;
        }
}

void ParamTree::revive(ParamIndex i) {
    const std::string& path = schemas_[static_cast<size_t>(i)].path;
    const std::optional<int> known = by_path_.find(path, path_of());
    if (!known)
        by_path_.insert(i, path, path_of());
    else if (*known != i)
        by_path_.repoint(i, path, path_of());
    forget_retired(i);
    live_[static_cast<size_t>(i)] = 1;
}

void ParamTree::drop_nodes_after(size_t count) {
    while (schemas_.size() > count) {
        const std::string path = schemas_.back().path;
        forget_retired(static_cast<ParamIndex>(schemas_.size() - 1));
        by_path_.erase(path, path_of());
        schemas_.pop_back();
        values_.pop_back();
        texts_.pop_back();
        live_.pop_back();
        // A retired node the dropped one had taken the path from is found again.
        for (size_t i = schemas_.size(); i-- > 0;)
            if (schemas_[i].path == path) {
                by_path_.insert(static_cast<int>(i), path, path_of());
                break;
            }
    }
}

void ParamTree::reserve(size_t count) {
    live_.reserve(count);
    values_.reserve(count);
    texts_.reserve(count);
    by_path_.reserve(count);
}

bool ParamTree::is_default(ParamIndex i) const {
    if (schema(i).type == ParamType::String) return text(i) == schema(i).default_text;
    return values_[static_cast<size_t>(i)] == schemas_[static_cast<size_t>(i)].default_value;
}

std::optional<ParamIndex> ParamTree::find(const std::string& path) const {
    const std::optional<int> i = by_path_.find(path, path_of());
    if (i && !live(*i)) return std::nullopt;
    return i;
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
            // A level that reaches -inf is -inf below the fader's floor, as its fader reads
            // (taper.hpp): -1e308 dB is stored, saved and shown as what it is, off.
            if (ok && value < kFaderFloorDb && taper_of(s) == Taper::Fader) value = -INFINITY;
            // An LV2 integer or enumeration port: what the plugin runs is what is stored.
            if (ok && s.whole) value = std::clamp(std::round(value), s.min, s.max);
            break;
        case ParamType::Bool:
            ok = value == 0.0 || value == 1.0;
            break;
        case ParamType::Choice:
            ok = value >= 0 && value <= s.max && value == std::floor(value);
            break;
        case ParamType::String:
            ok = value == 0.0;  // the text is the value; see check_text
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
        case ParamType::String:
            check_text(i, raw);
            return 0.0;
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
        case ParamType::String:
            if (v.is_string()) return parse_text(i, v.get<std::string>());
            throw wrong();
    }
    throw wrong();
}

const std::string& ParamTree::check_text(ParamIndex i, const std::string& text) const {
    const ParamSchema& s = schema(i);
    if (s.type != ParamType::String)
        throw ParamError(ParamErrorKind::WrongType, s.path,
                         fmt::format("{}: takes {}, not free text", s.path, allowed_values(s)));
    const std::string problem = text_problem(s, text);
    if (!problem.empty()) {
        // The refused text is quoted only as far as it is safe to show (a log, a terminal).
        std::string shown;
        for (char c : text.substr(0, 40))
            shown += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? '?' : c;
        throw ParamError(ParamErrorKind::OutOfRange, s.path,
                         fmt::format("{}: '{}{}' {} (allowed: {})", s.path, shown,
                                     text.size() > 40 ? "…" : "", problem, allowed_values(s)));
    }
    return text;
}

ParamChange ParamTree::change_from_text(ParamIndex i, const std::string& text) const {
    if (schema(i).type == ParamType::String) return {i, 0.0, check_text(i, text)};
    return {i, parse_text(i, text)};
}

ParamChange ParamTree::change_from_json(ParamIndex i, const nlohmann::json& value) const {
    if (schema(i).type == ParamType::String && value.is_string())
        return change_from_text(i, value.get<std::string>());
    return {i, parse_json(i, value)};
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
        case ParamType::String:
            return "";
    }
    return "";
}

std::string ParamTree::format(ParamIndex i) const {
    if (schema(i).type == ParamType::String) return text(i);
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
        case ParamType::String:
            return text(i);
    }
    return nullptr;
}

std::vector<ParamChange> ParamTree::expand_actions(const std::vector<ParamChange>& changes) const {
    auto action_of = [&](ParamIndex i) -> const ActionRule* {
        for (const auto& a : actions_)
            if (a.trigger == i) return &a;
        return nullptr;
    };
    if (std::none_of(changes.begin(), changes.end(),
                     [&](const ParamChange& c) { return action_of(c.index) != nullptr; }))
        return changes;
    // The values as the batch has them up to each action: "set the volume, then store it as
    // the reference" stores the new volume.
    std::vector<double> seen = values_;
    std::vector<ParamChange> out;
    for (const auto& c : changes) {
        const ActionRule* action = action_of(c.index);
        if (!action) {
            out.push_back(c);
            seen[static_cast<size_t>(c.index)] = c.value;
            continue;
        }
        if (check_value(c.index, c.value) == 0.0) continue;  // "off": nothing to do
        for (auto& step : action->run(seen)) {
            seen[static_cast<size_t>(step.index)] = step.value;
            out.push_back(std::move(step));
        }
    }
    return out;
}

ParamTree::Candidate ParamTree::candidate(const std::vector<ParamChange>& batch) const {
    const std::vector<ParamChange> changes = actions_.empty() ? batch : expand_actions(batch);
    Candidate next{values_, texts_};
    std::vector<double>& candidate = next.values;
    for (const auto& c : changes) {
        if (!live(c.index))  // a node gone with its plugin, named by a stale index
            throw ParamError(ParamErrorKind::UnknownPath, schema(c.index).path,
                             fmt::format("{}: no longer a parameter (its plugin was unloaded)",
                                         schema(c.index).path));
        const double value = check_value(c.index, c.value);
        if (schema(c.index).type == ParamType::String)
            next.texts[static_cast<size_t>(c.index)] = check_text(c.index, c.text);
        candidate[static_cast<size_t>(c.index)] = value;
        for (const auto& group : links_)
            if (std::find(group.begin(), group.end(), c.index) != group.end())
                for (ParamIndex member : group)
                    candidate[static_cast<size_t>(member)] = value;
    }
    follow_gangs(changes, candidate);
    for (const auto& constraint : constraints_) {
        std::string problem = constraint(candidate);
        if (!problem.empty()) {
            // A constraint's message starts with the path it is about ("/output/hp2/mirror:
            // mirror cycle …"); the batch's first path is only a fallback, since the conflict
            // may lie anywhere in it (a client points its error at the path it names).
            std::string path = changes.empty() ? "" : schema(changes.front().index).path;
            if (const auto colon = problem.find(": "); colon != std::string::npos) {
                const std::string named = problem.substr(0, colon);
                if (find(named)) path = named;
            }
            throw ParamError(ParamErrorKind::Conflict, path, problem);
        }
    }
    return next;
}

void ParamTree::follow_gangs(const std::vector<ParamChange>& changes,
                             std::vector<double>& candidate) const {
    if (gangs_.empty()) return;
    // Which parameters the batch names: a recall names thousands, stress-64 has ~3000 rules.
    std::vector<char> named(candidate.size(), 0);
    for (const auto& c : changes)
        named[static_cast<size_t>(c.index)] = 1;
    auto in_batch = [&](ParamIndex i) { return named[static_cast<size_t>(i)] != 0; };
    for (const GangRule& g : gangs_) {
        if (candidate[static_cast<size_t>(g.link)] == 0.0) continue;
        const bool a_set = in_batch(g.a), b_set = in_batch(g.b);
        if (a_set == b_set) continue;  // neither moved, or the batch says where both go
        const ParamIndex mover = a_set ? g.a : g.b, follower = a_set ? g.b : g.a;
        const double before = values_[static_cast<size_t>(mover)];
        const double after = candidate[static_cast<size_t>(mover)];
        double& other = candidate[static_cast<size_t>(follower)];
        if (g.how == Gang::Copy || !std::isfinite(before) || !std::isfinite(after) ||
            !std::isfinite(other)) {
            other = after;
        } else {
            const ParamSchema& s = schema(follower);
            other = std::clamp(other + (after - before), s.min, s.max);
        }
    }
}

std::vector<ParamIndex> ParamTree::apply(const std::vector<ParamChange>& changes) {
    Candidate next = this->candidate(changes);
    std::vector<ParamIndex> changed;
    for (size_t i = 0; i < values_.size(); ++i)
        if ((next.values[i] != values_[i] &&
             !(std::isnan(next.values[i]) && std::isnan(values_[i]))) ||
            next.texts[i] != texts_[i])
            changed.push_back(static_cast<ParamIndex>(i));
    values_ = std::move(next.values);
    texts_ = std::move(next.texts);
    return changed;
}

std::vector<ParamIndex> ParamTree::set(const std::string& path, double value) {
    return apply({{require(path), value}});
}

std::vector<ParamIndex> ParamTree::set_text(const std::string& path, const std::string& text) {
    return apply({change_from_text(require(path), text)});
}

void ParamTree::reset() {
    for (size_t i = 0; i < values_.size(); ++i) {
        const bool is_string = schemas_[i].type == ParamType::String;
        values_[i] = is_string ? 0.0 : schemas_[i].default_value;
        texts_[i] = is_string ? schemas_[i].default_text : std::string();
    }
}

}  // namespace phantom::params
