// Sessions on disk: a JSON file with the device id, every non-default parameter and the
// sources of the virtual hardware.
//
//   { "phantom_session": 1, "device": "studio-8x8",
//     "params":  { "/mix/main/in1/gain": -6, "/monitor/dim": true, "/output/hp1/mirror": "main" },
//     "sources": { "in1": "condenser:sine:1k:94dBSPL" },
//     "snapshots": { "tracking": { "/mix/hp1/in1/gain": -3 } },
//     "midi": [ { "control": "cc", "channel": 1, "number": 7, "path": "/monitor/volume",
//                 "mode": "absolute" } ] },
//     "connections": [ { "from": "system:capture_1", "to": "phantom:hw_in_in1" } ] }
//
// "connections" holds the JACK connections of Phantom's ports (backend/connection_book.hpp);
// absent until Phantom first ran on JACK, when the automatic connections are made instead.
//
// "midi" holds the MIDI remote's learned bindings; the session layer keeps them as they are
// (an array of objects) and the remote checks each when it starts.
//
// A snapshot holds the mixer state (every non-default parameter), not the sources.
//
// Loading is all-or-nothing: every path, type and range is checked before anything changes.
// Parameters that are gone on purpose load with a notice instead of an error: the per-mix
// solo (/mix/OUT/SRC/solo) became the control room's /solo/SRC and is left out.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "phantom/engine/interface.hpp"

namespace phantom::session {

class SessionError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct Session {
    std::string device;
    std::map<std::string, nlohmann::json> params;  // path → JSON value
    std::map<std::string, std::string> sources;    // channel id → source text
    std::map<std::string, std::map<std::string, nlohmann::json>> snapshots;  // name → params
    nlohmann::json midi;  // learned MIDI bindings: null, or an array of objects
    // JACK connections, source → destination; none: never set (connect automatically).
    std::optional<std::vector<std::pair<std::string, std::string>>> connections;
    // What was read but is no longer used (a parameter that is gone), for the user: loading
    // goes on without it.
    std::vector<std::string> notices;
};

// At most this many connections are kept (64 channels each way to a few peers is a few
// hundred); a port name is at most this long (JACK's own limit is 320 bytes with the client).
constexpr size_t kMaxConnections = 4096;
constexpr size_t kMaxPortNameBytes = 320;

// Limits of a session or state file, far above what one holds (a few levels of nesting; a
// stress-64 state with every parameter changed is well under a MiB, and each snapshot adds at
// most as much), far below what would exhaust the memory or the stack.
constexpr size_t kMaxSessionBytes = size_t{256} << 20;
constexpr int kMaxSessionDepth = 32;

// The "connections" list: checked (a shape error names the item) / written.
std::vector<std::pair<std::string, std::string>> parse_connections(const nlohmann::json& value,
                                                                   const std::string& where);
nlohmann::json connections_to_json(const std::vector<std::pair<std::string, std::string>>& list);

// [control-thread] Parse a session file; SessionError with file:line:column for bad JSON or a
// bad shape. Never throws anything else for any content (fuzz/session_file_fuzz.cpp).
Session read_session(const std::string& path);
// The same from text already read; `path` names it in messages.
Session parse_session_text(const std::string& text, const std::string& path);

// Apply to an interface, all-or-nothing. SessionError names the file, the path and the reason;
// the interface is unchanged on error.
// Returns what it held back: the settings of a plugin slot whose plugin cannot load here (not
// installed), path → value, so that the state written back keeps them for a machine, or a
// later start, where it can (the caller adds them to what it saves while the slot is empty).
std::map<std::string, nlohmann::json> apply_session(const Session& session,
                                                    engine::Interface& iface,
                                                    const std::string& file);

// What a snapshot keeps and recalls: the mix, not the studio's names (String parameters) and
// not the control room's solos (a recall must not leave the monitors soloed, nor unsolo them).
bool in_snapshots(const params::ParamSchema& schema);

// The changes that bring `tree` to the state `params` stands for (every parameter it does not
// name at its default), validated as a whole; what in_snapshots() leaves out is left as it is.
// Throws params::ParamError.
std::vector<params::ParamChange> full_state_changes(
    const std::map<std::string, nlohmann::json>& params, const params::ParamTree& tree);

// The interface's current state as a session; and its atomic save.
Session capture_session(const engine::Interface& iface);
std::string session_to_json(const Session& session);
void save_session(const Session& session, const std::string& path);

}  // namespace phantom::session
