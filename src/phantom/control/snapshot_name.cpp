#include "phantom/control/snapshot_name.hpp"

#include <fmt/format.h>

#include "phantom/params/utf8.hpp"

namespace phantom::control {

using params::decode_utf8;
using params::find_invalid_utf8;

namespace {

// Not printable: C0 and C1 controls and DEL; line and paragraph separators; the bidirectional
// overrides and isolates, which make a name read differently from what it is (a log or a
// terminal shows "evil.json" for "nosj.live"); the BOM / zero-width no-break space.
bool printable(char32_t c) {
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) return false;
    if (c == 0x2028 || c == 0x2029 || c == 0xFEFF) return false;
    if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) return false;
    return true;
}

bool is_space(char32_t c) {
    return c == U' ' || c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200B);
}

char fold(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string snapshot_name_problem(std::string_view name) {
    if (name.empty()) return "it is empty";
    if (const std::size_t bad = find_invalid_utf8(name); bad != std::string_view::npos)
        return fmt::format("byte {} is not UTF-8", bad);
    std::u32string text;
    decode_utf8(name, text);
    if (text.size() > kMaxSnapshotNameChars)
        return fmt::format("it has {} characters", text.size());
    for (std::size_t k = 0; k < text.size(); ++k)
        if (!printable(text[k]))
            return fmt::format("a control character (U+{:04X}) at character {}",
                               static_cast<std::uint32_t>(text[k]), k + 1);
    if (is_space(text.front()) || is_space(text.back())) return "it starts or ends with a space";
    return {};
}

bool SnapshotNameLess::operator()(std::string_view a, std::string_view b) const {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t k = 0; k < n; ++k) {
        const char x = fold(a[k]), y = fold(b[k]);
        if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y);
    }
    return a.size() < b.size();
}

bool same_snapshot_name(std::string_view a, std::string_view b) {
    const SnapshotNameLess less;
    return !less(a, b) && !less(b, a);
}

}  // namespace phantom::control
