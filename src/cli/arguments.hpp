// Parsing of the small argument forms the subcommands share: KEY=VALUE and durations.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

namespace phantom::cli {

// "in1=a.wav" → {"in1", "a.wav"}; throws UsageError naming the option.
std::pair<std::string, std::string> split_assignment(const std::string& text,
                                                     const std::string& option);

// "60s", "1.5m", "500ms", "2h", "48000f" (frames) or a bare number of seconds → frames.
std::uint64_t parse_duration_frames(const std::string& text, std::uint32_t sample_rate_hz);

}  // namespace phantom::cli
