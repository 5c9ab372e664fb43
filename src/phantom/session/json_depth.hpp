// How deep a JSON text nests, found before it is parsed. nlohmann's parser is iterative, but
// copying, comparing and dumping a value recurse once per level: a value nested 60 000 levels
// deep overflows the stack of whoever touches it next. Checking the text first means no such
// value is ever built.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace phantom::session {

// The byte offset of the first '[' or '{' (outside strings) that opens level max_depth + 1,
// or none when the text nests no deeper than max_depth. The text need not be valid JSON.
std::optional<size_t> find_nesting_beyond(std::string_view text, int max_depth);

}  // namespace phantom::session
