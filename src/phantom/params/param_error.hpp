// Why a parameter command was refused. Kinds map onto HTTP codes at the server (404, 422, 409)
// and onto exit code 2 at the CLI; the message always names the path, the value and what is
// allowed. NotAvailable: the value is well formed, but what it names is not on this machine
// (an LV2 plugin that is not installed).
#pragma once

#include <stdexcept>
#include <string>

namespace phantom::params {

enum class ParamErrorKind { UnknownPath, WrongType, OutOfRange, Conflict, NotAvailable };

class ParamError : public std::runtime_error {
  public:
    ParamError(ParamErrorKind kind, std::string path, const std::string& message)
        : std::runtime_error(message), kind_(kind), path_(std::move(path)) {}
    ParamErrorKind kind() const { return kind_; }
    const std::string& path() const { return path_; }

  private:
    ParamErrorKind kind_;
    std::string path_;
};

}  // namespace phantom::params
