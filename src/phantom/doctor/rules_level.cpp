// Level (rules.hpp): clipping at the converter and how much to take off, the -10 dBV / +4 dBu
// switch set for other gear, 48 V on a ribbon.
#include <fmt/format.h>

#include <cmath>

#include "phantom/analog/input_front_end.hpp"
#include "phantom/doctor/rules.hpp"
#include "phantom/units/levels.hpp"

namespace phantom::doctor {

namespace {

using device::InputMode;
namespace u = phantom::units;

// A fix for clipping aims the peaks here: 6 dB of headroom over the loudest moment heard.
constexpr double kClipHeadroomDb = 6.0;
// The gap between the two line standards: +4 dBu is 11.8 dB above -10 dBV (physics.md §1).
const double kStandardsGapDb = u::kProLineDbu - u::dbv_to_dbu(u::kConsumerLineDbv);
// A +4 dBu input whose RMS sits this far below its nominal level holds a -10 dBV source:
// 11.8 dB less what music's crest and a quiet passage may take away.
constexpr double kConsumerBelowNominalDb = 8.0;
constexpr double kSineRmsDb = 3.0103;  // a sine's peak over its RMS
// The RMS meter (300 ms time constant) is within 0.2 dB of a new level after 1 s.
constexpr double kSettleS = 1.0;

void clipping(const InputFacts& in, std::vector<Finding>& out) {
    if (!in.clipping) return;
    // The peak before the converter, when it was caught; else at least the headroom.
    const double over = in.over_dbfs > 0 ? in.over_dbfs : 0.0;
    // Rounded up to whole dB, forgiving what a float's last digits add (4.0001 is 4).
    const double take_off = std::ceil(over + kClipHeadroomDb - 0.01);
    Finding f{Severity::Critical, "clipping", in.id,
              in.over_dbfs > 0
                  ? fmt::format("clips at the converter: peaks {:.1f} dB over full scale", over)
                  : std::string("clips at the converter"),
              ""};
    if (in.consumer_level) {
        f.rule = "hot-consumer-input";
        f.what =
            fmt::format("{} on a -10 dBV input: a +4 dBu (pro) source is too hot for it", f.what);
        f.fix = fmt::format(
            "set the input to +4 dBu ({:.1f} dB less sensitive): /input/{}/level "
            "+4dBu",
            kStandardsGapDb, in.id);
        if (take_off > kStandardsGapDb)
            f.fix += fmt::format(", and {:g} dB less at the source",
                                 std::ceil(take_off - kStandardsGapDb));
    } else if (in.spec && in.spec->has_preamp && in.mode != InputMode::Line &&
               in.gain_db - take_off >= in.spec->gain_min_db) {
        f.fix = fmt::format("take {:g} dB off: /input/{}/gain {:g}", take_off, in.id,
                            in.gain_db - take_off);
    } else if (in.has_pad && !in.pad) {
        f.fix = fmt::format("take {:g} dB off: switch the pad on (/input/{}/pad on, -{:g} dB)",
                            take_off, in.id, in.spec->pad_db);
        if (in.spec->has_preamp && take_off > in.spec->pad_db)
            f.fix += fmt::format(" and lower /input/{}/gain by {:g} dB", in.id,
                                 take_off - in.spec->pad_db);
    } else {
        f.fix = fmt::format("take {:g} dB off at the source", take_off);
    }
    out.push_back(f);
}

void consumer_on_pro(const InputFacts& in, std::vector<Finding>& out) {
    if (!in.spec || !in.has_level_switch || in.consumer_level || in.mode != InputMode::Line ||
        in.signal_s < kSettleS)
        return;
    // The meter's RMS of a +4 dBu sine: a full-scale sine reads -3.01 dBFS RMS.
    const double nominal_dbfs =
        u::kProLineDbu - analog::input_full_scale_dbu(*in.spec, false) - kSineRmsDb;
    const double below = nominal_dbfs - in.rms_dbfs;
    if (below < kConsumerBelowNominalDb || below > 3 * kStandardsGapDb) return;
    out.push_back({Severity::Info, "consumer-on-pro", in.id,
                   fmt::format("the level sits {:.0f} dB below +4 dBu (RMS {:.0f} dBFS): a "
                               "consumer (-10 dBV) source on a +4 dBu input",
                               below, in.rms_dbfs),
                   fmt::format("set the input to -10 dBV ({:.1f} dB more sensitive): "
                               "/input/{}/level -10dBV",
                               kStandardsGapDb, in.id)});
}

void phantom_on_ribbon(const InputFacts& in, std::vector<Finding>& out) {
    if (!in.ribbon_with_phantom) return;
    out.push_back({Severity::Critical, "phantom-on-ribbon", in.id,
                   "48 V phantom power on a passive ribbon microphone: a miswired cable or a "
                   "patch bay puts it across the ribbon and destroys it",
                   fmt::format("switch 48 V off: /input/{}/phantom off", in.id)});
}

// A playback channel that carries the loopback back in (a JACK connection, a host program
// monitoring the loopback) and sits in the mix loopback returns: each block comes round again
// one period later, at the loop's gain, and grows until the output clips.
void loopback_feedback(const LoopbackFacts& lb, bool virtual_hardware, std::vector<Finding>& out) {
    std::string paths, mutes, disconnects;
    for (const auto& r : lb.returns) {
        if (!r.in_mix) continue;
        paths += fmt::format("{}{} → {}", paths.empty() ? "" : ", ", r.capture, r.playback);
        mutes +=
            fmt::format("{}/mix/{}/{}/mute on", mutes.empty() ? "" : ", ", lb.output, r.playback);
        if (!r.from.empty())
            disconnects += fmt::format("{}phantom disconnect {} {}",
                                       disconnects.empty() ? "" : "; ", r.from, r.to);
    }
    if (paths.empty()) return;
    Finding f{Severity::Critical, "feedback-loop", lb.output,
              fmt::format("a feedback loop through loopback: loopback returns {0}'s mix to the "
                          "host, which plays it back ({1}) into {0}'s mix: it comes round every "
                          "block, adding to itself, and can grow until it clips ({0} peaks "
                          "{2:.1f} dBFS)",
                          lb.output, paths, lb.output_peak_dbfs),
              fmt::format("break the loop: mute the return in {}'s mix ({})", lb.output, mutes)};
    if (!disconnects.empty())
        f.fix += fmt::format(", or disconnect it: {}", disconnects);
    else if (virtual_hardware)
        f.fix += ", or stop the host program playing the loopback back (its input monitoring)";
    out.push_back(f);
}

}  // namespace

void level_rules(const Facts& facts, std::vector<Finding>& out) {
    loopback_feedback(facts.loopback, facts.virtual_hardware, out);
    for (const auto& in : facts.inputs) {
        phantom_on_ribbon(in, out);
        clipping(in, out);
        if (in.analog) consumer_on_pro(in, out);
    }
}

}  // namespace phantom::doctor
