#include "phantom/params/interface_params.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "phantom/params/control_room_params.hpp"
#include "phantom/params/fx_params.hpp"
#include "phantom/params/insert_params.hpp"
#include "phantom/params/latency_params.hpp"
#include "phantom/params/plugin_params.hpp"
#include "phantom/params/schema_factories.hpp"
#include "phantom/params/strip_params.hpp"

namespace phantom::params {

using device::DeviceSpec;
using device::OutputRole;

namespace {

constexpr double kTrimRangeDb = 24.0;
constexpr double kSpeakerTrimRangeDb = 30.0;
// A name fits a narrow strip and a terminal column; longer ones are refused, not cut.
constexpr size_t kNameMaxChars = 32;
const double kOff = kFaderOff;

class Builder {
  public:
    explicit Builder(const DeviceSpec& spec) : spec_(spec) {}

    InterfaceParams run() {
        collect_sources();
        collect_buses();
        p_.tree.reserve(p_.sources.size() * (9 + 6 * p_.buses.size()) + 5 * spec_.outputs.size() +
                        32);
        add_input_params();
        add_mix_params();
        add_output_params();
        add_monitor_params();
        add_loopback_and_clock();
        add_names();
        add_stereo_links();
        add_strip_params(p_, spec_);
        add_insert_params(p_, spec_);
        add_plugin_params(p_, spec_);
        add_latency_params(p_);
        add_fx_params(p_);
        add_control_room_params(p_, spec_);
        add_mirror_constraint();
        return std::move(p_);
    }

  private:
    void collect_sources() {
        for (size_t i = 0; i < spec_.analog_inputs.size(); ++i) {
            SourceInfo s;
            s.id = spec_.analog_inputs[i].id;
            s.kind = SourceKind::Analog;
            s.analog_index = static_cast<int>(i);
            p_.sources.push_back(s);
        }
        for (size_t port = 0; port < spec_.digital_ports.size(); ++port) {
            const auto& d = spec_.digital_ports[port];
            if (!d.input) continue;
            for (int c = 0; c < d.max_channels(); ++c) {
                SourceInfo s;
                s.id = fmt::format("{}{}", d.id, c + 1);
                s.kind = SourceKind::Digital;
                s.digital_port = static_cast<int>(port);
                s.digital_channel = c;
                p_.sources.push_back(s);
            }
        }
        for (int i = 1; i <= spec_.host.playback; ++i) {
            SourceInfo s;
            s.id = fmt::format("pb{}", i);
            p_.sources.push_back(s);
        }
    }

    void collect_buses() {
        p_.outputs.resize(spec_.outputs.size());
        for (size_t o = 0; o < spec_.outputs.size(); ++o) {
            const auto& out = spec_.outputs[o];
            if (!out.own_mix) continue;
            if (out.role == OutputRole::Monitor && p_.monitor.bus >= 0) {
                p_.outputs[o].bus = p_.monitor.bus;  // speaker set B plays the monitor bus
                continue;
            }
            p_.outputs[o].bus = static_cast<int>(p_.buses.size());
            if (out.role == OutputRole::Monitor) p_.monitor.bus = p_.outputs[o].bus;
            p_.buses.push_back({out.id, static_cast<int>(o), out.channels});
        }
    }

