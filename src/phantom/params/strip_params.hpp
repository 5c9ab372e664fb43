// The channel strips' parameters (TotalMix FX and UA Console order), all off by default so a
// session without them sounds as before, bit for bit:
//
//   /input/<id>/lowcut/on|freq|slope             Butterworth high-pass, 20–500 Hz, 12/18/24 dB/oct
//   /input/<id>/eq/on                            4-band parametric EQ (RBJ cookbook)
//   /input/<id>/eq/<low|mid1|mid2|high>/freq|gain|q, eq/low/type and eq/high/type shelf|bell
//   /input/<id>/comp/on|threshold|ratio|attack|release|knee|makeup
//   /input/<id>/gate/on|threshold|ratio|range|attack|hold|release   expander / gate
//   /input/<id>/rec_fx                           capture after the strip instead of before
//   /output/<id>/eq/on, eq/<1…12>/on|type|freq|gain|q   room / speaker EQ
//   /output/<id>/delay                           alignment delay, 0–50 ms
//   /output/<id>/limiter/on|ceiling|release      headphone outputs: ear protection
//
// On every hardware input (analog and digital); a stereo pair's /link/<id> gangs the two
// channels' strips (Copy) so a move of either moves both, and links their dynamics.
#pragma once

#include "phantom/device/device_spec.hpp"
#include "phantom/params/interface_params.hpp"

namespace phantom::params {

// [control-thread] Declares them in p.tree and records their ids in p.input_strips and
// p.output_strips. Runs after the inputs, the outputs and the stereo links.
void add_strip_params(InterfaceParams& p, const device::DeviceSpec& spec);

// The band names of the input EQ, in order (low, mid1, mid2, high).
const char* input_eq_band_name(int band);

}  // namespace phantom::params
