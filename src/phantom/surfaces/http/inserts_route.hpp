// POST /api/inserts/<id>/measure: measure the loop of input <id>'s hardware insert
// (control::Controller::measure_insert) and set /input/<id>/insert/delay to it. The request
// waits for the measurement (about a second at 48 kHz). Body: none (or {}).
//   200 {"input", "delay_frames", "delay_exact_frames", "previous_delay_frames", "gain_db",
//        "inverted", "peak_to_floor_db"}
//   404 no such input or endpoint; 409 no insert slot on that channel (a playback channel), no
//   send or return, a measurement under way, the audio not running, or nothing clear came
//   back (the reason named; the delay is kept); 405 a method other than POST.
#pragma once

#include <string>

#include "phantom/surfaces/http/api_routes.hpp"

namespace phantom::http {

// `rest`: the path after "/api/inserts" ("/in1/measure"). [control-thread]
ApiResponse inserts_route(control::Controller& c, const ApiRequest& r, const std::string& rest);

}  // namespace phantom::http
