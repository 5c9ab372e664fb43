#include "phantom/surfaces/http/plugins_route.hpp"

#include <fmt/format.h>

#include <mutex>
#include <optional>

#include "phantom/processors/lv2/lv2_world.hpp"
#include "phantom/surfaces/http/json_codec.hpp"

namespace phantom::http {

using control::CommandError;
using control::ErrorKind;
using nlohmann::json;
using processors::lv2::Lv2Error;
using processors::lv2::Lv2PluginInfo;
using processors::lv2::Lv2World;

namespace {

std::string layout(size_t ins, size_t outs) {
    if (ins == 1 && outs == 1) return "mono";
    if (ins == 2 && outs == 2) return "stereo";
    return fmt::format("{} in / {} out", ins, outs);
}

json entry(const Lv2PluginInfo& info) {
    const size_t ins = info.audio_in.size(), outs = info.audio_out.size();
    return {{"uri", info.uri},
            {"name", info.name},
            {"audio_inputs", ins},
            {"audio_outputs", outs},
            {"layout", layout(ins, outs)},
            // What Lv2Processor takes on a channel of one: one in, one out.
            {"mono_slot", ins == 1 && outs == 1},
            // A slot of two channels takes a 2-in/2-out plugin, or a mono one once a side.
            {"stereo_slot", (ins == 2 && outs == 2) || (ins == 1 && outs == 1)},
            {"reports_latency", info.latency_port >= 0},
            {"controls", info.controls.size()}};
}

// The installed plugins, described once. lilv's world is not safe to query from two threads
// at once (looking a URI up interns a node), and the plugin slots use it under the
// controller's lock: the descriptions are taken under that lock too, once (a few
// milliseconds per plugin), and every later call reads the copy without it.
json catalog(control::Controller& c) {
    static std::mutex mutex;
    static std::optional<json> plugins;
    std::lock_guard lock(mutex);
    if (plugins) return *plugins;
    Lv2World& world = Lv2World::shared();  // the first call loads every bundle, unlocked
    json list = json::array();
    c.with_interface([&](engine::Interface&) {
        for (const auto& [uri, name] : world.list()) {
            try {
                list.push_back(entry(world.describe(uri)));
            } catch (const Lv2Error&) {
                // list() gives hostable plugins only; nothing to add if one changed its mind.
            }
        }
    });
    plugins = std::move(list);
    return *plugins;
}

// The access token (http_guard) is the only query key a client may bring, checked before this.
void check_query(const std::string& query, const std::string& where, const std::string& path) {
    for (const auto& [key, value] : query_items(query)) {
        if (key == "token") continue;
        throw CommandError(ErrorKind::Malformed,
                           fmt::format("{}: unknown query parameter '{}' (it takes none)", where,
                                       replace_invalid_utf8(key)),
                           path);
    }
}

}  // namespace

ApiResponse plugins_route(control::Controller& c, const ApiRequest& r, const std::string& rest) {
    if (!rest.empty() && rest != "/")
        throw CommandError(
            ErrorKind::UnknownPath,
            fmt::format("{}: no such endpoint (the installed plugins are GET /api/plugins; "
                        "`phantom plugins URI` describes one)",
                        replace_invalid_utf8(r.path)),
            replace_invalid_utf8(r.path));
    if (r.method != "GET") return method_not_allowed(r, "GET");
    check_query(r.query, "GET " + r.path, r.path);
    return {200, {{"plugins", catalog(c)}}, {}};
}

}  // namespace phantom::http
