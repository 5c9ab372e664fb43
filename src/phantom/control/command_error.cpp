#include "phantom/control/command_error.hpp"

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
    }
    return "error";
}

}  // namespace phantom::control
