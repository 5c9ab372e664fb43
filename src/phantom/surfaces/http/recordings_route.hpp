// /api/recordings: recording while running (control/recorder.hpp).
//   GET                       {"recordings": [{"id", "what", "path", "seconds"}, …]}
//   POST {"record": ["main=take.wav", "capture=takes/"]}  → {"recordings": [the started]}
//   DELETE /api/recordings/ID → {"stopped": {"id", "what", "path", "seconds"}}: the file is in
//   place
// Throws control::CommandError (the router answers it like every other command's).
#pragma once

#include <string>

#include "phantom/surfaces/http/api_routes.hpp"

namespace phantom::http {

ApiResponse recordings_route(control::Controller& c, const ApiRequest& r, const std::string& rest);

}  // namespace phantom::http
