// The spec sheet of a device: what `phantom describe` prints and `GET /api/device` will serve.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "phantom/device/device_spec.hpp"
#include "phantom/params/param_tree.hpp"

namespace phantom::control {

struct ChannelCounts {
    int inputs = 0;   // analog + digital input channels at the rate
    int outputs = 0;  // analog + digital output channels at the rate
};
ChannelCounts channel_counts(const device::DeviceSpec& spec, std::uint32_t sample_rate_hz);

nlohmann::json spec_sheet_json(const device::DeviceSpec& spec);
std::string spec_sheet_text(const device::DeviceSpec& spec);

// `phantom params`: one line per parameter (path, type, range or choices, default, meaning).
std::string param_listing_text(const params::ParamTree& tree, const std::string& prefix);
nlohmann::json param_listing_json(const params::ParamTree& tree, const std::string& prefix);
// One parameter: path, type, description, value, and its min/max/unit/default or choices.
nlohmann::json param_json(const params::ParamTree& tree, params::ParamIndex index);

}  // namespace phantom::control
