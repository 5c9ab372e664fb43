// Text that came from outside (a request, a file, a plugin's TTL) made safe to print: every
// control character (C0 and DEL) written as \xNN, so none reaches a terminal or a log as a
// command. Shared by the errors of every layer (control::CommandError, lv2::Lv2Error).
#pragma once

#include <fmt/format.h>

#include <string>

namespace phantom::units {

inline std::string visible_text(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            out += fmt::format("\\x{:02x}", byte);
        else
            out += c;
    }
    return out;
}

}  // namespace phantom::units
