// The control room's parameters: the engineer's listening, apart from every performer's mix.
//
//   /solo/<id>               any source or non-monitor output, to the control room
//   /monitor/solo_mode       PFL (before the fader) or AFL (after it)
//   /monitor/solo_output     where solos are heard: the monitors, or another output
//   /monitor/solo_clear      action: clears every solo
//   /monitor/source          what the monitors play: the main mix, an output's mix, a pair
//   /monitor/talkback_to/<o> which outputs talkback reaches (default: the headphones)
//   /monitor/talkback_dim    how far talkback lowers the monitors while held
//   /monitor/reference_level the calibrated listening level; /monitor/recall and
//                            /monitor/store_reference (actions) recall and store it
//
// A device without a monitor output has no control room and none of these.
#pragma once

#include "phantom/device/device_spec.hpp"
#include "phantom/params/interface_params.hpp"

namespace phantom::params {

// [control-thread] Declares them in p.tree and records their ids in p.room. Runs after the
// monitor section and the stereo links, which it uses.
void add_control_room_params(InterfaceParams& p, const device::DeviceSpec& spec);

}  // namespace phantom::params
