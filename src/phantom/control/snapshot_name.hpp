// What a snapshot may be called, and when two names are one snapshot. Names are the user's
// words ("Verse 2", "Vox & gtr – loud"): any printable text, kept in the state file as JSON
// strings, so nothing in them needs escaping anywhere but where JSON already does it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace phantom::control {

inline constexpr std::size_t kMaxSnapshotNameChars = 64;
// The form every refusal quotes.
inline constexpr const char* kSnapshotNameForm =
    "1 to 64 printable characters (letters, digits, spaces, punctuation; UTF-8), no control "
    "characters, no space at either end";

// Empty when `name` may name a snapshot; else what is wrong with it, e.g. "a control character
// (U+000A) at character 4".
std::string snapshot_name_problem(std::string_view name);

// "Verse" and "verse" are one snapshot: ASCII letters compare without case (other scripts'
// case is left alone: folding them needs Unicode tables this project does not carry).
struct SnapshotNameLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const;
};
bool same_snapshot_name(std::string_view a, std::string_view b);

}  // namespace phantom::control
