#include "phantom/device/channel_counts.hpp"

namespace phantom::device {

ChannelCounts channel_counts(const DeviceSpec& spec, std::uint32_t rate) {
    ChannelCounts c;
    c.inputs = static_cast<int>(spec.analog_inputs.size());
    for (const auto& p : spec.digital_ports)
        if (p.input) c.inputs += p.channels_at(rate);
    for (const auto& o : spec.outputs) {
        if (o.digital_port.empty()) {
            c.outputs += o.channels;
        } else {
            for (const auto& p : spec.digital_ports)
                if (p.id == o.digital_port && o.digital_first_channel < p.channels_at(rate))
                    c.outputs += o.channels;
        }
    }
    return c;
}

}  // namespace phantom::device