    void add_input_params() {
        p_.inputs.resize(p_.sources.size());
        std::vector<std::pair<std::string, std::vector<ParamIndex>>> phantom_groups;
        for (size_t s = 0; s < p_.sources.size(); ++s) {
            const SourceInfo& src = p_.sources[s];
            if (src.kind == SourceKind::Playback) continue;
            InputParamIds& ids = p_.inputs[s];
            std::string base = "/input/" + src.id;
            if (src.kind == SourceKind::Analog) {
                const auto& in = spec_.analog_inputs[static_cast<size_t>(src.analog_index)];
                if (in.has_preamp) {
                    auto g = float_param(base + "/gain", in.gain_min_db, in.gain_max_db,
                                         in.gain_min_db, "dB", "analog preamp gain");
                    g.analog_only = true;
                    ids.gain = p_.tree.add(g);
                }
                if (in.pad_db > 0) {
                    auto s2 = bool_param(base + "/pad", false,
                                         fmt::format("-{:g} dB input pad", in.pad_db));
                    s2.analog_only = true;
                    ids.pad = p_.tree.add(s2);
                }
                if (in.phantom) {
                    auto s2 = bool_param(base + "/phantom", false,
                                         in.phantom_group.empty()
                                             ? "48 V phantom power"
                                             : "48 V phantom power (one switch for group '" +
                                                   in.phantom_group + "')");
                    s2.analog_only = true;
                    ids.phantom = p_.tree.add(s2);
                    if (!in.phantom_group.empty()) {
                        bool found = false;
                        for (auto& [name, members] : phantom_groups)
                            if (name == in.phantom_group) {
                                members.push_back(ids.phantom);
                                found = true;
                            }
                        if (!found) phantom_groups.push_back({in.phantom_group, {ids.phantom}});
                    }
                }
                auto modes = in.modes();
                if (modes.size() > 1) {
                    std::vector<std::string> names;
                    names.reserve(modes.size());
                    for (auto m : modes)
                        names.emplace_back(device::to_string(m));
                    auto s2 = choice_param(base + "/mode", names, 0,
                                           "input mode: microphone, instrument (Hi-Z) or line");
                    s2.analog_only = true;
                    ids.mode = p_.tree.add(s2);
                }
                if (in.has_level_switch()) {
                    auto s2 = choice_param(base + "/level", {"+4dBu", "-10dBV"}, 0,
                                           in.kind == device::InputKind::Combo
                                               ? "line input reference level (in line mode)"
                                               : "line input reference level");
                    s2.analog_only = true;
                    ids.level = p_.tree.add(s2);
                }
            }
            ids.trim = p_.tree.add(float_param(base + "/trim", -kTrimRangeDb, kTrimRangeDb, 0.0,
                                               "dB", "digital trim after the converter"));
            ids.polarity = p_.tree.add(bool_param(base + "/polarity", false, "invert polarity"));
        }
        for (const auto& [name, members] : phantom_groups)
            if (members.size() > 1) p_.tree.link(members);
    }

    // Default routing like a real interface: playback channels feed the bus channels in order
    // (pb 2k-1 and 2k hard left and right into stereo pair k; a mono bus takes one), at 0 dB.
    void add_mix_params() {
        size_t n_sources = p_.sources.size();
        p_.crosspoints.resize(p_.buses.size() * n_sources);
        size_t first_pb = n_sources - static_cast<size_t>(spec_.host.playback);
        size_t next_pb = first_pb;
        for (size_t b = 0; b < p_.buses.size(); ++b) {
            const BusInfo& bus = p_.buses[b];
            size_t default_l = SIZE_MAX, default_r = SIZE_MAX;
            if (next_pb < n_sources) default_l = next_pb++;
            if (bus.channels == 2 && next_pb < n_sources) default_r = next_pb++;
            for (size_t pb : {default_l, default_r})
                if (pb != SIZE_MAX) p_.sources[pb].default_output = bus.output;
            for (size_t s = 0; s < n_sources; ++s) {
                CrosspointParamIds& x = p_.crosspoints[b * n_sources + s];
                std::string base = fmt::format("/mix/{}/{}", bus.id, p_.sources[s].id);
                bool routed = s == default_l || s == default_r;
                x.gain =
                    p_.tree.add(float_param(base + "/gain", kOff, kFaderMaxDb, routed ? 0.0 : kOff,
                                            "dB", "level of this source in this output's mix"));
                if (bus.channels == 2) {
                    double pan = s == default_l && default_r != SIZE_MAX ? -1.0
                                 : s == default_r                        ? 1.0
                                                                         : 0.0;
                    x.pan = p_.tree.add(float_param(base + "/pan", -1.0, 1.0, pan, "",
                                                    "constant-power pan, -1 left … +1 right"));
                }
                x.mute = p_.tree.add(bool_param(base + "/mute", false, "mute in this mix"));
                for (int k = 0; k < kFxKinds; ++k)
                    x.send[static_cast<size_t>(k)] = add_fx_send(p_.tree, base, k);
            }
        }
    }

