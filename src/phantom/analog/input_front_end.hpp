// The analog input stage of the virtual hardware, from a source's units to dBFS at the ADC:
//
//   source unit ─► transducer (V/Pa, pickup RLC into the input's load) ─► cable/load divider
//   ─► pad ─► preamp gain ─► ADC (full scale in dBu, hard clip at 0 dBFS, done by the engine)
//
// [control-thread] Everything here is computed once per change into one linear gain and one
// filter; the engine applies them per block. Units: volts RMS unless named *_peak.
#pragma once

#include <string>

#include "phantom/analog/source_spec.hpp"
#include "phantom/device/device_spec.hpp"
#include "phantom/dsp/biquad.hpp"

namespace phantom::analog {

struct FrontEndSettings {
    device::InputMode mode = device::InputMode::Line;
    double gain_db = 0.0;
    bool pad = false;
    bool phantom = false;
    bool consumer_level = false;  // -10 dBV reference on a line input
};

struct FrontEnd {
    double gain = 0.0;               // source units → dBFS (sample value)
    dsp::BiquadCoefficients filter;  // identity unless a pickup is loaded by the input
    bool condenser_without_phantom = false;
    bool phantom_on_ribbon = false;
};

// Full scale of the ADC in dBu for the input's reference level (+4 dBu or -10 dBV).
double input_full_scale_dbu(const device::InputSpec& in, bool consumer_level);

// Load the input presents in a mode (mic input, Hi-Z instrument input, line input).
double input_impedance_ohm(const device::InputSpec& in, device::InputMode mode);

// What one source unit is at the input's connector, open circuit: volts for electrical and
// pickup sources, volts at the microphone's output for microphones.
double source_volts_per_unit(const SourceSpec& source, const device::InputSpec& in);

FrontEnd analog_front_end(const device::InputSpec& in, const FrontEndSettings& settings,
                          const SourceSpec& source, double sample_rate_hz);

// Digital inputs and playback channels: source units straight to dBFS. Throws
// std::invalid_argument if the source has an analog level (dBu, dB SPL …).
double digital_source_gain(const SourceSpec& source, const std::string& channel_id);

}  // namespace phantom::analog
