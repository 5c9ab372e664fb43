// The LV2 plugin slots of each hardware input (issue 16 §3), kPluginSlots of them, numbered
// from 1 in signal order (after the channel strip, before the hardware insert):
//
//   /input/<id>/insert/<n>/plugin    the plugin's URI; "" (the default) for none
//   /input/<id>/insert/<n>/bypass    the channel passes dry (the plugin keeps running)
//   /input/<id>/insert/<n>/<symbol>  each control input port of the loaded plugin, with the
//                                    range and default its TTL declares: nodes made when the
//                                    plugin loads (engine/plugin_derivation.cpp)
#pragma once

#include <string>

#include "phantom/params/interface_params.hpp"

namespace phantom::params {

// The longest URI a slot takes: far more than any installed plugin's.
inline constexpr size_t kPluginUriMaxChars = 512;

// [control-thread] Declares the slots in p.tree and records their ids in p.plugin_slots.
void add_plugin_params(InterfaceParams& p);

// A path of the form /input/<id>/insert/<n>/<symbol>, <symbol> not "plugin" or "bypass": a
// plugin's control, which exists only while that plugin is loaded.
bool is_plugin_control_path(const std::string& path);

// "/input/in1/insert/2" for slot index 1 of source in1.
std::string plugin_slot_base(const InterfaceParams& p, size_t source, int slot);

}  // namespace phantom::params
