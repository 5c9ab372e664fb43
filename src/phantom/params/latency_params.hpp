// Latency compensation across the sources (issue 16 §1; engine/latency_compensation.hpp):
//
//   /latency/compensate   bool, on by default: every source reaches the mixes as late as the
//                         slowest source's path (an insert's loop, a plugin's latency), the
//                         others delayed to match. Off: no source is delayed, each arrives with
//                         its own latency. With no latency anywhere nothing is delayed either way.
#pragma once

#include "phantom/params/interface_params.hpp"

namespace phantom::params {

// [control-thread] Declares it in p.tree and records its id in p.latency_compensate.
void add_latency_params(InterfaceParams& p);

}  // namespace phantom::params
