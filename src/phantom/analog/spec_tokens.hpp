// The tokens every text form of the virtual hardware is made of (source specs, fault specs):
// a finite number, and a unit suffix in any case.
#pragma once

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

namespace phantom::analog {

// A finite number and nothing else. from_chars takes "nan", "inf" and "infinity" and says
// "out of range" for 1e400: none of them is a level, a frequency or a time.
inline bool parse_finite(std::string_view text, double& out) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    double value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || text.empty() ||
        !std::isfinite(value))
        return false;
    out = value;
    return true;
}

// "-20dBu" ends with "dbu": head becomes "-20". A token that is only the suffix does not.
inline bool ends_with_ci(const std::string& s, std::string_view suffix, std::string& head) {
    if (s.size() <= suffix.size()) return false;
    for (size_t i = 0; i < suffix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) !=
            std::tolower(static_cast<unsigned char>(suffix[i])))
            return false;
    head = s.substr(0, s.size() - suffix.size());
    return true;
}

}  // namespace phantom::analog
