// GET /api/plugins: the LV2 plugins installed here that Phantom can host (`phantom plugins`),
// for the panel's slot pickers. Read-only.
//   200 {"plugins": [{"uri", "name", "audio_inputs", "audio_outputs", "layout" ("mono",
//        "stereo" or "N in / M out"), "mono_slot" (fits a mono channel's slot), "stereo_slot"
//        (fits a slot of two channels: 2 in / 2 out, or mono, run once a side),
//        "reports_latency", "controls" (how many control inputs)}, …]}, sorted by URI
//   400 a query key (it takes none); 404 a path below it; 405 a method other than GET.
//
// The list is read from lilv once per process (the world is loaded once: a plugin installed
// later is seen after a restart) and kept; later calls answer from the copy.
#pragma once

#include <string>

#include "phantom/surfaces/http/api_routes.hpp"

namespace phantom::http {

// `rest`: the path after "/api/plugins" ("" for the list). [control-thread]
ApiResponse plugins_route(control::Controller& c, const ApiRequest& r, const std::string& rest);

}  // namespace phantom::http
