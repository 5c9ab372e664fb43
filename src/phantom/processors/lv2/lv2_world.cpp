#include "phantom/processors/lv2/lv2_world.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <lilv/lilv.h>
#include <lv2/atom/atom.h>
#include <lv2/buf-size/buf-size.h>
#include <lv2/parameters/parameters.h>
#include <lv2/port-props/port-props.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>

#include "phantom/units/visible_text.hpp"

namespace phantom::processors::lv2 {

namespace {

// lilv nodes are owned by the caller; this frees them at the end of a scope.
struct Node {
    LilvNode* node;
    explicit Node(LilvNode* n) : node(n) {}
    ~Node() { lilv_node_free(node); }
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;
    operator const LilvNode*() const { return node; }  // NOLINT: used as lilv's argument
};

const char* const kProvidedFeatures[] = {
    LV2_URID__map,           LV2_URID__unmap,
    LV2_OPTIONS__options,    LV2_BUF_SIZE__boundedBlockLength,
    LV2_CORE__hardRTCapable,  // a property of the plugin, listed as a feature by some
    LV2_CORE__inPlaceBroken,  // likewise: Phantom gives such a plugin separate buffers
    LV2_CORE__isLive,
};

bool provided(const char* uri) {
    return std::any_of(std::begin(kProvidedFeatures), std::end(kProvidedFeatures),
                       [&](const char* f) { return std::strcmp(f, uri) == 0; });
}

// The installed URIs sharing the longest prefix with `uri`: what the user probably meant.
std::vector<std::string> similar(const LilvPlugins* plugins, const std::string& uri) {
    std::vector<std::pair<size_t, std::string>> scored;
    LILV_FOREACH(plugins, it, plugins) {
        const std::string other =
            lilv_node_as_uri(lilv_plugin_get_uri(lilv_plugins_get(plugins, it)));
        size_t common = 0;
        while (common < uri.size() && common < other.size() && uri[common] == other[common])
            ++common;
        scored.emplace_back(common, other);
    }
    std::sort(scored.begin(), scored.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (size_t k = 0; k < scored.size() && k < 3 && scored[k].first >= 8; ++k)
        out.push_back(scored[k].second);
    return out;
}

LV2_URID map_cb(LV2_URID_Map_Handle handle, const char* uri) {
    return static_cast<Lv2World*>(handle)->map(uri);
}
const char* unmap_cb(LV2_URID_Unmap_Handle handle, LV2_URID urid) {
    return static_cast<Lv2World*>(handle)->unmap(urid);
}

}  // namespace

Lv2Error::Lv2Error(const std::string& message) : std::runtime_error(units::visible_text(message)) {}

std::string Lv2World::uri_problem(const std::string& uri) {
    // RFC 3986: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'.
    size_t k = 0;
    if (!uri.empty() && std::isalpha(static_cast<unsigned char>(uri[0])))
        while (++k < uri.size() && (std::isalnum(static_cast<unsigned char>(uri[k])) ||
                                    uri[k] == '+' || uri[k] == '-' || uri[k] == '.')) {
        }
    if (k == 0 || k >= uri.size() || uri[k] != ':')
        return uri.empty() ? "it is empty" : "it has no scheme, such as http: or urn:";
    for (const char c : uri) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) return "it holds a control character";
        if (byte == ' ') return "it holds a space";
        if (std::strchr("<>\"{}|^`\\", c)) return fmt::format("it holds '{}'", c);
    }
    return "";
}

Lv2World::Lv2World() : world_(lilv_world_new()) {
    if (!world_) throw Lv2Error("LV2: lilv could not create its world");
    lilv_world_load_all(world_);
}

Lv2World& Lv2World::shared() {
    static Lv2World world;
    return world;
}

Lv2World::~Lv2World() {
    lilv_world_free(world_);
}

const LilvPlugin* Lv2World::plugin(const std::string& uri) const {
    if (!uri_problem(uri).empty()) return nullptr;
    Node node(lilv_new_uri(world_, uri.c_str()));
    if (!node.node) return nullptr;
    return lilv_plugins_get_by_uri(lilv_world_get_all_plugins(world_), node);
}

