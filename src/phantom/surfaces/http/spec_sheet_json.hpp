// The spec sheet of a device as JSON: what `GET /api/device` serves and `phantom describe
// --json` prints; and a device's whole parameter list (`phantom params --json`) in the API's
// own format.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "phantom/device/device_spec.hpp"
#include "phantom/params/param_tree.hpp"

namespace phantom::http {

nlohmann::json spec_sheet_json(const device::DeviceSpec& spec);
nlohmann::json param_listing_json(const params::ParamTree& tree, const std::string& prefix);

}  // namespace phantom::http
