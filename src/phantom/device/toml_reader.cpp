#include "phantom/device/toml_reader.hpp"

#include <fmt/format.h>

#include <cmath>

#include "phantom/device/description_error.hpp"
#include "phantom/device/device_parser.hpp"

namespace phantom::device {

void fail_at(const std::string& file, const toml::source_region& where, const std::string& field,
             const std::string& message) {
    throw DescriptionError(file, static_cast<int>(where.begin.line),
                           static_cast<int>(where.begin.column), field, message);
}

namespace {
const char* type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::table:
            return "a table";
        default:
            return "a date or time";
    }
}
}  // namespace

TomlReader::TomlReader(const toml::table& table, std::string field_prefix, const std::string& file)
    : table_(table), prefix_(std::move(field_prefix)), file_(file) {}

std::string TomlReader::field(std::string_view key) const {
    if (prefix_.empty()) return std::string(key);
    return fmt::format("{}.{}", prefix_, key);
}

bool TomlReader::has(std::string_view key) const {
    return table_.contains(key);
}

const toml::node* TomlReader::node(std::string_view key) {
    used_.emplace(key);
    return table_.get(key);
}

void TomlReader::fail(std::string_view key, const std::string& message) const {
    const toml::node* n = table_.get(key);
    fail_at(file_, n ? n->source() : table_.source(), field(key), message);
}

void TomlReader::fail_type(std::string_view key, const char* expected) const {
    const toml::node* n = table_.get(key);
    fail(key, fmt::format("expected {}, got {}", expected, n ? type_name(*n) : "nothing"));
}

std::string TomlReader::string_of(std::string_view key, const toml::node& n) const {
    const std::string_view text = *n.value<std::string_view>();
    if (text.size() > kMaxStringBytes)
        fail_at(file_, n.source(), field(key),
                fmt::format("a string of {} bytes (at most {})", text.size(), kMaxStringBytes));
    return std::string(text);
}

std::string TomlReader::require_string(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) fail(key, "required field is missing (expected a string)");
    if (!n->is_string()) fail_type(key, "a string");
    return string_of(key, *n);
}

std::string TomlReader::get_string(std::string_view key, std::string fallback) {
    const toml::node* n = node(key);
    if (!n) return fallback;
    if (!n->is_string()) fail_type(key, "a string");
    return string_of(key, *n);
}

double TomlReader::get_number(std::string_view key, double fallback) {
    const toml::node* n = node(key);
    if (!n) return fallback;
    if (!n->is_number()) fail_type(key, "a number");
    const double x = *n->value<double>();
    // TOML has nan and inf literals; no field of a device has a use for them.
    if (!std::isfinite(x)) fail(key, fmt::format("expected a finite number, got {}", x));
    return x;
}

double TomlReader::get_number_in(std::string_view key, double fallback, double min, double max,
                                 std::string_view unit) {
    const double x = get_number(key, fallback);
    if (!(x >= min && x <= max))
        fail(key, fmt::format("expected {:g}..{:g}{}{}, got {:g}", min, max,
                              unit.empty() ? "" : " ", unit, x));
    return x;
}

std::int64_t TomlReader::get_integer(std::string_view key, std::int64_t fallback) {
    const toml::node* n = node(key);
    if (!n) return fallback;
    if (!n->is_integer()) fail_type(key, "an integer");
    return *n->value<std::int64_t>();
}

std::int64_t TomlReader::require_integer(std::string_view key) {
    if (!table_.get(key)) fail(key, "required field is missing (expected an integer)");
    return get_integer(key, 0);
}

int TomlReader::get_int_in(std::string_view key, int fallback, int min, int max,
                           std::string_view what) {
    // Checked as the 64-bit value TOML holds: a narrowing cast first would turn 4294967298
    // into 2.
    const std::int64_t x = get_integer(key, fallback);
    if (x < min || x > max)
        fail(key, fmt::format("expected {}..{}{}{}, got {}", min, max, what.empty() ? "" : " ",
                              what, x));
    return static_cast<int>(x);
}

int TomlReader::require_int_in(std::string_view key, int min, int max, std::string_view what) {
    if (!table_.get(key)) fail(key, "required field is missing (expected an integer)");
    return get_int_in(key, 0, min, max, what);
}

bool TomlReader::get_bool(std::string_view key, bool fallback) {
    const toml::node* n = node(key);
    if (!n) return fallback;
    if (!n->is_boolean()) fail_type(key, "true or false");
    return *n->value<bool>();
}

std::vector<std::string> TomlReader::get_strings(std::string_view key) {
    std::vector<std::string> out;
    const toml::node* n = node(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) fail_type(key, "an array of strings");
    for (const auto& e : *a) {
        if (!e.is_string())
            fail_at(file_, e.source(), field(key),
                    fmt::format("expected a string, got {}", type_name(e)));
        out.push_back(string_of(key, e));
    }
    return out;
}

std::vector<std::int64_t> TomlReader::get_integers(std::string_view key) {
    std::vector<std::int64_t> out;
    const toml::node* n = node(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) fail_type(key, "an array of integers");
    for (const auto& e : *a) {
        if (!e.is_integer())
            fail_at(file_, e.source(), field(key),
                    fmt::format("expected an integer, got {}", type_name(e)));
        out.push_back(*e.value<std::int64_t>());
    }
    return out;
}

std::vector<double> TomlReader::get_numbers(std::string_view key) {
    std::vector<double> out;
    const toml::node* n = node(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) fail_type(key, "an array of numbers");
    for (const auto& e : *a) {
        if (!e.is_number())
            fail_at(file_, e.source(), field(key),
                    fmt::format("expected a number, got {}", type_name(e)));
        const double x = *e.value<double>();
        if (!std::isfinite(x))
            fail_at(file_, e.source(), field(key),
                    fmt::format("expected a finite number, got {}", x));
        out.push_back(x);
    }
    return out;
}

const toml::table* TomlReader::get_table(std::string_view key) {
    const toml::node* n = node(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail_type(key, "a table");
    return n->as_table();
}

void TomlReader::finish() {
    for (const auto& [key, value] : table_) {
        if (used_.count(key.str()) == 0)
            fail_at(file_, value.source(), field(key.str()), "unknown key");
    }
}

}  // namespace phantom::device
