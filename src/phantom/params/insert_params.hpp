// The hardware insert slot of each hardware input (issue 16 §4): an output (the send) and an
// input (the return) bound as one slot on the channel, with outboard gear between them.
//
//   /input/<id>/insert/on       the slot is in the channel (needs a send and a return)
//   /input/<id>/insert/send     none | an output channel ("line3", "main.L" …)
//   /input/<id>/insert/return   none | a hardware input (not the channel itself)
//   /input/<id>/insert/mix      0–100 % wet (the return); the rest is the dry channel
//   /input/<id>/insert/delay    the loop's round trip in frames: measured
//                               (POST /api/inserts/<id>/measure) or set for a known loop
//
// Refused as a whole batch: a return that is the channel itself, an output or a return that
// another insert already uses, a return whose own insert is on, an insert on without a send
// or a return.
#pragma once

#include "phantom/device/device_spec.hpp"
#include "phantom/params/interface_params.hpp"

namespace phantom::params {

// [control-thread] Declares them in p.tree and records their ids in p.inserts. Runs after the
// inputs and the outputs.
void add_insert_params(InterfaceParams& p, const device::DeviceSpec& spec);

}  // namespace phantom::params