Lv2PluginInfo Lv2World::describe(const std::string& uri) const {
    if (const std::string why = uri_problem(uri); !why.empty())
        throw Lv2Error(fmt::format(
            "LV2 plugin '{}' is not a URI ({}); `phantom plugins` lists the installed ones", uri,
            why));
    const LilvPlugin* p = plugin(uri);
    if (!p) {
        const auto near = similar(lilv_world_get_all_plugins(world_), uri);
        throw Lv2NotInstalled(fmt::format(
            "LV2 plugin '{}' is not installed{}{} (`phantom plugins` lists the installed ones)",
            uri, near.empty() ? "" : "; installed with a similar URI: ", fmt::join(near, ", ")));
    }
    Lv2PluginInfo info;
    info.uri = uri;
    {
        Node name(lilv_plugin_get_name(p));
        info.name = name.node ? lilv_node_as_string(name) : uri;
    }
    LilvNodes* required = lilv_plugin_get_required_features(p);
    std::vector<std::string> missing;
    LILV_FOREACH(nodes, it, required) {
        const char* f = lilv_node_as_uri(lilv_nodes_get(required, it));
        if (!provided(f)) missing.emplace_back(f);
    }
    lilv_nodes_free(required);
    if (!missing.empty())
        throw Lv2Error(
            fmt::format("LV2 plugin '{}' ({}) requires {}, which Phantom does not "
                        "provide (it provides urid:map, urid:unmap, options and "
                        "bounded block length)",
                        uri, info.name, fmt::join(missing, ", ")));

    Node audio(lilv_new_uri(world_, LV2_CORE__AudioPort));
    Node control(lilv_new_uri(world_, LV2_CORE__ControlPort));
    Node atom(lilv_new_uri(world_, LV2_ATOM__AtomPort));
    Node input(lilv_new_uri(world_, LV2_CORE__InputPort));
    Node output(lilv_new_uri(world_, LV2_CORE__OutputPort));
    Node optional(lilv_new_uri(world_, LV2_CORE__connectionOptional));
    Node toggled(lilv_new_uri(world_, LV2_CORE__toggled));
    Node integer(lilv_new_uri(world_, LV2_CORE__integer));
    Node enumeration(lilv_new_uri(world_, LV2_CORE__enumeration));
    Node logarithmic(lilv_new_uri(world_, LV2_PORT_PROPS__logarithmic));
    Node in_place_broken(lilv_new_uri(world_, LV2_CORE__inPlaceBroken));
    Node hard_rt(lilv_new_uri(world_, LV2_CORE__hardRTCapable));
    info.in_place_broken = lilv_plugin_has_feature(p, in_place_broken);
    info.hard_rt_capable = lilv_plugin_has_feature(p, hard_rt);

    const uint32_t ports = lilv_plugin_get_num_ports(p);
    std::vector<float> mins(ports), maxs(ports), defaults(ports);
    lilv_plugin_get_port_ranges_float(p, mins.data(), maxs.data(), defaults.data());
    info.latency_port =
        lilv_plugin_has_latency(p) ? static_cast<int>(lilv_plugin_get_latency_port_index(p)) : -1;
    for (uint32_t i = 0; i < ports; ++i) {
        const LilvPort* port = lilv_plugin_get_port_by_index(p, i);
        const bool is_in = lilv_port_is_a(p, port, input);
        const bool is_out = lilv_port_is_a(p, port, output);
        const char* symbol = lilv_node_as_string(lilv_port_get_symbol(p, port));
        if (lilv_port_is_a(p, port, audio)) {
            (is_in ? info.audio_in : info.audio_out).push_back(i);
        } else if (lilv_port_is_a(p, port, atom)) {
            (is_in ? info.atom_in : info.atom_out).push_back(i);
        } else if (lilv_port_is_a(p, port, control) && is_out) {
            info.control_out.push_back(i);
        } else if (lilv_port_is_a(p, port, control) && is_in) {
            Lv2Control c;
            c.symbol = symbol;
            Node name(lilv_port_get_name(p, port));
            c.name = name.node ? lilv_node_as_string(name) : symbol;
            c.port = i;
            c.toggled = lilv_port_has_property(p, port, toggled);
            c.integer = lilv_port_has_property(p, port, integer);
            c.enumeration = lilv_port_has_property(p, port, enumeration);
            c.logarithmic = lilv_port_has_property(p, port, logarithmic);
            c.min = std::isnan(mins[i]) ? 0.0f : mins[i];
            c.max = std::isnan(maxs[i]) ? (c.toggled ? 1.0f : c.min) : maxs[i];
            c.default_value = std::isnan(defaults[i]) ? c.min : defaults[i];
            if (c.max < c.min) std::swap(c.min, c.max);
            c.default_value = std::clamp(c.default_value, c.min, c.max);
            if (LilvScalePoints* points = lilv_port_get_scale_points(p, port)) {
                LILV_FOREACH(scale_points, it, points) {
                    const LilvScalePoint* sp = lilv_scale_points_get(points, it);
                    c.scale_points.emplace_back(
                        lilv_node_as_float(lilv_scale_point_get_value(sp)),
                        lilv_node_as_string(lilv_scale_point_get_label(sp)));
                }
                lilv_scale_points_free(points);
                std::sort(c.scale_points.begin(), c.scale_points.end());
            }
            info.controls.push_back(std::move(c));
        } else if (!lilv_port_has_property(p, port, optional)) {
            // CV ports, the old event extension's MIDI: nothing here feeds them.
            Node cls(lilv_new_uri(world_, LV2_CORE__CVPort));
            throw Lv2Error(
                fmt::format("LV2 plugin '{}' ({}): port '{}' is of a kind Phantom does "
                            "not feed ({}); audio, control and atom ports are hosted",
                            uri, info.name, symbol,
                            lilv_port_is_a(p, port, cls) ? "CV"
                                                         : "not audio, control "
                                                           "or atom"));
        }
    }
    return info;
}

