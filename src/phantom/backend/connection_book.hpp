// The JACK connections of Phantom's ports, kept as part of its state: every connection made by
// anyone (qjackctl, jack_connect, a DAW, `phantom connect`), restored after a restart of
// Phantom or of the server, and made when a port that did not exist yet appears (a netjack2
// slave that joins later). No JACK here: the rules only, so that they are tested alone.
//
// Each entry is "connected" (seen in the graph at the last read), "waiting" (a port of it is
// absent, or it is not made yet) or "refused" (both ports exist and the server would not
// connect them: wrong direction or type). The graph read decides what the user meant:
//
//  - a connection seen that the book lacks was made by someone: it is added;
//  - a connected entry no longer seen, with one of its ports gone, was lost with the port
//    (the slave left): it waits for the port to come back;
//  - a connected entry no longer seen with both ports still there was undone by someone: it is
//    forgotten, but only when a second read kSettleMs later agrees. JACK removes a departing
//    port's connections before the port itself, and a read between the two must not be taken
//    for a disconnection.
//
// [control-thread] every method (the live loop's poll, under the controller's lock).
#pragma once

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace phantom::backend {

using PortPair = std::pair<std::string, std::string>;  // source (an output) → destination

struct PortConnection {
    std::string from, to;
    std::string state;  // connected | waiting | refused
};

class ConnectionBook {
  public:
    static constexpr long long kSettleMs = 200;

    // Replace every entry (a state file, a PUT); all wait until the next reconcile.
    void replace(const std::vector<PortPair>& pairs);
    // Add one (waiting until seen, or `connected`: just made) / forget one; false if it was
    // already there / absent.
    bool add(const PortPair& pair, bool connected = false);
    bool remove(const PortPair& pair);
    // Every entry waits again (the server came back: nothing of ours is connected yet).
    void all_waiting();
    void set_refused(const PortPair& pair);

    // Merge a read of the graph: `seen`, every connection of our ports now; `exists`, whether
    // a port of that full name exists now. Returns the waiting entries whose ports both exist:
    // the caller connects them.
    std::vector<PortPair> reconcile(const std::set<PortPair>& seen,
                                    const std::function<bool(const std::string&)>& exists,
                                    long long now_ms);
    // An entry was seen gone with both its ports present: the next reconcile after kSettleMs
    // decides (the caller reads the graph again then, even with no change notified).
    bool settling() const;

    std::vector<PortConnection> entries() const;
    std::vector<PortPair> pairs() const;
    bool contains(const PortPair& pair) const;
    // Counted up by every change to pairs() (the state saver saves then).
    std::uint64_t revision() const { return revision_; }

  private:
    enum class State { Connected, Waiting, Refused };
    struct Entry {
        PortPair pair;
        State state = State::Waiting;
        long long gone_since_ms = -1;  // seen gone with both ports present: since when
    };
    Entry* find(const PortPair& pair);

    std::vector<Entry> entries_;  // in the order made: the user's list reads as they built it
    std::uint64_t revision_ = 0;
};

}  // namespace phantom::backend
