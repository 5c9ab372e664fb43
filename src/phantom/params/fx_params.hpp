// The FX buses' parameters (TotalMix FX's Reverb and Echo): one sound for each, shared by
// every submix, and in every submix its own sends and returns, all off by default so a
// session without FX sounds as before, bit for bit:
//
//   /fx/reverb/size|decay|predelay|damping|width          the reverb (dsp/reverb.hpp)
//   /fx/echo/time|sync|tempo|note|feedback|highcut_on|highcut|pingpong   the echo (dsp/echo.hpp)
//   /mix/<bus>/<source>/reverb, /mix/<bus>/<source>/echo  the source's sends in that submix, dB
//   /output/<bus>/reverb_return, /output/<bus>/echo_return   the FX's return into that submix
//   /output/<bus>/reverb_pre, /output/<bus>/echo_pre      the submix's sends before the fader
//   /output/<bus>/reverb_builtin, /output/<bus>/echo_builtin   the built-in FX runs on the bus;
//                       off: the sends reach the bus's plugin slots dry (plugin_params.hpp),
//                       so an LV2 reverb or echo there is the submix's FX
//
// A submix is named by the output that owns it (as /mix/<bus>); speaker set B plays the
// monitor submix and has none of its own.
#pragma once

#include <array>
#include <string>

#include "phantom/params/param_tree.hpp"

namespace phantom::params {

struct InterfaceParams;

// The two FX of a submix, in this order wherever a pair of ids or buses is kept.
inline constexpr int kFxReverb = 0, kFxEcho = 1, kFxKinds = 2;
const char* fx_name(int kind);  // "reverb", "echo"

struct FxSettingsIds {
    ParamIndex reverb_size = -1, reverb_decay = -1, reverb_predelay = -1, reverb_damping = -1,
               reverb_width = -1;
    ParamIndex echo_time = -1, echo_sync = -1, echo_tempo = -1, echo_note = -1, echo_feedback = -1,
               echo_highcut_on = -1, echo_highcut = -1, echo_pingpong = -1;
};

// One submix's returns, pre-fader and built-in switches, by kind.
struct BusFxIds {
    std::array<ParamIndex, kFxKinds> ret{-1, -1};
    std::array<ParamIndex, kFxKinds> pre{-1, -1};
    std::array<ParamIndex, kFxKinds> builtin{-1, -1};
};

// [control-thread] The send of one crosspoint into one FX (called by the mixer's builder so
// that the sends sit beside the crosspoint's gain, pan and mute in the tree).
ParamIndex add_fx_send(ParamTree& tree, const std::string& crosspoint_base, int kind);
// [control-thread] The FX settings and every submix's returns and switches, recorded in
// p.fx and p.bus_fx. Runs after the mixer's parameters.
void add_fx_params(InterfaceParams& p);

}  // namespace phantom::params
