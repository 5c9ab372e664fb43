// A parameter's value as a surface hands it in and gets it back: typed, in the parameter's own
// unit, the same for HTTP, OSC, MIDI, the CLI and session files.
//
//   number  a Float parameter's value (dB, a pan…); -inf is a fader at its bottom
//   switch  a Bool parameter's value
//   text    a Choice's name ("main"), a String's text ("Kick"), or any value as a person
//           types it ("-6", "on", "-inf")
//
// A surface turns its protocol's types into these (JSON true → switch, OSC ,f → number) and
// leaves the meaning to parse_value(), so every surface accepts and refuses the same things.
#pragma once

#include <string>
#include <variant>

#include "phantom/params/param_tree.hpp"

namespace phantom::control {

using Value = std::variant<double, bool, std::string>;

// How the value reads in a message: -6, -inf, on, "main".
std::string describe(const Value& value);

// [control-thread] The tree's number for `value` at parameter `i`; throws params::ParamError
// (WrongType, OutOfRange) naming the path and what is allowed.
double parse_value(const params::ParamTree& tree, params::ParamIndex i, const Value& value);
// The same as a change to apply: a String parameter's change carries its text.
params::ParamChange parse_change(const params::ParamTree& tree, params::ParamIndex i,
                                 const Value& value);
// The parameter's current value, typed by its schema.
Value value_of(const params::ParamTree& tree, params::ParamIndex i);
// `text` is a String parameter's value (ignored for the other types).
Value typed_value(const params::ParamSchema& schema, double number, const std::string& text = {});

}  // namespace phantom::control
