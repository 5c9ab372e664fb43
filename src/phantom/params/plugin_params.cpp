#include "phantom/params/plugin_params.hpp"

#include <fmt/format.h>

#include <regex>

#include "phantom/params/fx_params.hpp"
#include "phantom/params/schema_factories.hpp"

namespace phantom::params {

std::string plugin_slot_base(const InterfaceParams& p, const device::DeviceSpec& spec,
                             size_t slot) {
    const size_t per = kPluginSlots, inputs = p.sources.size() * per;
    if (slot < inputs)
        return fmt::format("/input/{}/insert/{}", p.sources[slot / per].id, slot % per + 1);
    slot -= inputs;
    if (slot < spec.outputs.size() * per)
        return fmt::format("/output/{}/insert/{}", spec.outputs[slot / per].id, slot % per + 1);
    slot -= spec.outputs.size() * per;
    const size_t bus_kind = slot / per;
    return fmt::format("/output/{}/{}/insert/{}", p.buses[bus_kind / kFxKinds].id,
                       fx_name(static_cast<int>(bus_kind % kFxKinds)), slot % per + 1);
}

size_t first_output_plugin_slot(const InterfaceParams& p) {
    return p.sources.size() * kPluginSlots;
}

size_t first_fx_plugin_slot(const InterfaceParams& p) {
    return (p.sources.size() + p.outputs.size()) * kPluginSlots;
}

bool is_plugin_control_path(const std::string& path) {
    if (path.find("/insert/") == std::string::npos) return false;  // most paths, no regex
    static const std::regex kForm(R"(/(input|output)/[^/]+(/reverb|/echo)?/insert/[0-9]+/[^/]+)");
    if (!std::regex_match(path, kForm)) return false;
    const std::string last = path.substr(path.rfind('/') + 1);
    return last != "plugin" && last != "bypass";
}

bool is_plugin_choice_path(const std::string& path) {
    static const std::regex kForm(R"(/(input|output)/[^/]+(/reverb|/echo)?/insert/[0-9]+/plugin)");
    return std::regex_match(path, kForm);
}

std::string plugin_slot_of_path(const std::string& path) {
    if (path.find("/insert/") == std::string::npos) return "";  // most paths, without a regex
    if (!is_plugin_control_path(path) && !is_plugin_choice_path(path)) return "";
    return path.substr(0, path.rfind('/'));
}

void add_plugin_params(InterfaceParams& p, const device::DeviceSpec& spec) {
    const size_t per = kPluginSlots;
    p.plugin_slots.assign(
        (p.sources.size() + spec.outputs.size() + p.buses.size() * kFxKinds) * per,
        PluginSlotIds{});
    for (size_t slot = 0; slot < p.plugin_slots.size(); ++slot) {
        {
            if (slot < first_output_plugin_slot(p) &&
                p.sources[slot / per].kind == SourceKind::Playback)
                continue;
            const std::string base = plugin_slot_base(p, spec, slot);
            PluginSlotIds& ids = p.plugin_slots[slot];
            ParamSchema uri;
            uri.path = base + "/plugin";
            uri.type = ParamType::String;
            uri.min = uri.max = uri.default_value = 0.0;
            uri.max_chars = kPluginUriMaxChars;
            uri.may_be_empty = true;
            uri.description =
                "the LV2 plugin in this slot, by URI (phantom plugins lists them); empty: none";
            ids.plugin = p.tree.add(std::move(uri));
            ids.bypass = p.tree.add(bool_param(
                base + "/bypass", false,
                "the signal passes this slot dry; the plugin keeps running, so it comes back "
                "without a restart"));
        }
    }
}

}  // namespace phantom::params
