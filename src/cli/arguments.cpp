#include "arguments.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "commands.hpp"

namespace phantom::cli {

std::pair<std::string, std::string> split_assignment(const std::string& text,
                                                     const std::string& option) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw UsageError(fmt::format("{} '{}': expected NAME=VALUE", option, text));
    return {text.substr(0, eq), text.substr(eq + 1)};
}

std::uint64_t parse_duration_frames(const std::string& text, std::uint32_t rate) {
    struct Unit {
        const char* suffix;
        double seconds;
    };
    static const Unit kUnits[] = {{"ms", 0.001}, {"s", 1}, {"m", 60}, {"h", 3600}, {"f", 0}};
    std::string number = text;
    double scale = 1.0;
    bool frames = false;
    for (const auto& u : kUnits) {
        std::string suffix = u.suffix;
        if (text.size() > suffix.size() &&
            text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0) {
            number = text.substr(0, text.size() - suffix.size());
            scale = u.seconds;
            frames = u.seconds == 0;
            break;
        }
    }
    double value = 0;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || ptr != number.data() + number.size() || !(value > 0) ||
        !std::isfinite(value))
        throw UsageError(
            fmt::format("--duration '{}': expected a positive duration such as 60s, 1.5m, 500ms or "
                        "48000f",
                        text));
    double total = frames ? value : value * scale * rate;
    if (total > 24.0 * 3600 * rate)
        throw UsageError(fmt::format("--duration '{}': longer than 24 hours", text));
    return static_cast<std::uint64_t>(std::llround(total));
}

std::vector<std::string> mark_values_after_paths(std::vector<std::string> args) {
    if (args.empty() || args[0] != "set") return args;
    bool value_next = false;
    for (size_t k = 1; k < args.size(); ++k) {
        std::string& word = args[k];
        if (word == "--") break;  // CLI11 takes everything after it as a value already
        if (value_next) {
            value_next = false;
            const bool looks_like_option = word.size() > 1 && word[0] == '-';
            if (looks_like_option && word[1] != '-' && word != "-h") word.insert(0, 1, '\0');
            continue;
        }
        if (word == "--http" || word == "--token")
            ++k;  // the option's own value, not a path
        else if (!word.empty() && word[0] == '/')
            value_next = true;
    }
    return args;
}

std::string unmark_value(const std::string& word) {
    return !word.empty() && word[0] == '\0' ? word.substr(1) : word;
}

}  // namespace phantom::cli
