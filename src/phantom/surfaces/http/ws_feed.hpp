// What the WebSocket /api/ws says, as text frames, apart from how they travel:
//
//   {"type": "hello",   "params": [ … the whole tree … ]}   first, and after a lost log
//   {"type": "changes", "changes": [{"path", "value"}, …]}    every change, in order
//   {"type": "meters",  "channels": [ … ], …}                 kMeterRateHz times a second
//
// Changes are read by sequence number from the controller's change log, so the pusher never
// holds up a command. A hello is built after reading the sequence number it starts from: a
// change made in between is sent twice (harmless, a change sets a value) and never lost.
//
// [control-side threads] Frames are built once per tick and shared by every client.
#pragma once

#include <cstdint>
#include <string>

#include "phantom/control/controller.hpp"

namespace phantom::http {

class WsFeed {
  public:
    explicit WsFeed(control::Controller& controller);

    // The whole tree, and the sequence number to ask for changes after.
    struct Hello {
        std::string text;
        std::uint64_t seq = 0;
    };
    Hello hello() const;

    // One tick of the push: the changes since the last tick ("" when none; a new hello when
    // the log no longer reaches back that far) and the meters.
    struct Tick {
        std::string changes;
        std::string meters;
        // Every frame up to here is in `changes`: a client that joined with a hello at seq ≥
        // from_seq already has those values.
        std::uint64_t from_seq = 0, to_seq = 0;
    };
    Tick tick();

  private:
    control::Controller& controller_;
    std::uint64_t seen_;
};

}  // namespace phantom::http