std::vector<std::pair<std::string, std::string>> Lv2World::list() const {
    std::vector<std::pair<std::string, std::string>> out;
    const LilvPlugins* plugins = lilv_world_get_all_plugins(world_);
    LILV_FOREACH(plugins, it, plugins) {
        const std::string uri =
            lilv_node_as_uri(lilv_plugin_get_uri(lilv_plugins_get(plugins, it)));
        try {
            const Lv2PluginInfo info = describe(uri);
            if (!info.audio_in.empty() && !info.audio_out.empty())
                out.emplace_back(info.uri, info.name);
        } catch (const Lv2Error&) {
            // Not hostable: not listed (describe() says why when it is asked for).
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::unique_ptr<Lv2World::Features> Lv2World::features(double sample_rate_hz,
                                                       int max_block_frames) {
    auto f = std::make_unique<Features>();
    f->map = {this, map_cb};
    f->unmap = {this, unmap_cb};
    f->min_block = 0;
    f->max_block = max_block_frames;
    f->nominal_block = max_block_frames;
    f->sample_rate = static_cast<float>(sample_rate_hz);
    const LV2_URID int_type = map(LV2_ATOM__Int), float_type = map(LV2_ATOM__Float);
    f->options[0] = {LV2_OPTIONS_INSTANCE, 0,        map(LV2_BUF_SIZE__minBlockLength),
                     sizeof(int32_t),      int_type, &f->min_block};
    f->options[1] = {LV2_OPTIONS_INSTANCE, 0,        map(LV2_BUF_SIZE__maxBlockLength),
                     sizeof(int32_t),      int_type, &f->max_block};
    f->options[2] = {LV2_OPTIONS_INSTANCE, 0,        map(LV2_BUF_SIZE__nominalBlockLength),
                     sizeof(int32_t),      int_type, &f->nominal_block};
    f->options[3] = {LV2_OPTIONS_INSTANCE, 0,          map(LV2_PARAMETERS__sampleRate),
                     sizeof(float),        float_type, &f->sample_rate};
    f->options[4] = {LV2_OPTIONS_INSTANCE, 0, 0, 0, 0, nullptr};
    f->map_feature = {LV2_URID__map, &f->map};
    f->unmap_feature = {LV2_URID__unmap, &f->unmap};
    f->options_feature = {LV2_OPTIONS__options, f->options};
    f->bounded_feature = {LV2_BUF_SIZE__boundedBlockLength, nullptr};
    f->list[0] = &f->map_feature;
    f->list[1] = &f->unmap_feature;
    f->list[2] = &f->options_feature;
    f->list[3] = &f->bounded_feature;
    f->list[4] = nullptr;
    return f;
}

LV2_URID Lv2World::map(const char* uri) {
    std::lock_guard lock(urid_mutex_);
    auto [it, added] = urids_.try_emplace(uri, static_cast<LV2_URID>(uris_.size() + 1));
    if (added) uris_.push_back(std::make_unique<std::string>(uri));
    return it->second;
}

const char* Lv2World::unmap(LV2_URID urid) {
    std::lock_guard lock(urid_mutex_);
    if (urid == 0 || urid > uris_.size()) return nullptr;
    return uris_[urid - 1]->c_str();
}

}  // namespace phantom::processors::lv2
