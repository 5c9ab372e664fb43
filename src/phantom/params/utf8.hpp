// UTF-8 as every surface receives it: HTTP paths and bodies, OSC strings, session files. Text
// a client chose (a snapshot's name) is checked here once, below every surface, so that what
// the state file holds can always be written back as JSON.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace phantom::params {

// The byte offset of the first byte that is not part of a valid UTF-8 sequence (overlongs,
// surrogates and code points above U+10FFFF count as invalid), or npos when all is valid.
std::size_t find_invalid_utf8(std::string_view text);
// `text` with every invalid byte replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view text);
// The code points of valid UTF-8 `text`; false (and `out` unspecified) when it is not valid.
bool decode_utf8(std::string_view text, std::u32string& out);
// The length of the valid UTF-8 sequence at text[i], or 0 when the byte there starts none.
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

}  // namespace phantom::params
