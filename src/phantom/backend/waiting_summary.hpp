// What the kept connections that are not made mean to the user, one line per absent client:
// "inputs adat1–8: 'liveroom' is not connected (8 kept connections wait for it)". Phantom's
// ports are named by the channels they carry, so a stagebox that lost power is named with the
// inputs that went silent, not as a list of JACK port names. No JACK here: the caller says
// which ports are Phantom's and which exist.
// [control-thread]
#pragma once

#include "phantom/backend/connection_book.hpp"

#include <functional>
#include <string>
#include <vector>

namespace phantom::backend {

// "phantom:hw_in_adat1" → {"input", "adat1"}; "phantom:capture_3" → {"capture channel", "3"}.
struct OwnPortLabel {
    std::string kind;  // singular: input, output, capture channel, playback channel, MIDI port
    std::string name;
};
OwnPortLabel label_own_port(const std::string& port);

// "adat1", "adat2", "adat3", "spdif.L" → "adat1–3, spdif.L": runs of one stem with
// consecutive numbers are folded.
std::string fold_channel_runs(const std::vector<std::string>& names);

std::vector<std::string> describe_waiting(
    const std::vector<PortConnection>& entries,
    const std::function<bool(const std::string&)>& is_ours,
    const std::function<bool(const std::string&)>& port_exists);

}  // namespace phantom::backend
