#include "phantom/params/plugin_params.hpp"

#include <fmt/format.h>

#include <regex>

#include "phantom/params/schema_factories.hpp"

namespace phantom::params {

std::string plugin_slot_base(const InterfaceParams& p, size_t source, int slot) {
    return fmt::format("/input/{}/insert/{}", p.sources[source].id, slot + 1);
}

bool is_plugin_control_path(const std::string& path) {
    static const std::regex kForm(R"(/input/[^/]+/insert/[0-9]+/[^/]+)");
    if (!std::regex_match(path, kForm)) return false;
    const std::string last = path.substr(path.rfind('/') + 1);
    return last != "plugin" && last != "bypass";
}

void add_plugin_params(InterfaceParams& p) {
    p.plugin_slots.assign(p.sources.size() * kPluginSlots, PluginSlotIds{});
    for (size_t s = 0; s < p.sources.size(); ++s) {
        if (p.sources[s].kind == SourceKind::Playback) continue;
        for (int n = 0; n < kPluginSlots; ++n) {
            const std::string base = plugin_slot_base(p, s, n);
            PluginSlotIds& ids = p.plugin_slots[s * kPluginSlots + static_cast<size_t>(n)];
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
                "the channel passes this slot dry; the plugin keeps running, so it comes back "
                "without a restart"));
        }
    }
}

}  // namespace phantom::params
