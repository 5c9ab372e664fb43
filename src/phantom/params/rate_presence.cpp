#include "phantom/params/rate_presence.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace phantom::params {

std::string rate_family_text(std::uint32_t sample_rate_hz) {
    switch (device::rate_family(sample_rate_hz)) {
        case device::RateFamily::Single:
            return "44.1/48 kHz";
        case device::RateFamily::Double:
            return "88.2/96 kHz (S/MUX)";
        case device::RateFamily::Quad:
            return "176.4/192 kHz (S/MUX4)";
    }
    return "?";
}

bool RatePresence::id_absent(const std::string& id) const {
    return std::find(absent_ids.begin(), absent_ids.end(), id) != absent_ids.end();
}

std::string RatePresence::why_absent(const std::string& id) const {
    for (const auto& r : reasons)
        if (r.id == id)
            return fmt::format("{} does not exist at {} Hz: {} carries {} channel{} at {}", id,
                               sample_rate_hz, r.port_label, r.channels_here,
                               r.channels_here == 1 ? "" : "s", rate_family_text(sample_rate_hz));
    return "";
}

std::string RatePresence::absent_id_in(const std::string& path) const {
    if (absent_ids.empty()) return "";
    size_t start = 1;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string segment = path.substr(start, end - start);
        if (id_absent(segment)) return segment;
        start = end + 1;
    }
    return "";
}

RatePresence rate_presence(const device::DeviceSpec& spec, const InterfaceParams& layout,
                           std::uint32_t sample_rate_hz) {
    RatePresence p;
    p.sample_rate_hz = sample_rate_hz;
    auto port_named = [&](const std::string& id) -> const device::DigitalPortSpec* {
        for (const auto& port : spec.digital_ports)
            if (port.id == id) return &port;
        return nullptr;
    };
    auto mark_absent = [&](const std::string& id, const device::DigitalPortSpec& port) {
        p.absent_ids.push_back(id);
        p.reasons.push_back(
            {id, port.label.empty() ? port.id : port.label, port.channels_at(sample_rate_hz)});
    };
    p.output.assign(spec.outputs.size(), 1);
    for (size_t o = 0; o < spec.outputs.size(); ++o) {
        const auto& out = spec.outputs[o];
        if (out.digital_port.empty()) continue;
        const auto* port = port_named(out.digital_port);
        if (port && out.digital_first_channel >= port->channels_at(sample_rate_hz)) {
            p.output[o] = 0;
            mark_absent(out.id, *port);
        }
    }
    p.source.assign(layout.sources.size(), 1);
    for (size_t s = 0; s < layout.sources.size(); ++s) {
        const SourceInfo& src = layout.sources[s];
        if (src.kind == SourceKind::Digital) {
            const auto& port = spec.digital_ports[static_cast<size_t>(src.digital_port)];
            if (src.digital_channel >= port.channels_at(sample_rate_hz)) {
                p.source[s] = 0;
                mark_absent(src.id, port);
            }
        } else if (src.kind == SourceKind::Playback && src.default_output >= 0 &&
                   !p.output[static_cast<size_t>(src.default_output)]) {
            const auto& out = spec.outputs[static_cast<size_t>(src.default_output)];
            p.source[s] = 0;
            mark_absent(src.id, *port_named(out.digital_port));
        }
    }
    p.param.assign(layout.tree.size(), 1);
    if (!p.absent_ids.empty())
        for (size_t i = 0; i < layout.tree.size(); ++i)
            if (!p.absent_id_in(layout.tree.schema(static_cast<ParamIndex>(i)).path).empty())
                p.param[i] = 0;
    return p;
}

}  // namespace phantom::params
