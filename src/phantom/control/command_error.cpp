#include "phantom/control/command_error.hpp"

#include <fmt/format.h>

namespace phantom::control {

const char* to_string(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Malformed:
            return "malformed";
        case ErrorKind::UnknownPath:
            return "unknown path";
        case ErrorKind::WrongType:
            return "wrong type";
        case ErrorKind::OutOfRange:
            return "out of range";
        case ErrorKind::NotAvailable:
            return "not available";
        case ErrorKind::Conflict:
            return "conflict";
        case ErrorKind::Stopping:
            return "stopping";
    }
    return "error";
}

std::string visible_message(const std::string& message) {
    std::string out;
    out.reserve(message.size());
    for (const char c : message) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            out += fmt::format("\\x{:02x}", byte);
        else
            out += c;
    }
    return out;
}

}  // namespace phantom::control