    void add_output_params() {
        for (size_t o = 0; o < spec_.outputs.size(); ++o) {
            const auto& out = spec_.outputs[o];
            OutputParamIds& ids = p_.outputs[o];
            std::string base = "/output/" + out.id;
            if (out.role == OutputRole::Monitor) {
                ids.trim = p_.tree.add(float_param(base + "/trim", -kSpeakerTrimRangeDb,
                                                   kSpeakerTrimRangeDb, 0.0, "dB",
                                                   "speaker-set level match"));
                continue;
            }
            ids.volume = p_.tree.add(
                float_param(base + "/volume", kOff, kFaderMaxDb, 0.0, "dB", "output volume"));
            ids.mute = p_.tree.add(bool_param(base + "/mute", false, "mute this output"));
            if (!out.own_mix) {
                ids.fixed_mirror_output = spec_.output_index(out.default_mirror);
                continue;
            }
            std::vector<std::string> names = {"none"};
            ids.mirror_choice_output = {-1};
            int def = 0;
            for (const auto& target : spec_.mirror_targets(o)) {
                if (target == out.default_mirror) def = static_cast<int>(names.size());
                names.push_back(target);
                ids.mirror_choice_output.push_back(spec_.output_index(target));
            }
            ids.mirror = p_.tree.add(choice_param(base + "/mirror", names, def,
                                                  "play another output's mix instead of its own"));
        }
    }

    void add_monitor_params() {
        MonitorParamIds& m = p_.monitor;
        if (m.bus < 0) return;
        bool has_b = false;
        for (const auto& out : spec_.outputs)
            has_b = has_b || out.speaker_set == device::SpeakerSet::B;
        m.volume = p_.tree.add(
            float_param("/monitor/volume", kOff, kFaderMaxDb, 0.0, "dB", "monitor volume"));
        m.dim = p_.tree.add(bool_param("/monitor/dim", false, "dim the monitors"));
        m.dim_level =
            p_.tree.add(float_param("/monitor/dim_level", -60.0, 0.0, spec_.monitor.dim_db, "dB",
                                    "how far Dim lowers the monitors"));
        m.mute = p_.tree.add(bool_param("/monitor/mute", false, "mute the monitors"));
        m.mono =
            p_.tree.add(bool_param("/monitor/mono", false, "sum the monitors to mono (L+R)/2"));
        if (has_b)
            m.speakers = p_.tree.add(choice_param("/monitor/speakers", {"A", "B", "AB"}, 0,
                                                  "speaker set: A, B or both"));
        if (!spec_.monitor.talkback_input.empty()) {
            std::vector<std::string> names;
            int def = 0;
            for (size_t s = 0; s < p_.sources.size(); ++s) {
                if (p_.sources[s].kind != SourceKind::Analog) continue;
                if (p_.sources[s].id == spec_.monitor.talkback_input)
                    def = static_cast<int>(names.size());
                names.push_back(p_.sources[s].id);
                m.talkback_choice_source.push_back(static_cast<int>(s));
            }
            m.talkback = p_.tree.add(bool_param(
                "/monitor/talkback", false,
                "talk to the performers: talkback input into the chosen outputs, monitors dimmed"));
            m.talkback_source = p_.tree.add(choice_param("/monitor/talkback_source", names, def,
                                                         "the input the talkback mic is on"));
            m.talkback_level =
                p_.tree.add(float_param("/monitor/talkback_level", -60.0, 12.0, 0.0, "dB",
                                        "talkback level in the outputs it reaches"));
        }
        if (spec_.monitor.direct_monitor)
            m.direct = p_.tree.add(
                choice_param("/monitor/direct", {"off", "mono", "stereo"}, 0,
                             "zero-latency direct monitoring of the inputs in the monitor mix"));
    }

