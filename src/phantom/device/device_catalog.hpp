// Finding device descriptions: by id in the devices folder, or by path to a .toml file.
// The folder is $PHANTOM_DEVICES_DIR if set, else the one the build was configured with.
#pragma once

#include <string>
#include <vector>

#include "phantom/device/device_spec.hpp"

namespace phantom::device {

inline constexpr const char* kDefaultDeviceId = "studio-8x8";

std::string devices_dir();
std::vector<std::string> list_device_ids();  // sorted

// DEVICE is an id from the devices folder, or a path to a .toml file. [control-thread]
// Throws DescriptionError if it cannot be found or is invalid.
DeviceSpec load_device(const std::string& id_or_path);

}  // namespace phantom::device
