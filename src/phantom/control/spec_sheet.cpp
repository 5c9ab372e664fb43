#include "phantom/control/spec_sheet.hpp"

#include <fmt/format.h>

#include <cmath>

#include "phantom/analog/headphone_amp.hpp"

namespace phantom::control {

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

ChannelCounts channel_counts(const DeviceSpec& spec, std::uint32_t rate) {
    ChannelCounts c;
    c.inputs = static_cast<int>(spec.analog_inputs.size());
    for (const auto& p : spec.digital_ports)
        if (p.input) c.inputs += p.channels_at(rate);
    for (const auto& o : spec.outputs) {
        if (o.digital_port.empty()) {
            c.outputs += o.channels;
        } else {
            for (const auto& p : spec.digital_ports)
                if (p.id == o.digital_port && o.digital_first_channel < p.channels_at(rate))
                    c.outputs += o.channels;
        }
    }
    return c;
}

nlohmann::json spec_sheet_json(const DeviceSpec& spec) {
    using nlohmann::json;
    json j;
    j["id"] = spec.id;
    j["name"] = spec.name;
    j["sample_rates"] = spec.sample_rates;
    j["default_rate"] = spec.default_rate;
    j["clock_sources"] = spec.clock_sources;
    j["midi"] = {{"inputs", spec.midi_inputs}, {"outputs", spec.midi_outputs}};
    json counts = json::object();
    for (auto r : spec.sample_rates) {
        auto c = channel_counts(spec, r);
        counts[std::to_string(r)] = {{"inputs", c.inputs}, {"outputs", c.outputs}};
    }
    j["channel_counts"] = counts;
    for (const auto& in : spec.analog_inputs) {
        json ji = {{"id", in.id},
                   {"label", in.label},
                   {"kind", device::to_string(in.kind)},
                   {"connector", in.connector},
                   {"full_scale_dbu", in.full_scale_dbu}};
        json modes = json::array();
        for (auto m : in.modes())
            modes.push_back(device::to_string(m));
        ji["modes"] = modes;
        if (in.has_preamp) ji["gain_db"] = {in.gain_min_db, in.gain_max_db};
        if (in.pad_db > 0) ji["pad_db"] = in.pad_db;
        ji["phantom"] = in.phantom;
        if (!in.phantom_group.empty()) ji["phantom_group"] = in.phantom_group;
        if (in.hiz_ohm > 0) ji["hiz_ohm"] = in.hiz_ohm;
        ji["level_switch"] = in.level_switch;
        j["inputs"].push_back(ji);
    }
    j["digital"] = json::array();
    for (const auto& p : spec.digital_ports)
        j["digital"].push_back(
            {{"id", p.id},
             {"label", p.label},
             {"format", device::to_string(p.format)},
             {"input", p.input},
             {"output", p.output},
             {"channels",
              {{"single", p.channels[0]}, {"double", p.channels[1]}, {"quad", p.channels[2]}}}});
    for (const auto& o : spec.outputs) {
        json jo = {{"id", o.id},
                   {"label", o.label},
                   {"role", device::to_string(o.role)},
                   {"channels", o.channels},
                   {"own_mix", o.own_mix},
                   {"full_scale_dbu", o.full_scale_dbu}};
        if (o.speaker_set != device::SpeakerSet::None)
            jo["speaker_set"] = device::to_string(o.speaker_set);
        if (!o.default_mirror.empty()) jo["mirror"] = o.default_mirror;
        if (!o.digital_port.empty()) jo["digital_port"] = o.digital_port;
        if (o.amp)
            jo["amp"] = {{"output_impedance_ohm", o.amp->output_impedance_ohm},
                         {"max_level_dbu", o.amp->max_level_dbu}};
        j["outputs"].push_back(jo);
    }
    j["host"] = {{"capture", spec.host.capture},
                 {"playback", spec.host.playback},
                 {"loopback", spec.host.loopback}};
    j["monitor"] = {{"dim_db", spec.monitor.dim_db},
                    {"talkback_input", spec.monitor.talkback_input},
                    {"direct_monitor", spec.monitor.direct_monitor}};
    return j;
}

std::string spec_sheet_text(const DeviceSpec& spec) {
    std::string s;
    auto line = [&](const std::string& text) { s += text + "\n"; };
    auto c = channel_counts(spec, spec.default_rate);
    line(fmt::format("{} ({})", spec.name, spec.id));
    line(fmt::format("  {} in × {} out at {} kHz; host: {} capture{}, {} playback", c.inputs,
                     c.outputs, rate_text(spec.default_rate), spec.host.capture,
                     spec.host.loopback ? fmt::format(" + {} loopback", spec.host.loopback) : "",
                     spec.host.playback));
    std::string rates;
    for (auto r : spec.sample_rates) {
        auto rc = channel_counts(spec, r);
        rates += fmt::format("{}{} kHz ({}×{})", rates.empty() ? "" : ", ", rate_text(r), rc.inputs,
                             rc.outputs);
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
        if (in.level_switch) controls += ", +4 dBu/-10 dBV";
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
    }
    return "";
}
}  // namespace

std::string param_listing_text(const params::ParamTree& tree, const std::string& prefix) {
    std::string s;
    for (size_t i = 0; i < tree.size(); ++i) {
        const auto& sc = tree.schema(static_cast<params::ParamIndex>(i));
        if (sc.path.compare(0, prefix.size(), prefix) != 0) continue;
        s += fmt::format("{:<28} {:<22} default {:<7} {}{}\n", sc.path, range_text(sc),
                         tree.format_value(static_cast<params::ParamIndex>(i), sc.default_value),
                         sc.description, sc.analog_only ? " [virtual hardware]" : "");
    }
    return s;
}

nlohmann::json param_json(const params::ParamTree& tree, params::ParamIndex index) {
    const auto& sc = tree.schema(index);
    nlohmann::json j = {{"path", sc.path},
                        {"type", params::to_string(sc.type)},
                        {"description", sc.description},
                        {"value", tree.to_json(index)}};
    if (sc.type == params::ParamType::Float) {
        j["min"] = std::isinf(sc.min) ? nlohmann::json("-inf") : nlohmann::json(sc.min);
        j["max"] = sc.max;
        j["unit"] = sc.unit;
        j["default"] = std::isinf(sc.default_value) ? nlohmann::json("-inf")
                                                    : nlohmann::json(sc.default_value);
    } else if (sc.type == params::ParamType::Choice) {
        j["choices"] = sc.choices;
        j["default"] = sc.choices[static_cast<size_t>(sc.default_value)];
    } else {
        j["default"] = sc.default_value != 0.0;
    }
    if (sc.analog_only) j["analog_only"] = true;
    return j;
}

nlohmann::json param_listing_json(const params::ParamTree& tree, const std::string& prefix) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < tree.size(); ++i) {
        auto index = static_cast<params::ParamIndex>(i);
        if (tree.schema(index).path.compare(0, prefix.size(), prefix) == 0)
            out.push_back(param_json(tree, index));
    }
    return out;
}

}  // namespace phantom::control