    void add_loopback_and_clock() {
        if (spec_.host.loopback > 0) {
            std::vector<std::string> names = {"none"};
            p_.loopback_choice_output = {-1};
            for (size_t o = 0; o < spec_.outputs.size(); ++o) {
                names.push_back(spec_.outputs[o].id);
                p_.loopback_choice_output.push_back(static_cast<int>(o));
            }
            p_.loopback_source =
                p_.tree.add(choice_param("/loopback/source", names, 0,
                                         "the output returned to the host as capture channels"));
        }
        // On JACK the sound card owns the clock: a virtual-hardware control, as the preamp's.
        auto clock = choice_param("/clock/source", spec_.clock_sources, 0,
                                  "where the sample clock comes from");
        clock.analog_only = true;
        p_.clock_source = p_.tree.add(clock);
    }

    static ParamSchema name_param(std::string path, const std::string& label,
                                  std::string description) {
        ParamSchema s;
        s.path = std::move(path);
        s.type = ParamType::String;
        s.min = s.max = s.default_value = 0.0;
        s.default_text = label;
        s.max_chars = std::max(kNameMaxChars, label.size());
        s.description = std::move(description);
        return s;
    }

    std::string source_label(const SourceInfo& src) const {
        switch (src.kind) {
            case SourceKind::Analog:
                return spec_.analog_inputs[static_cast<size_t>(src.analog_index)].label;
            case SourceKind::Digital:
                return fmt::format("{} {}",
                                   spec_.digital_ports[static_cast<size_t>(src.digital_port)].label,
                                   src.digital_channel + 1);
            case SourceKind::Playback:
                break;
        }
        return fmt::format("Playback {}", src.id.substr(2));
    }

    void add_names() {
        for (const SourceInfo& src : p_.sources) {
            std::string label = source_label(src);
            if (label.empty()) label = src.id;
            p_.source_names.push_back(p_.tree.add(
                name_param("/name/" + src.id, label, "the channel's name on every surface")));
        }
        for (const auto& out : spec_.outputs) {
            const std::string path = "/name/" + out.id;
            if (p_.tree.find(path)) {  // an output id that is also an input's: one name
                p_.output_names.push_back(*p_.tree.find(path));
                continue;
            }
            p_.output_names.push_back(
                p_.tree.add(name_param(path, out.label.empty() ? out.id : out.label,
                                       "the output's name on every surface")));
        }
    }

