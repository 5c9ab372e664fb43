// Parse and validate a device description (TOML) into a DeviceSpec.
// [control-thread] Throws DescriptionError with file:line:column, the field and what was
// expected; never returns a half-valid spec.
#pragma once

#include <string>

#include "phantom/device/device_spec.hpp"

namespace phantom::device {

DeviceSpec parse_device_file(const std::string& path);
DeviceSpec parse_device_text(const std::string& text, const std::string& source_name);

}  // namespace phantom::device
