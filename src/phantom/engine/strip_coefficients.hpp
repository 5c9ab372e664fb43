// The strip parameters → the coefficients a channel strip runs (strip_derivation.cpp). One
// mapping for the engine and for whoever shows the strip (the HTTP response curve,
// surfaces/http/strip_response_route.cpp), so that what the panel draws is the filter that
// runs at this rate. [any-thread] pure: the values are a copy of the tree's.
#pragma once

#include <vector>

#include "phantom/engine/channel_strip.hpp"
#include "phantom/params/strip_param_ids.hpp"

namespace phantom::engine {

// Every section designed whatever its switch (the switch is the strip's crossfade, carried in
// the *_on flags); the pair flags (links_next, width …) are the derivation's to set.
InputStripCoefficients input_coefficients(const params::InputStripIds& ids,
                                          const std::vector<double>& values, double rate_hz);
OutputStripCoefficients output_coefficients(const params::OutputStripIds& ids,
                                            const std::vector<double>& values, double rate_hz);

}  // namespace phantom::engine
