#include "spec_sheet_text.hpp"

#include <fmt/format.h>

#include <cmath>

#include "phantom/analog/headphone_amp.hpp"
#include "phantom/device/channel_counts.hpp"

namespace phantom::cli {

using device::DeviceSpec;

namespace {

// Loads for the headphone lines of the sheet (physics.md §7): a 32 Ω closed-back, an HD 600.
constexpr analog::HeadphoneLoad kLowZ{32.0, 100.0};
constexpr analog::HeadphoneLoad kHighZ{300.0, 97.0};

std::string rate_text(std::uint32_t hz) {
    return hz % 1000 == 0 ? fmt::format("{}", hz / 1000) : fmt::format("{:.1f}", hz / 1000.0);
}

std::string db_text(double v) {
    return std::isinf(v) ? (v < 0 ? "-inf" : "inf") : fmt::format("{:g}", v);
}

}  // namespace

std::string spec_sheet_text(const DeviceSpec& spec) {
    std::string s;
    auto line = [&](const std::string& text) { s += text + "\n"; };
    auto c = device::channel_counts(spec, spec.default_rate);
    line(fmt::format("{} ({})", spec.name, spec.id));
    line(fmt::format("  {} in × {} out at {} kHz; host: {} capture{}, {} playback", c.inputs,
                     c.outputs, rate_text(spec.default_rate), spec.host.capture,
                     spec.host.loopback ? fmt::format(" + {} loopback", spec.host.loopback) : "",
                     spec.host.playback));
    std::string rates;
    for (auto r : spec.sample_rates) {
        auto rc = device::channel_counts(spec, r);
        rates += fmt::format("{}{} kHz ({}×{}; host {}×{})", rates.empty() ? "" : ", ",
                             rate_text(r), rc.inputs, rc.outputs, rc.capture, rc.playback);
    }
    line("  sample rates: " + rates);
    std::string clocks;
    for (const auto& k : spec.clock_sources)
        clocks += (clocks.empty() ? "" : ", ") + k;
    line(fmt::format("  clock: {}; MIDI: {} in, {} out", clocks, spec.midi_inputs,
                     spec.midi_outputs));
    line("");
    line("Inputs");
    for (const auto& in : spec.analog_inputs) {
        std::string controls;
        std::string modes;
        for (auto m : in.modes())
            modes += (modes.empty() ? "" : "/") + std::string(device::to_string(m));
        controls += modes;
        if (in.has_preamp)
            controls +=
                fmt::format(", gain {}–{} dB", db_text(in.gain_min_db), db_text(in.gain_max_db));
        if (in.pad_db > 0) controls += fmt::format(", pad -{} dB", db_text(in.pad_db));
        if (in.phantom)
            controls += in.phantom_group.empty()
                            ? ", 48 V"
                            : fmt::format(", 48 V (shared: {})", in.phantom_group);
        if (in.hiz_ohm > 0)
            controls += in.hiz_ohm >= 1e6 ? fmt::format(", Hi-Z {:g} MΩ", in.hiz_ohm / 1e6)
                                          : fmt::format(", Hi-Z {:g} kΩ", in.hiz_ohm / 1e3);
        if (in.has_level_switch())
            controls += in.kind == device::InputKind::Combo ? ", +4 dBu/-10 dBV (line mode)"
                                                            : ", +4 dBu/-10 dBV";
        controls += ", trim, polarity";
        line(fmt::format("  {:<6} {:<14} {:<6} {}; 0 dBFS = +{:g} dBu", in.id, in.label,
                         device::to_string(in.kind), controls, in.full_scale_dbu));
    }
    if (!spec.digital_ports.empty()) {
        line("");
        line("Digital I/O      channels at 44.1/48 | 88.2/96 | 176.4/192 kHz");
        for (const auto& p : spec.digital_ports)
            line(fmt::format("  {:<8} {:<7} {} | {} | {}", p.label,
                             p.input && p.output ? "in+out"
                             : p.input           ? "in"
                                                 : "out",
                             p.channels[0], p.channels[1], p.channels[2]));
    }
    line("");
    line("Outputs");
    for (const auto& o : spec.outputs) {
        std::string what =
            fmt::format("{}, {}", device::to_string(o.role), o.channels == 2 ? "stereo" : "mono");
        if (o.speaker_set != device::SpeakerSet::None)
            what += fmt::format(", speaker set {}", device::to_string(o.speaker_set));
        if (!o.own_mix)
            what += fmt::format(", mirrors {} only", o.default_mirror);
        else if (o.role != device::OutputRole::Monitor)
            what += ", own mix or mirror";
        if (o.digital_port.empty()) what += fmt::format(", 0 dBFS = +{:g} dBu", o.full_scale_dbu);
        if (o.amp) {
            auto lo =
                analog::drive_headphone(o.amp->max_level_dbu, o.amp->output_impedance_ohm, kLowZ);
            auto hi =
                analog::drive_headphone(o.amp->max_level_dbu, o.amp->output_impedance_ohm, kHighZ);
            what += fmt::format("; amp {:g} Ω out: {:.0f} mW into 32 Ω, {:.0f} mW into 300 Ω",
                                o.amp->output_impedance_ohm, lo.power_mw, hi.power_mw);
        }
        line(fmt::format("  {:<8} {:<18} {}", o.id, o.label, what));
    }
    line("");
    std::string monitor = fmt::format("Monitor: dim {:g} dB", spec.monitor.dim_db);
    if (!spec.monitor.talkback_input.empty())
        monitor += ", talkback on " + spec.monitor.talkback_input;
    if (spec.monitor.direct_monitor) monitor += ", direct monitoring off/mono/stereo";
    line(monitor);
    return s;
}

namespace {
std::string range_text(const params::ParamSchema& sc) {
    switch (sc.type) {
        case params::ParamType::Float:
            return fmt::format("{} … {}{}", db_text(sc.min), db_text(sc.max),
                               sc.unit.empty() ? "" : " " + sc.unit);
        case params::ParamType::Bool:
            return "on|off";
        case params::ParamType::Choice: {
            std::string c;
            for (const auto& x : sc.choices)
                c += (c.empty() ? "" : "|") + x;
            return c;
        }
        case params::ParamType::String:
            return fmt::format("text, {} … {} characters", sc.may_be_empty ? 0 : 1, sc.max_chars);
    }
    return "";
}
}  // namespace

std::string param_listing_text(const params::ParamTree& tree, const std::string& prefix) {
    std::string s;
    for (size_t i = 0; i < tree.size(); ++i) {
        const auto& sc = tree.schema(static_cast<params::ParamIndex>(i));
        if (!tree.live(static_cast<params::ParamIndex>(i))) continue;
        if (sc.path.compare(0, prefix.size(), prefix) != 0) continue;
        s += fmt::format("{:<28} {:<22} default {:<7} {}{}\n", sc.path, range_text(sc),
                         tree.format_value(static_cast<params::ParamIndex>(i), sc.default_value),
                         sc.description, sc.analog_only ? " [virtual hardware]" : "");
    }
    return s;
}

}  // namespace phantom::cli
