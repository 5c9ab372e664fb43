#include "phantom/device/description_error.hpp"

#include <fmt/format.h>

namespace phantom::device {

namespace {
std::string format_error(const std::string& file, int line, int column, const std::string& field,
                         const std::string& message) {
    if (line <= 0) return fmt::format("{}: {}", file, message);  // not found, not readable
    if (field.empty()) return fmt::format("{}:{}:{}: {}", file, line, column, message);
    return fmt::format("{}:{}:{}: {}: {}", file, line, column, field, message);
}
}  // namespace

DescriptionError::DescriptionError(std::string file, int line, int column, std::string field,
                                   const std::string& message)
    : std::runtime_error(format_error(file, line, column, field, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      field_(std::move(field)) {}

}  // namespace phantom::device
