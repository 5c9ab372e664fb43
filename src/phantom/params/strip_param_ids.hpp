// Which parameter index means what in the channel strips (strip_params.cpp declares them), so
// the engine's derivation never parses a path. -1 where a channel has no such control.
#pragma once

#include <array>

#include "phantom/params/param_schema.hpp"

namespace phantom::params {

using StripParamIndex = int;  // the same as ParamIndex (param_tree.hpp)

struct EqBandIds {
    StripParamIndex on = -1;  // room EQ only: the channel EQ's bands are on at any gain but 0
    StripParamIndex type = -1, freq = -1, gain = -1, q = -1;
};

inline constexpr int kInputEqBands = 4;  // low, mid1, mid2, high
inline constexpr int kOutputEqBands = 12;

// /input/<id>/lowcut/… eq/… comp/… gate/… rec_fx, on every hardware input (analog and
// digital); all -1 on playback channels.
struct InputStripIds {
    StripParamIndex lowcut_on = -1, lowcut_freq = -1, lowcut_slope = -1;
    StripParamIndex eq_on = -1;
    std::array<EqBandIds, kInputEqBands> eq{};
    StripParamIndex comp_on = -1, comp_threshold = -1, comp_ratio = -1, comp_attack = -1,
                    comp_release = -1, comp_knee = -1, comp_makeup = -1;
    StripParamIndex gate_on = -1, gate_threshold = -1, gate_ratio = -1, gate_range = -1,
                    gate_attack = -1, gate_hold = -1, gate_release = -1;
    StripParamIndex rec_fx = -1;
    // On the first channel of each pair that can be linked (in1, in3 …): acting while linked.
    StripParamIndex width = -1, ms = -1;
    bool present() const { return lowcut_on >= 0; }
};

// /output/<id>/eq/… delay, and on headphone outputs limiter/…
struct OutputStripIds {
    StripParamIndex eq_on = -1;
    std::array<EqBandIds, kOutputEqBands> eq{};
    StripParamIndex delay_ms = -1;
    StripParamIndex limiter_on = -1, limiter_ceiling = -1, limiter_release = -1;
};

}  // namespace phantom::params

namespace phantom::params {

// /input/<id>/insert/on|send|return|mix|delay (insert_params.cpp), on every hardware input;
// all -1 on playback channels. The send's choice k ≥ 1 is output channel k − 1 (engine
// order: "line3", "main.L", "main.R" …), the return's choice k ≥ 1 is source k − 1 (a
// hardware input); choice 0 is "none".
struct InsertIds {
    StripParamIndex on = -1, send = -1, ret = -1, mix = -1, delay = -1;
    bool present() const { return on >= 0; }
};

// The LV2 plugin slots of a hardware input (plugin_params.hpp), kPluginSlots of them, in
// signal order after the strip and before the hardware insert; all -1 on playback channels.
// The plugin's own controls are nodes made when it loads (engine/plugin_derivation.cpp).
inline constexpr int kPluginSlots = 2;
struct PluginSlotIds {
    StripParamIndex plugin = -1, bypass = -1;
    bool present() const { return plugin >= 0; }
};

// The longest loop an insert can align, in frames: 0.68 s at 48 kHz, which holds a slow
// converter pair, a long JACK period and outboard gear with a lookahead.
inline constexpr int kMaxInsertDelayFrames = 32768;

}  // namespace phantom::params
