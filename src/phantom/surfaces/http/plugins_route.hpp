// GET /api/plugins: the LV2 plugins installed here that Phantom can host (`phantom plugins`),
// for the panel's slot pickers. Read-only.
//   200 {"plugins": [{"uri", "name", "audio_inputs", "audio_outputs", "layout" ("mono",
//        "stereo" or "N in / M out"), "mono_slot" (fits a mono channel's slot), "stereo_slot"
//        (fits a slot of two channels: 2 in / 2 out, or mono, run once a side),
//        "reports_latency", "controls" (how many control inputs)}, …]}, sorted by URI
//   400 a query key (it takes none); 404 a path below it; 405 a method other than GET.
//
// The list is read from lilv once per process, in a lilv world of the route's own (freed once
// the list is made), without the controller's lock: requests from other clients are not held
// up while it is made (decisions.md). A plugin installed later is seen after a restart; later
// calls answer from the copy.
#pragma once

#include <functional>
#include <string>

#include "phantom/surfaces/http/api_routes.hpp"

namespace phantom::http {

// `rest`: the path after "/api/plugins" ("" for the list). Takes no lock of the controller's.
ApiResponse plugins_route(const ApiRequest& r, const std::string& rest);

// Tests only: drop the kept list, so the next GET describes the plugins again, and call
// `describe_hook_for_test` (when set) on the listing's thread before each plugin is described.
void forget_plugins_list_for_test(std::function<void()> describe_hook_for_test = {});

}  // namespace phantom::http
