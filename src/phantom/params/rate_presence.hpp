// Which channels exist at a sample rate. ADAT carries 8 channels at 44.1/48 kHz, 4 at
// 88.2/96 kHz (S/MUX: two lines per channel) and 2 at 176.4/192 kHz, so at double and quad rate
// adat5–8 (adat3–8) are not there at all, as on a hardware interface: no parameters, strips,
// capture or playback channels, JACK ports or meters.
//
// The parameter tree keeps its shape at every rate (the device's largest counts): the values
// of a channel the rate does not carry are kept, unseen and refused, for when it returns. This
// value says which are absent; it is derived once per rate and read by every surface.
//
// Absent at a rate: digital input channels beyond the port's count, the digital outputs
// starting beyond it, the capture channels carrying those inputs, the playback channels whose
// default route feeds those outputs (a playback channel is an output's, RME's factory routing),
// and every parameter whose path names one of them (/input/adat7/trim, /mix/main/adat7/gain,
// /mix/adat7-8/in1/gain, /output/adat7-8/volume, /name/adat7, /link/adat7, …).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "phantom/device/device_spec.hpp"
#include "phantom/params/interface_params.hpp"

namespace phantom::params {

struct RatePresence {
    std::uint32_t sample_rate_hz = 0;
    std::vector<char> source;             // by source index: 1 present
    std::vector<char> output;             // by DeviceSpec output index
    std::vector<char> param;              // by ParamIndex
    std::vector<std::string> absent_ids;  // source and output ids not there, in device order

    bool source_present(size_t s) const { return s < source.size() && source[s]; }
    bool output_present(size_t o) const { return o < output.size() && output[o]; }
    // A node made after the presence (a plugin's control) belongs to a slot that was present
    // when it was made.
    bool param_present(ParamIndex i) const {
        return i >= 0 && (static_cast<size_t>(i) >= param.size() || param[static_cast<size_t>(i)]);
    }
    bool id_absent(const std::string& id) const;
    // "adat7 does not exist at 96000 Hz: ADAT carries 4 channels at 88.2/96 kHz (S/MUX)"; ""
    // when `id` is present.
    std::string why_absent(const std::string& id) const;
    // The absent channel a parameter's path names, or "" if it is present.
    std::string absent_id_in(const std::string& path) const;

    // Held for why_absent's text: the port each absent id belongs to and its count here.
    struct Reason {
        std::string id, port_label;
        int channels_here = 0;
    };
    std::vector<Reason> reasons;
};

RatePresence rate_presence(const device::DeviceSpec& spec, const InterfaceParams& layout,
                           std::uint32_t sample_rate_hz);

// "88.2/96 kHz (S/MUX)" for a rate's family, "44.1/48 kHz" for single rate.
std::string rate_family_text(std::uint32_t sample_rate_hz);

}  // namespace phantom::params
