#include "phantom/params/latency_params.hpp"

#include "phantom/params/schema_factories.hpp"

namespace phantom::params {

void add_latency_params(InterfaceParams& p) {
    p.latency_compensate = p.tree.add(bool_param(
        "/latency/compensate", true,
        "Align every source in the mixes with the slowest path (inserts, plugins) by delaying "
        "the others; off: each source arrives with its own latency"));
}

}  // namespace phantom::params
