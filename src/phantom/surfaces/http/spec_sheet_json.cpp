#include "phantom/surfaces/http/spec_sheet_json.hpp"

#include "phantom/control/value.hpp"
#include "phantom/device/channel_counts.hpp"
#include "phantom/surfaces/http/api_json.hpp"

namespace phantom::http {

using device::DeviceSpec;

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
        auto c = device::channel_counts(spec, r);
        counts[std::to_string(r)] = {{"inputs", c.inputs},
                                     {"outputs", c.outputs},
                                     {"capture", c.capture},
                                     {"playback", c.playback}};
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
        ji["level_switch"] = in.has_level_switch();
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

nlohmann::json param_listing_json(const params::ParamTree& tree, const std::string& prefix) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < tree.size(); ++i) {
        const auto index = static_cast<params::ParamIndex>(i);
        const auto& schema = tree.schema(index);
        if (tree.live(index) && schema.path.compare(0, prefix.size(), prefix) == 0)
            out.push_back(to_json(control::ParamInfo{&schema, control::value_of(tree, index)}));
    }
    return out;
}

}  // namespace phantom::http