    // A pair is two adjacent sources of one kind (and one digital port), the first at an even
    // place in its group: in1+in2, in3+in4, pb1+pb2. Linked, a move of either's fader in any
    // mix moves the other by the same dB, mutes go together, and so do the input's trim and
    // preamp gain (and the control room's solo, control_room_params.cpp); linking itself
    // changes nothing (no jump in the sound).
    void add_stereo_links() {
        p_.source_links.assign(p_.sources.size(), -1);
        auto& tree = p_.tree;
        size_t place = 0;
        for (size_t s = 0; s < p_.sources.size(); ++s) {
            const SourceInfo& a = p_.sources[s];
            const bool same_group_as_previous = s > 0 && p_.sources[s - 1].kind == a.kind &&
                                                p_.sources[s - 1].digital_port == a.digital_port;
            place = same_group_as_previous ? place + 1 : 0;
            if (place % 2 != 0 || s + 1 >= p_.sources.size()) continue;
            const SourceInfo& b = p_.sources[s + 1];
            if (b.kind != a.kind || b.digital_port != a.digital_port) continue;
            const ParamIndex link = tree.add(bool_param(
                "/link/" + a.id, false,
                fmt::format("{} and {} as a stereo pair: one fader and mute in every mix, one solo",
                            a.id, b.id)));
            p_.source_links[s] = link;
            using Gang = ParamTree::Gang;
            for (size_t bus = 0; bus < p_.buses.size(); ++bus) {
                const auto& x = p_.crosspoint(static_cast<int>(bus), static_cast<int>(s));
                const auto& y = p_.crosspoint(static_cast<int>(bus), static_cast<int>(s + 1));
                tree.gang(link, x.gain, y.gain, Gang::RelativeDb);
                tree.gang(link, x.mute, y.mute, Gang::Copy);
                for (size_t k = 0; k < x.send.size(); ++k)
                    tree.gang(link, x.send[k], y.send[k], Gang::RelativeDb);
            }
            const InputParamIds& ia = p_.inputs[s];
            const InputParamIds& ib = p_.inputs[s + 1];
            if (ia.trim >= 0 && ib.trim >= 0) tree.gang(link, ia.trim, ib.trim, Gang::RelativeDb);
            if (ia.gain >= 0 && ib.gain >= 0) tree.gang(link, ia.gain, ib.gain, Gang::RelativeDb);
        }
    }

    void add_mirror_constraint() {
        std::vector<OutputParamIds> outputs = p_.outputs;
        std::vector<std::string> ids;
        for (const auto& out : spec_.outputs)
            ids.push_back(out.id);
        p_.tree.add_constraint([outputs, ids](const std::vector<double>& values) -> std::string {
            for (size_t start = 0; start < outputs.size(); ++start) {
                std::vector<size_t> chain = {start};
                size_t o = start;
                while (true) {
                    const auto& ids_o = outputs[o];
                    if (ids_o.mirror < 0) break;
                    auto choice = static_cast<size_t>(values[static_cast<size_t>(ids_o.mirror)]);
                    int next = ids_o.mirror_choice_output[choice];
                    if (next < 0) break;
                    o = static_cast<size_t>(next);
                    if (o == start) {
                        std::string text;
                        for (size_t c : chain)
                            text += ids[c] + " → ";
                        return fmt::format(
                            "/output/{}/mirror: mirror cycle {}{} (an output "
                            "cannot end up mirroring itself)",
                            ids[start], text, ids[start]);
                    }
                    if (chain.size() > outputs.size()) break;
                    chain.push_back(o);
                }
            }
            return "";
        });
    }

    const DeviceSpec& spec_;
    InterfaceParams p_;
};

}  // namespace

int InterfaceParams::source_index(const std::string& id) const {
    for (size_t s = 0; s < sources.size(); ++s)
        if (sources[s].id == id) return static_cast<int>(s);
    return -1;
}

int InterfaceParams::bus_index(const std::string& output_id) const {
    for (size_t b = 0; b < buses.size(); ++b)
        if (buses[b].id == output_id) return static_cast<int>(b);
    return -1;
}

int InterfaceParams::resolved_bus(int output, const std::vector<double>& values) const {
    int o = output;
    for (size_t hops = 0; hops <= outputs.size(); ++hops) {
        const OutputParamIds& ids = outputs[static_cast<size_t>(o)];
        if (ids.fixed_mirror_output >= 0) {
            o = ids.fixed_mirror_output;
            continue;
        }
        if (ids.mirror >= 0) {
            auto choice = static_cast<size_t>(values[static_cast<size_t>(ids.mirror)]);
            int next = ids.mirror_choice_output[choice];
            if (next >= 0) {
                o = next;
                continue;
            }
        }
        return ids.bus;
    }
    return -1;  // unreachable with the acyclic constraint in force
}

InterfaceParams build_interface_params(const DeviceSpec& spec) {
    return Builder(spec).run();
}

}  // namespace phantom::params
