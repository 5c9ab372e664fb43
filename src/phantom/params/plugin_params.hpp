// The LV2 plugin slots (issue 16 §3), kPluginSlots of them on each hardware input (after the
// channel strip, before the hardware insert) and on each output (after its volume, before its
// room EQ, delay and limiter), numbered from 1 in signal order:
//
//   /input/<id>/insert/<n>/plugin    the plugin's URI; "" (the default) for none
//   /input/<id>/insert/<n>/bypass    the channel passes dry (the plugin keeps running)
//   /input/<id>/insert/<n>/<symbol>  each control input port of the loaded plugin, with the
//                                    range and default its TTL declares: nodes made when the
//                                    plugin loads (engine/plugin_derivation.cpp)
//                                    On a linked pair (/link/<id>) the first input's slots are
//                                    the pair's (a stereo plugin, or a mono one on each side)
//                                    and the second's stay empty (Interface::pair_plugin_problem)
//   /output/<id>/insert/<n>/…        the same on an output (a pair's slot takes a stereo
//                                    plugin, or a mono one on each side)
//   /output/<bus>/reverb/insert/<n>/…, /output/<bus>/echo/insert/<n>/…
//                                    the same on a submix's FX bus, after its built-in FX
//                                    (fx_params.hpp), before its return
//
// Slots are numbered as one list: the inputs' first ([source * kPluginSlots + n]), then the
// outputs' ([first_output_plugin_slot + output * kPluginSlots + n]), then the FX buses'
// ([first_fx_plugin_slot + (bus * kFxKinds + kind) * kPluginSlots + n]).
#pragma once

#include <string>

#include "phantom/device/device_spec.hpp"
#include "phantom/params/interface_params.hpp"

namespace phantom::params {

// The longest URI a slot takes: far more than any installed plugin's.
inline constexpr size_t kPluginUriMaxChars = 512;

// [control-thread] Declares the slots in p.tree and records their ids in p.plugin_slots.
void add_plugin_params(InterfaceParams& p, const device::DeviceSpec& spec);

// A path of the form /input/<id>/insert/<n>/<symbol> (or an output's, or an FX bus's),
// <symbol> not "plugin" or "bypass": a plugin's control, which exists only while that plugin
// is loaded.
bool is_plugin_control_path(const std::string& path);
// /input/<id>/insert/<n>/plugin (or an output's): the slot's choice of plugin.
bool is_plugin_choice_path(const std::string& path);
// The slot a plugin control's or choice's path belongs to ("/input/in1/insert/2"), or "".
std::string plugin_slot_of_path(const std::string& path);

// "/input/in1/insert/2" for slot 1 (source in1's second), "/output/main/insert/1" for an
// output's, "/output/hp1/reverb/insert/1" for an FX bus's.
std::string plugin_slot_base(const InterfaceParams& p, const device::DeviceSpec& spec, size_t slot);
size_t first_output_plugin_slot(const InterfaceParams& p);
size_t first_fx_plugin_slot(const InterfaceParams& p);

}  // namespace phantom::params
