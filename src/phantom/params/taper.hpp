// How a control's travel maps onto its value: the position 0..1 of a fader, a knob or a
// tablet's slider, and back. One law for every surface (the panel, OSC's /phantom/norm/…, MIDI
// CC and pitch-bend faders), served with each parameter's metadata.
//
//   fader   levels that go down to -inf (volumes, mix gains): Ardour's fader law
//           (gain_to_slider_position_with_max), even steps where the ear hears them, 0 is -inf
//           and 1 is the top of the range; below -90 dB a fader reads -inf.
//   log     frequencies, times, Qs and ratios that span a decade or more (an EQ band's
//           20 Hz–20 kHz, a release's 10–2000 ms, a reverb's 0.2–20 s, Q 0.1–20): equal
//           travel is an equal ratio, as the ear hears pitch and as every desk's frequency
//           knob turns; linear, 20–500 Hz of a 20 kHz knob would be its first 2.5 %.
//   linear  everything else (preamp gain, trim, pan; a switch 0/1; a choice by its index).
#pragma once

#include "phantom/params/param_schema.hpp"

namespace phantom::params {

enum class Taper { Fader, Log, Linear };

// Below this a fader reads -inf: 96 dB under the top is past any converter's noise floor. A
// level set below it is -inf on every surface (ParamTree::check_value).
inline constexpr double kFaderFloorDb = -90.0;

Taper taper_of(const ParamSchema& schema);
const char* to_string(Taper taper);

// [any-thread] Position 0..1 for a value, and the value for a position (clamped to 0..1, then
// to the range). Neither throws.
double to_position(const ParamSchema& schema, double value);
double from_position(const ParamSchema& schema, double position);

}  // namespace phantom::params
