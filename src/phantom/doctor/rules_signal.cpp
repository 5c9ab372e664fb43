// The signal itself (rules.hpp): mains hum, DC offset, a pair that cancels in mono.
#include <fmt/format.h>

#include <cmath>

#include "phantom/doctor/rules.hpp"

namespace phantom::doctor {

namespace {

// A DC offset that matters: 1 % of full scale (-40 dBFS) costs headroom and clicks at every
// cut and mute; a converter's own is 60 dB lower.
constexpr double kDcMin = 0.01;
// A pair this anti-correlated loses most of itself in mono (-1: all of it).
constexpr double kCancelCorrelation = -0.5;
constexpr double kPairMinRmsDbfs = -60.0;

void hum(const InputFacts& in, std::vector<Finding>& out) {
    if (!in.analysed || in.hum_hz <= 0) return;
    out.push_back({Severity::Warning, "hum", in.id,
                   fmt::format("mains hum at {:g} Hz and its harmonics ({:.0f} dBFS)", in.hum_hz,
                               to_dbfs(in.hum_total_rms)),
                   "a ground loop: power the gear from one outlet strip, use balanced cables or a "
                   "DI box with ground lift (never lift the safety earth)"});
}

void dc_offset(const InputFacts& in, std::vector<Finding>& out) {
    if (!in.analysed || !in.dc_steady || std::abs(in.dc) < kDcMin) return;
    out.push_back({Severity::Warning, "dc-offset", in.id,
                   fmt::format("a DC offset of {:.0f} dBFS ({:+.3f} of full scale): it costs "
                               "headroom and clicks at cuts",
                               to_dbfs(std::abs(in.dc)), in.dc),
                   "a faulty source or cable (a leaking coupling capacitor): check the source; "
                   "remove it in the DAW with a high-pass meanwhile"});
}

void mono_cancel(const Facts& facts, const PairFacts& p, std::vector<Finding>& out) {
    const InputFacts& a = facts.inputs[p.a];
    const InputFacts& b = facts.inputs[p.b];
    if (!p.analysed || p.correlation > kCancelCorrelation || a.rms_dbfs < kPairMinRmsDbfs ||
        b.rms_dbfs < kPairMinRmsDbfs)
        return;
    out.push_back(
        {Severity::Warning, "mono-cancel", a.id + "+" + b.id,
         fmt::format("{} and {} are opposite in polarity (correlation {:.2f}): the pair cancels "
                     "in mono",
                     a.id, b.id, p.correlation),
         fmt::format("one leg of a cable is swapped: /input/{}/polarity {} (or rewire the cable)",
                     b.id, b.polarity ? "off" : "on")});
}

}  // namespace

void signal_rules(const Facts& facts, std::vector<Finding>& out) {
    for (const auto& in : facts.inputs) {
        hum(in, out);
        dc_offset(in, out);
    }
    for (const auto& p : facts.pairs)
        mono_cancel(facts, p, out);
}

}  // namespace phantom::doctor
