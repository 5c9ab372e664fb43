#include "phantom/device/channel_counts.hpp"

#include <algorithm>

namespace phantom::device {

namespace {

const DigitalPortSpec* port_named(const DeviceSpec& spec, const std::string& id) {
    for (const auto& p : spec.digital_ports)
        if (p.id == id) return &p;
    return nullptr;
}

bool output_present(const DeviceSpec& spec, const OutputSpec& o, std::uint32_t rate) {
    if (o.digital_port.empty()) return true;
    const auto* p = port_named(spec, o.digital_port);
    return !p || o.digital_first_channel < p->channels_at(rate);
}

}  // namespace

ChannelCounts channel_counts(const DeviceSpec& spec, std::uint32_t rate) {
    ChannelCounts c;
    c.inputs = static_cast<int>(spec.analog_inputs.size());
    int capture_slot = c.inputs;  // analog inputs come first on the capture channels
    c.capture = std::min(spec.host.capture, c.inputs);
    for (const auto& p : spec.digital_ports) {
        if (!p.input) continue;
        c.inputs += p.channels_at(rate);
        for (int ch = 0; ch < p.max_channels(); ++ch, ++capture_slot)
            if (capture_slot < spec.host.capture && ch < p.channels_at(rate)) ++c.capture;
    }
    int playback_slot = 0;
    bool monitor_bus = false;
    for (const auto& o : spec.outputs) {
        const bool present = output_present(spec, o, rate);
        if (present) c.outputs += o.channels;
        if (!o.own_mix) continue;
        if (o.role == OutputRole::Monitor) {
            if (monitor_bus) continue;  // speaker set B plays the monitor bus
            monitor_bus = true;
        }
        for (int ch = 0; ch < o.channels && playback_slot < spec.host.playback;
             ++ch, ++playback_slot)
            if (present) ++c.playback;
    }
    c.playback += std::max(0, spec.host.playback - playback_slot);  // beyond every output's
    return c;
}

std::vector<std::string> output_channel_names(const DeviceSpec& spec) {
    std::vector<std::string> names;
    for (const auto& out : spec.outputs) {
        if (out.channels == 1) {
            names.push_back(out.id);
        } else {
            names.push_back(out.id + ".L");
            names.push_back(out.id + ".R");
        }
    }
    return names;
}

}  // namespace phantom::device
