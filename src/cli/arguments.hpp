// Parsing of the small argument forms the subcommands share: KEY=VALUE, durations, and the
// values after a path on `phantom set`.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace phantom::cli {

// "in1=a.wav" → {"in1", "a.wav"}; throws UsageError naming the option.
std::pair<std::string, std::string> split_assignment(const std::string& text,
                                                     const std::string& option);

// "60s", "1.5m", "500ms", "2h", "48000f" (frames) or a bare number of seconds → frames.
std::uint64_t parse_duration_frames(const std::string& text, std::uint32_t sample_rate_hz);

// `phantom set PATH VALUE …`: the word after a path is its value, whatever it looks like.
// CLI11 takes "-6" for a value but "-inf" or "-.5" for an option it does not know, so before
// it parses (args without the program's name) such a word is marked as a value; a marked word
// starts with a NUL, which no command line can carry. Real options stay options: one that
// starts with "--", and "-h", are never in a value's place as far as this is concerned.
std::vector<std::string> mark_values_after_paths(std::vector<std::string> args);
// The word as typed: the mark taken off, if it has one.
std::string unmark_value(const std::string& word);

}  // namespace phantom::cli
