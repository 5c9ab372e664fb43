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

// PUT /api/rate {"rate_hz": 96000}: the virtual hardware's sample rate while running
// (Controller::change_rate); 409 on JACK, 422 for a rate the device does not run at.
ApiResponse rate_route(control::Controller& c, const ApiRequest& r);

}  // namespace phantom::http
