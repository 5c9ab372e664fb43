// The spec sheet of a device as text (`phantom describe`) and its parameter tree, one line a
// parameter (`phantom params`).
#pragma once

#include <string>

#include "phantom/device/device_spec.hpp"
#include "phantom/params/param_tree.hpp"

namespace phantom::cli {

std::string spec_sheet_text(const device::DeviceSpec& spec);
std::string param_listing_text(const params::ParamTree& tree, const std::string& prefix);

}  // namespace phantom::cli
