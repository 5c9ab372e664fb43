// A strict reader over one TOML table: typed look-ups that fail with file:line:column, and a
// finish() that refuses any key nobody asked for (typos must not be silently ignored).
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

namespace phantom::device {

class TomlReader {
  public:
    TomlReader(const toml::table& table, std::string field_prefix, const std::string& file);

    bool has(std::string_view key) const;
    void mark(std::string_view key) { used_.emplace(key); }  // a key read by other means
    std::string require_string(std::string_view key);
    std::string get_string(std::string_view key, std::string fallback);
    // Numbers are finite (TOML's nan and inf are refused); integers are range-checked as the
    // 64-bit values TOML holds before they narrow to int.
    double get_number(std::string_view key, double fallback);
    double get_number_in(std::string_view key, double fallback, double min, double max,
                         std::string_view unit);
    int get_int_in(std::string_view key, int fallback, int min, int max, std::string_view what);
    int require_int_in(std::string_view key, int min, int max, std::string_view what);
    std::int64_t get_integer(std::string_view key, std::int64_t fallback);
    std::int64_t require_integer(std::string_view key);
    bool get_bool(std::string_view key, bool fallback);
    std::vector<std::string> get_strings(std::string_view key);
    std::vector<std::int64_t> get_integers(std::string_view key);
    std::vector<double> get_numbers(std::string_view key);
    const toml::table* get_table(std::string_view key);

    // Refuse every key that was never looked up.
    void finish();

    // Fail at `key` (or at the table itself when the key is absent).
    [[noreturn]] void fail(std::string_view key, const std::string& message) const;
    void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }

  private:
    const toml::node* node(std::string_view key);
    [[noreturn]] void fail_type(std::string_view key, const char* expected) const;
    std::string field(std::string_view key) const;
    std::string string_of(std::string_view key, const toml::node& n) const;  // length-checked

    const toml::table& table_;
    std::string prefix_;
    const std::string& file_;
    std::set<std::string, std::less<>> used_;
};

[[noreturn]] void fail_at(const std::string& file, const toml::source_region& where,
                          const std::string& field, const std::string& message);

}  // namespace phantom::device
