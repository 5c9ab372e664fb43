// What the controller asks of a backend whose ports live in a graph of ports (JACK): the
// connections kept with the state (backend/connection_book.hpp), the ports one may connect to,
// and connecting and disconnecting them. The virtual hardware has no such graph: no patchbay.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "phantom/backend/connection_book.hpp"

namespace phantom::backend {

struct GraphPort {
    std::string name;  // "system:capture_1"
    bool is_output = false;
    bool is_midi = false;
    bool ours = false;  // one of Phantom's own
};

class PatchbayError : public std::runtime_error {
  public:
    enum class Kind { Malformed, UnknownPort, Refused };
    PatchbayError(Kind kind, const std::string& message)
        : std::runtime_error(message), kind_(kind) {}
    Kind kind() const { return kind_; }

  private:
    Kind kind_;
};

class Patchbay {
  public:
    virtual ~Patchbay() = default;
    // [control-thread, under the controller's lock] every method; each throws PatchbayError for
    // a refusal and changes nothing then.

    // The kept connections with their state now.
    virtual std::vector<PortConnection> connections() const = 0;
    // Every port of the graph (none while the server is away).
    virtual std::vector<GraphPort> ports() const = 0;
    // Keep `pair` and make it. One side must be Phantom's; a peer port that does not exist is
    // refused (UnknownPort) unless `wait`, when it is connected once it appears.
    virtual PortConnection connect(const PortPair& pair, bool wait) = 0;
    // Undo and forget `pair`; UnknownPort if it is neither kept nor connected.
    virtual void disconnect(const PortPair& pair) = 0;
    // Keep exactly `pairs` (checked as a whole first: each must have a side of Phantom's; peers
    // may be absent and wait), undoing the connections of Phantom's ports not among them.
    virtual void replace(const std::vector<PortPair>& pairs) = 0;
    // The state file's list, at start: kept, made when the backend starts (instead of the
    // automatic connections to system:*).
    virtual void restore(const std::vector<PortPair>& pairs) = 0;
    // What the state file keeps: none before the first start with no list (the automatic
    // connections are then made and kept).
    virtual std::optional<std::vector<PortPair>> saved() const = 0;
    // Counted up by every change to saved().
    virtual std::uint64_t revision() const = 0;
};

}  // namespace phantom::backend
