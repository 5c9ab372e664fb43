// Why a command was refused, typed: what kind of mistake, on which path, with which value, and
// what would have been allowed. Surfaces map the kind onto their protocol (HTTP status codes,
// an OSC /phantom/error reply, the CLI's exit code 2); the message is the same everywhere.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "phantom/control/value.hpp"

namespace phantom::control {

enum class ErrorKind {
    Malformed,     // the request itself cannot be read (no value, an empty batch, bad JSON)
    UnknownPath,   // no such parameter, snapshot or channel
    WrongType,     // a switch given a number, a level given a word
    OutOfRange,    // a number outside the range, a name that is not allowed
    NotAvailable,  // the control exists, but not on this hardware (48 V on JACK)
    Conflict,      // valid alone, refused with the rest (a mirror cycle, a name taken)
    Stopping,      // Phantom is stopping: the command was not carried out
};

const char* to_string(ErrorKind kind);

// The message with every control character (C0 and DEL) written as \xNN. A message quotes
// what the user sent, and what() is a C string: a NUL sent as %00 cut the message short on
// every surface, and a raw escape would reach the CLI's terminal.
std::string visible_message(const std::string& message);

class CommandError : public std::runtime_error {
  public:
    CommandError(ErrorKind kind, const std::string& message, std::string path = {},
                 std::optional<Value> value = std::nullopt, std::string allowed = {})
        : std::runtime_error(visible_message(message)),
          kind_(kind),
          path_(std::move(path)),
          value_(std::move(value)),
          allowed_(std::move(allowed)) {}

    ErrorKind kind() const { return kind_; }
    const std::string& path() const { return path_; }
    const std::optional<Value>& value() const { return value_; }
    const std::string& allowed() const { return allowed_; }

  private:
    ErrorKind kind_;
    std::string path_;
    std::optional<Value> value_;
    std::string allowed_;
};

}  // namespace phantom::control
