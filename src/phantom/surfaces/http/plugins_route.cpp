#include "phantom/surfaces/http/plugins_route.hpp"

#include <fmt/format.h>

#include <functional>
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

std::function<void()>& describe_hook() {
    static std::function<void()> hook;
    return hook;
}

std::mutex& catalog_mutex() {
    static std::mutex mutex;
    return mutex;
}

std::optional<json>& kept_catalog() {
    static std::optional<json> plugins;
    return plugins;
}

// The installed plugins, described once, in a lilv world of the route's own that is freed once
// the list is made. lilv's world is not safe to query from two threads at once (looking a URI
// up interns a node), and the plugin slots query the process's world (Lv2World::shared())
// under the controller's lock; lilv worlds share nothing, so this one needs no lock but the
// route's own, and loading and describing every bundle (seconds on a loaded machine) never
// holds up a request that takes the controller's lock. Every later call reads the copy.
json catalog() {
    std::lock_guard lock(catalog_mutex());
    std::optional<json>& plugins = kept_catalog();
    if (plugins) return *plugins;
    json list = json::array();
    {
        const Lv2World world;  // loads every installed bundle
        for (const auto& [uri, name] : world.list()) {
            if (describe_hook()) describe_hook()();
            try {
                list.push_back(entry(world.describe(uri)));
            } catch (const Lv2Error&) {
                // list() gives hostable plugins only; nothing to add if one changed its mind.
            }
        }
    }
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

void forget_plugins_list_for_test(std::function<void()> describe_hook_for_test) {
    std::lock_guard lock(catalog_mutex());
    kept_catalog().reset();
    describe_hook() = std::move(describe_hook_for_test);
}

ApiResponse plugins_route(const ApiRequest& r, const std::string& rest) {
    if (!rest.empty() && rest != "/")
        throw CommandError(
            ErrorKind::UnknownPath,
            fmt::format("{}: no such endpoint (the installed plugins are GET /api/plugins; "
                        "`phantom plugins URI` describes one)",
                        replace_invalid_utf8(r.path)),
            replace_invalid_utf8(r.path));
    if (r.method != "GET") return method_not_allowed(r, "GET");
    check_query(r.query, "GET " + r.path, r.path);
    return {200, {{"plugins", catalog()}}, {}};
}

}  // namespace phantom::http
