#include "phantom/control/command_error.hpp"

#include <fmt/format.h>

#include "phantom/units/visible_text.hpp"

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
    return units::visible_text(message);
}

}  // namespace phantom::control
