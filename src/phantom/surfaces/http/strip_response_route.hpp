// GET /api/strips/<id>/response?points=N: the magnitude response of a channel strip's filters
// as they run now, at the running sample rate, for the panel's EQ curve.
//   {"id", "kind": "input"|"output", "rate_hz", "points", "freq_hz": [N, log-spaced 20 Hz …
//    20 kHz], "eq_on", "eq_db": [N], "total_db": [N]} and, for an input, "lowcut_on" and
//   "lowcut_db": [N]. A section that is off reads 0 dB (it does not touch the signal).
// The curves come from the coefficients the engine designs (engine/strip_coefficients.hpp,
// dsp::chain_magnitude_db), not from formulas of their own.
// Refused: 404 for an id without a strip, 409 for a channel the rate does not carry, 400 for
// `points` that is not a whole number from 2 to 1024 or any other query key; 405 for a method
// other than GET. Nothing changes either way.
#pragma once

#include <string>

#include "phantom/surfaces/http/api_routes.hpp"

namespace phantom::http {

inline constexpr int kStripResponseMinPoints = 2;
inline constexpr int kStripResponseMaxPoints = 1024;
inline constexpr int kStripResponseDefaultPoints = 256;

// `rest`: the path after "/api/strips" ("/in1/response"). [control-thread]
ApiResponse strip_response_route(control::Controller& c, const ApiRequest& r,
                                 const std::string& rest);

}  // namespace phantom::http
