// One control of the interface: its path, type, range, unit, default and meaning. The same
// schema serves every surface (CLI, session files, HTTP, OSC, the panel).
#pragma once

#include <string>
#include <vector>

namespace phantom::params {

// String: a name ("Kick", "Singer cue"); its value is text, kept beside the numbers.
enum class ParamType { Float, Bool, Choice, String };

struct ParamSchema {
    std::string path;
    ParamType type = ParamType::Float;
    double min = 0.0;  // Float: user units, may be -inf (a fader's "off"); Choice: 0
    double max = 1.0;  // Choice: number of choices - 1
    double default_value = 0.0;
    std::string unit;  // "dB", "" …
    std::vector<std::string> choices;
    std::string description;
    bool analog_only = false;  // exists only on virtual hardware (preamp, pad, 48 V …)
    // String: the default text and the longest text allowed, in characters (UTF-8 code points).
    std::string default_text;
    size_t max_chars = 0;
    bool may_be_empty = false;  // String: "" is a value (a plugin slot's "none")
    bool whole = false;         // Float: taken as the nearest whole number (a plugin's integer)
};

bool operator==(const ParamSchema& a, const ParamSchema& b);

const char* to_string(ParamType type);
// What a value must be: "a number from -inf to 12 dB", "one of: none, main, hp1" …
std::string allowed_values(const ParamSchema& schema);
// Decimals a text surface shows of a Float (the CLI's `get`, the panel's readouts): 1 for dB
// (a 0.05 dB difference is far below what anyone hears as a step), 2 for a pan (1 % steps).
int display_decimals(const ParamSchema& schema);
// Why `text` is not a valid String value for `schema` ("" if it is): empty, too long, not
// UTF-8, or holding a control character (a name is one line of printable text).
std::string text_problem(const ParamSchema& schema, const std::string& text);

}  // namespace phantom::params
