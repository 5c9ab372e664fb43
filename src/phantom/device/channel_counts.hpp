// How many channels a device has at a sample rate: analog and digital inputs and outputs, the
// digital ports' counts following the rate (ADAT's S/MUX halves them at 88.2/96 kHz), and the
// host's capture and playback channels that carry them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "phantom/device/device_spec.hpp"

namespace phantom::device {

struct ChannelCounts {
    int inputs = 0;    // analog + digital input channels at the rate
    int outputs = 0;   // analog + digital output channels at the rate
    int capture = 0;   // host capture channels (loopback not included) carrying present inputs
    int playback = 0;  // host playback channels whose output exists at the rate
};
// Capture channel k carries input k (analog, then digital, in order). Playback channels feed the
// outputs with a mix of their own in order, a pair to a stereo output and one to a mono one
// (the default routing, params/interface_params); a playback channel of an output the rate
// drops is dropped with it. params::rate_presence says the same channel by channel.
ChannelCounts channel_counts(const DeviceSpec& spec, std::uint32_t sample_rate_hz);
// Every output channel in engine order, named as the host sees it: a mono output by its id, a
// stereo one as "ID.L" and "ID.R" ("line3", "main.L").
std::vector<std::string> output_channel_names(const DeviceSpec& spec);

}  // namespace phantom::device
