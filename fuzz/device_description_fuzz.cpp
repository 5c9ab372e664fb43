// Fuzz target: a device description (TOML text) → parse_device_text. Anything is either
// refused with DescriptionError, or gives a spec whose numbers are finite and in range and
// which builds its parameter tree; a small one (up to 1024 crosspoints) builds a whole
// interface, engine included (a large one would only slow the search down).
#include <cmath>
#include <cstdint>
#include <string>

#include "phantom/device/description_error.hpp"
#include "phantom/device/device_parser.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/params/interface_params.hpp"

namespace {

using namespace phantom;

void require(bool ok) {
    if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    device::DeviceSpec spec;
    try {
        spec = device::parse_device_text(text, "fuzz.toml");
    } catch (const device::DescriptionError&) {
        return 0;
    }
    require(!spec.analog_inputs.empty() && !spec.outputs.empty());
    require(spec.analog_inputs.size() <= static_cast<size_t>(device::kMaxAnalogInputs));
    require(spec.supports_rate(spec.default_rate));
    for (const auto& in : spec.analog_inputs)
        require(std::isfinite(in.pad_db) && std::isfinite(in.hiz_ohm) &&
                std::isfinite(in.mic_impedance_ohm) && std::isfinite(in.line_impedance_ohm) &&
                std::isfinite(in.full_scale_dbu) && std::isfinite(in.gain_min_db) &&
                std::isfinite(in.gain_max_db));
    for (const auto& out : spec.outputs)
        require(std::isfinite(out.full_scale_dbu) && (out.channels == 1 || out.channels == 2));
    require(std::isfinite(spec.monitor.dim_db));
    const params::InterfaceParams p = params::build_interface_params(spec);
    require(p.crosspoints.size() == p.buses.size() * p.sources.size());
    if (p.crosspoints.size() <= 1024) {
        engine::Interface iface(std::move(spec), 48000, 64);
        (void)iface;
    }
    return 0;
}
