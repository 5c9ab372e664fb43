// The one error a device description can raise: where (file:line:column), which field, and
// what was expected. Thrown on the control thread only, caught at the CLI/server boundary.
#pragma once

#include <stdexcept>
#include <string>

namespace phantom::device {

class DescriptionError : public std::runtime_error {
  public:
    DescriptionError(std::string file, int line, int column, std::string field,
                     const std::string& message);

    const std::string& file() const { return file_; }
    int line() const { return line_; }
    int column() const { return column_; }
    const std::string& field() const { return field_; }

  private:
    std::string file_;
    int line_;
    int column_;
    std::string field_;
};

}  // namespace phantom::device
