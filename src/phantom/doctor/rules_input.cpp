// No signal on an input in use (rules.hpp). The virtual hardware knows what is plugged in
// (the `--source`), so it can tell a condenser without 48 V from a dead cable; a finding never
// reads the virtual faults themselves, only their effect on the signal.
#include <fmt/format.h>

#include <cmath>

#include "phantom/analog/transducers.hpp"
#include "phantom/doctor/rules.hpp"

namespace phantom::doctor {

namespace {

using analog::Transducer;
using device::InputMode;

// A mic preamp whose peaks stay below this is "far too low": an SM58 at 94 dB SPL into 0 dB
// of gain peaks near -67 dBFS (physics.md §2: 1.85 mV/Pa = -52.4 dBu, full scale +18 dBu).
constexpr double kFarTooLowDbfs = -50.0;
// Where a gain fix aims the peaks: room for the loudest take above a rehearsal's level.
constexpr double kTargetPeakDbfs = -12.0;

bool silent(const InputFacts& in) {
    return in.peak_dbfs < kNoSignalDbfs;
}

void no_phantom(const InputFacts& in, std::vector<Finding>& out) {
    if (in.plugged->transducer != Transducer::Condenser || in.phantom || !silent(in)) return;
    Finding f{Severity::Critical, "no-phantom", in.id,
              "no signal: a condenser microphone without 48 V phantom power", ""};
    f.fix = in.has_phantom ? fmt::format("switch 48 V on: /input/{}/phantom on", in.id)
                           : fmt::format(
                                 "{} has no 48 V: plug the condenser into an input that "
                                 "has it, or use an external supply",
                                 in.id);
    out.push_back(f);
}

void dead_cable(const InputFacts& in, std::vector<Finding>& out) {
    const bool condenser_off = in.plugged->transducer == Transducer::Condenser && !in.phantom;
    if (condenser_off || in.plugged->signal == analog::SignalKind::Silence || !silent(in)) return;
    out.push_back({Severity::Critical, "dead-cable", in.id,
                   fmt::format("no signal although a {} source is plugged in: a dead cable or "
                               "the source is off",
                               analog::to_string(in.plugged->transducer)),
                   "check the source's output and swap the cable"});
}

void instrument_on_mic(const InputFacts& in, std::vector<Finding>& out) {
    if (!analog::is_pickup(in.plugged->transducer) || in.mode != InputMode::Mic) return;
    const bool hiz = in.has_mode && in.spec && in.spec->hiz_ohm > 0;
    out.push_back(
        {Severity::Warning, "instrument-on-mic", in.id,
         fmt::format("an instrument (passive pickup) on a mic input ({:.0f} kΩ): weak and dull",
                     in.spec ? in.spec->mic_impedance_ohm / 1000 : 3.0),
         hiz ? fmt::format("use the Hi-Z input: /input/{}/mode inst", in.id)
             : "plug it into an instrument (Hi-Z) input or through a DI box"});
}

void gain_too_low(const InputFacts& in, std::vector<Finding>& out) {
    if (in.mode != InputMode::Mic || !in.spec || !in.spec->has_preamp || silent(in) ||
        in.peak_dbfs >= kFarTooLowDbfs || in.gain_db >= in.spec->gain_max_db)
        return;
    const double raise = std::ceil(kTargetPeakDbfs - in.peak_dbfs);
    const double to = std::min(in.gain_db + raise, in.spec->gain_max_db);
    out.push_back({Severity::Warning, "gain-too-low", in.id,
                   fmt::format("the mic preamp gain ({:g} dB) is far too low: peaks at {:.0f} dBFS",
                               in.gain_db, in.peak_dbfs),
                   fmt::format("raise the gain by {:g} dB: /input/{}/gain {:g}", to - in.gain_db,
                               in.id, to)});
}

void route_muted(const InputFacts& in, std::vector<Finding>& out) {
    if (silent(in) || !in.routed || !in.all_routes_muted) return;
    out.push_back({Severity::Warning, "route-muted", in.id,
                   fmt::format("plays (peaks {:.0f} dBFS) but is muted in every mix it is "
                               "routed to",
                               in.peak_dbfs),
                   fmt::format("unmute it: {} off", in.muted_path)});
}

}  // namespace

void input_signal_rules(const Facts& facts, std::vector<Finding>& out) {
    for (const auto& in : facts.inputs) {
        if (in.analog && in.plugged && facts.virtual_hardware) {
            no_phantom(in, out);
            dead_cable(in, out);
            instrument_on_mic(in, out);
        }
        if (in.analog && facts.virtual_hardware) gain_too_low(in, out);
        route_muted(in, out);
    }
}

}  // namespace phantom::doctor
