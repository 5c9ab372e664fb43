// Fuzz target: the bytes of a session or state file → parse_session_text, and when they parse
// and name studio-8x8, the checks apply_session makes. Anything is refused with the reader's
// own errors (SessionError, ParamError, SourceSpecError, DescriptionError for a device id);
// no other exception, no crash, however deep or large the JSON.
#include <cstdint>
#include <string>

#include "phantom/analog/source_spec.hpp"
#include "phantom/device/description_error.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/params/param_error.hpp"
#include "phantom/session/session.hpp"

namespace {

using namespace phantom;

const params::ParamTree& tree() {
    static const engine::Interface iface(device::load_device("studio-8x8"), 48000, 64);
    return iface.params();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    session::Session s;
    try {
        s = session::parse_session_text(text, "fuzz.json");
    } catch (const session::SessionError&) {
        return 0;
    }
    if (s.device != "studio-8x8") {
        // An id is looked up among the shipped devices (a path would read whatever it names).
        if (s.device.find('/') == std::string::npos && s.device.find(".toml") == std::string::npos)
            try {
                (void)device::load_device(s.device);
            } catch (const device::DescriptionError&) {
            }
        return 0;
    }
    // What apply_session checks, against studio-8x8's tree (built once: a whole interface an
    // input would slow the search a hundredfold): the parameters, each snapshot, the sources.
    try {
        (void)session::full_state_changes(s.params, tree());
    } catch (const params::ParamError&) {
    }
    for (const auto& [name, snapshot] : s.snapshots)
        try {
            (void)session::full_state_changes(snapshot, tree());
        } catch (const params::ParamError&) {
        }
    for (const auto& [channel, source] : s.sources)
        try {
            (void)analog::parse_source_spec(source);
        } catch (const analog::SourceSpecError&) {
        }
    return 0;
}
