// How many channels a device has at a sample rate: analog and digital inputs and outputs, the
// digital ports' counts following the rate (ADAT's S/MUX halves them at 88.2/96 kHz).
#pragma once

#include <cstdint>

#include "phantom/device/device_spec.hpp"

namespace phantom::device {

struct ChannelCounts {
    int inputs = 0;   // analog + digital input channels at the rate
    int outputs = 0;  // analog + digital output channels at the rate
};
ChannelCounts channel_counts(const DeviceSpec& spec, std::uint32_t sample_rate_hz);

}  // namespace phantom::device
