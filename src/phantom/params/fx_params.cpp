#include "phantom/params/fx_params.hpp"

#include <fmt/format.h>

#include "phantom/dsp/echo.hpp"
#include "phantom/dsp/reverb.hpp"
#include "phantom/params/interface_params.hpp"
#include "phantom/params/schema_factories.hpp"

namespace phantom::params {

const char* fx_name(int kind) {
    return kind == kFxReverb ? "reverb" : "echo";
}

ParamIndex add_fx_send(ParamTree& tree, const std::string& crosspoint_base, int kind) {
    return tree.add(float_param(crosspoint_base + "/" + fx_name(kind), kFaderOff, kFaderMaxDb,
                                kFaderOff, "dB",
                                kind == kFxReverb ? "send of this source into this output's reverb"
                                                  : "send of this source into this output's echo"));
}

void add_fx_params(InterfaceParams& p) {
    // The ranges are the ones the design functions clamp to (dsp/reverb.hpp, dsp/echo.hpp),
    // the defaults their settings structs' defaults.
    const dsp::ReverbSettings r;
    const dsp::EchoSettings e;
    ParamTree& tree = p.tree;
    FxSettingsIds& ids = p.fx;
    ids.reverb_size = tree.add(float_param("/fx/reverb/size", 0.0, 1.0, r.room_size, "",
                                           "reverb room size: 0 small … 1 large (the lengths of "
                                           "its delay lines, 0.3× … 1.5×)"));
    ids.reverb_decay = tree.add(float_param("/fx/reverb/decay", 0.2, 20.0, r.decay_s, "s",
                                            "reverb decay time RT60 (at low frequencies)"));
    ids.reverb_predelay =
        tree.add(float_param("/fx/reverb/predelay", 0.0, dsp::kReverbMaxPredelayMs, r.predelay_ms,
                             "ms", "reverb pre-delay: time before the reverb starts"));
    ids.reverb_damping = tree.add(float_param("/fx/reverb/damping", 0.0, 1.0, r.damping, "",
                                              "reverb damping: 0 bright … 1 dark (the highs' "
                                              "decay is decay × (1 − 0.9 × damping))"));
    ids.reverb_width = tree.add(float_param("/fx/reverb/width", 0.0, 2.0, r.width, "",
                                            "reverb stereo width: 0 mono, 1 as it is, 2 wide"));
    ids.echo_time =
        tree.add(float_param("/fx/echo/time", 1.0, dsp::kEchoMaxTimeS * 1000.0, e.time_ms, "ms",
                             "echo delay time (unless sync is on), in whole frames"));
    ids.echo_sync = tree.add(
        bool_param("/fx/echo/sync", e.tempo_sync, "echo time from the tempo and the note value"));
    ids.echo_tempo =
        tree.add(float_param("/fx/echo/tempo", 20.0, 300.0, e.tempo_bpm, "bpm", "echo tempo"));
    ids.echo_note =
        tree.add(choice_param("/fx/echo/note", {"1", "1/2", "1/4", "1/8d", "1/8", "1/8t", "1/16"},
                              static_cast<int>(e.note),
                              "echo note value at the tempo (1/8d: dotted eighth, "
                              "1/8t: eighth triplet)"));
    ids.echo_feedback =
        tree.add(float_param("/fx/echo/feedback", 0.0, 0.95, e.feedback, "",
                             "echo feedback: each repeat's level relative to the one before"));
    ids.echo_highcut_on =
        tree.add(bool_param("/fx/echo/highcut_on", e.high_cut_enabled,
                            "high cut in the echo's loop (each repeat darker); off: every "
                            "repeat is an exact copy"));
    ids.echo_highcut = tree.add(float_param("/fx/echo/highcut", 500.0, 20000.0, e.high_cut_hz, "Hz",
                                            "the echo's high cut frequency (12 dB/octave)"));
    ids.echo_pingpong = tree.add(bool_param("/fx/echo/pingpong", e.ping_pong,
                                            "ping-pong: the repeats alternate left and right"));

    p.bus_fx.assign(p.buses.size(), BusFxIds{});
    for (size_t b = 0; b < p.buses.size(); ++b) {
        for (int k = 0; k < kFxKinds; ++k) {
            const std::string name = fx_name(k);
            const std::string base = fmt::format("/output/{}/{}", p.buses[b].id, name);
            p.bus_fx[b].ret[static_cast<size_t>(k)] =
                tree.add(float_param(base + "_return", kFaderOff, kFaderMaxDb, kFaderOff, "dB",
                                     fmt::format("level of the {} in this output's mix", name)));
            p.bus_fx[b].pre[static_cast<size_t>(k)] = tree.add(bool_param(
                base + "_pre", false,
                fmt::format("this mix's {} sends are taken before the fader and mute; off: after "
                            "them, following the fader",
                            name)));
            p.bus_fx[b].builtin[static_cast<size_t>(k)] = tree.add(bool_param(
                base + "_builtin", true,
                fmt::format("the built-in {0} runs on this mix's {0} bus; off: the sends reach "
                            "the bus's plugin slots (/output/{1}/{0}/insert/<n>) dry",
                            name, p.buses[b].id)));
        }
    }
}

}  // namespace phantom::params
