// Fuzz target: the bytes of one UDP datagram → osc::decode, and when it is valid, the
// dispatch over a live studio-8x8 controller, as OscServer does. Invariants: decode is taken
// whole or refused with a reason (never a message list and an error together); a refused
// command is answered with /phantom/error (CommandError is the only exception the dispatch may
// meet, and it catches it); every reply decodes again as valid OSC.
#include <cstdint>
#include <cstdlib>

#include "phantom/device/device_catalog.hpp"
#include "phantom/surfaces/osc/osc_dispatch.hpp"

namespace {

using namespace phantom;

struct Live {
    engine::Interface iface{device::load_device("studio-8x8"), 48000, 64};
    control::Controller controller{iface, true};
    osc::OscDispatch dispatch{controller};
};

Live& live() {
    static Live l;
    return l;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const osc::Decoded d = osc::decode(data, size);
    if (!d.ok()) {
        if (!d.messages.empty()) std::abort();
        return 0;
    }
    const osc::Outcome outcome = live().dispatch.handle(d.messages);
    for (const auto& reply : outcome.replies)
        if (!osc::decode(reply.data(), reply.size()).ok()) std::abort();
    if (outcome.refused > outcome.messages) std::abort();
    return 0;
}
