// Parse and validate a device description (TOML) into a DeviceSpec.
// [control-thread] Throws DescriptionError with file:line:column, the field and what was
// expected; never returns a half-valid spec.
#pragma once

#include <cstddef>
#include <string>

#include "phantom/device/device_spec.hpp"

namespace phantom::device {

// Limits of a description (docs/devices.md, "Limits"). The largest interfaces made route about
// 200 channels each way (RME's MADIface XT: 196 in, 198 out); these leave room above that and
// keep the parameter tree (a mix per output of every source) within tens of megabytes.
constexpr size_t kMaxDescriptionBytes = 1 << 20;
constexpr int kMaxAnalogInputs = 256;
constexpr int kMaxDigitalPorts = 16;
constexpr int kMaxOutputs = 256;  // [[output]] tables; digital ports add their pairs
constexpr int kMaxPlayback = 256;
constexpr size_t kMaxStringBytes = 256;  // a label, a name, a connector

DeviceSpec parse_device_file(const std::string& path);
DeviceSpec parse_device_text(const std::string& text, const std::string& source_name);

}  // namespace phantom::device
