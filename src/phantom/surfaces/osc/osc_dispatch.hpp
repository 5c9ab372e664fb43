// The OSC address space over the controller: what a decoded datagram asks for, what goes back
// to its sender, and how changes and meters are said to subscribers. No sockets here
// (osc_server.hpp), so every rule is tested and fuzzed without a network.
//
//   /phantom/<path>             ,f -6 | ,i 1 | ,T | ,s main   set a parameter (the tree's path)
//   /phantom/<path>             (no arguments)                 query: the value comes back
//   /phantom/norm/<path>        ,f 0..1 | (none)               the same through the taper
//   /phantom/snapshot/recall    ,s name | ,i n (1-based, in list order)
//   /phantom/snapshot/save      ,s name
//   /phantom/snapshot/list      → /phantom/snapshot/count ,i n, then /phantom/snapshot/name
//                                 ,is index name for each, in bundles
//   /phantom/clip/clear         (none) | ,s channel
//   /phantom/subscribe          (none) | ,s norm              changes and meters, for a lease
//   /phantom/unsubscribe
//   ← /phantom/error            ,ss path reason               a refusal; nothing applied
//   ← /phantom/meter/<channel>  ,ff peak rms (dBFS)
//
// A datagram is one command: the parameter settings in it (a bundle's, or a message's) are
// applied together, all-or-nothing, as an HTTP batch; its queries and other commands follow,
// in order. Values are typed by the parameter, as the panel's are: a level takes a number (or
// "-inf"), a switch T/F or 0/1, a choice its name or its index.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "phantom/control/controller.hpp"
#include "phantom/surfaces/osc/osc_packet.hpp"

namespace phantom::osc {

using Datagram = std::vector<std::uint8_t>;

// Feedback in a bundle per datagram, below a typical network MTU (1500 less the headers), so
// it is never fragmented on the way to a tablet.
inline constexpr std::size_t kFeedbackDatagramBytes = 1400;

struct Outcome {
    std::vector<Datagram> replies;  // to the sender, in order
    std::size_t messages = 0;       // taken
    std::size_t refused = 0;        // answered with /phantom/error
    enum class Subscription { None, Subscribe, Unsubscribe } subscription = Subscription::None;
    bool norm = false;  // a subscription that also wants /phantom/norm/… feedback
};

class OscDispatch {
  public:
    // [control-thread] Reads the parameter tree's schemas once (they never change after start).
    explicit OscDispatch(control::Controller& controller);

    // [control-thread] One valid datagram's messages (decode() accepted it).
    Outcome handle(const std::vector<OscMessage>& messages);

    // Feedback, packed into bundles of at most kFeedbackDatagramBytes.
    std::vector<Datagram> changes(const std::vector<control::Change>& changes, bool norm) const;
    std::vector<Datagram> whole_state(bool norm) const;  // every parameter, as changes
    std::vector<Datagram> meters(const control::MeterSnapshot& meters) const;

    static Datagram error_reply(const std::string& path, const std::string& reason);

  private:
    struct Target {
        std::string path;  // the tree's path, "/monitor/volume"
        const params::ParamSchema* schema = nullptr;
        bool norm = false;
    };
    std::optional<Target> parameter(const std::string& address) const;
    control::Value value_for(const Target& t, const OscArg& arg) const;
    Datagram value_message(const Target& t, const control::Value& value) const;
    void command(const OscMessage& m, Outcome& outcome);

    control::Controller& controller_;
    // The schema of a parameter path, or null.
    const params::ParamSchema* schema_of(const std::string& path) const;
    std::unordered_map<std::string, const params::ParamSchema*> schemas_;
};

}  // namespace phantom::osc
