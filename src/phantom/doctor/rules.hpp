// The studio doctor's rules, one family a file, in their order of value (docs/decisions.md,
// "The studio doctor"): each appends what it finds for `facts`. A new rule is one function in
// its family, called from that family's entry point; a new family is one more entry here and
// one line in run_rules().
#pragma once

#include <vector>

#include "phantom/doctor/facts.hpp"
#include "phantom/doctor/findings.hpp"

namespace phantom::doctor {

// No signal on an input in use: no 48 V on a condenser, a dead cable, gain far too low, an
// instrument on a mic input, a route muted everywhere. (rules_input.cpp)
void input_signal_rules(const Facts& facts, std::vector<Finding>& out);
// No sound where you listen: an output mirroring a silent mix, monitors muted, volume -inf,
// speaker set B, nothing routed to the monitor mix, dimmed. (rules_listen.cpp)
void listen_rules(const Facts& facts, std::vector<Finding>& out);
// Level: clipping at the converter (how much to take off), a hot source on a -10 dBV input, a
// consumer source on a +4 dBu input, 48 V on a ribbon. (rules_level.cpp)
void level_rules(const Facts& facts, std::vector<Finding>& out);
// Crackles and the backend: xruns with the buffer that would hold them, kept connections whose
// ports are gone (a netjack2 slave that left). (rules_system.cpp)
void system_rules(const Facts& facts, std::vector<Finding>& out);
// The signal itself: mains hum, DC offset, a pair that cancels in mono. (rules_signal.cpp)
void signal_rules(const Facts& facts, std::vector<Finding>& out);

// Every family in order, the findings ordered by severity.
std::vector<Finding> run_rules(const Facts& facts);

// dBFS of a linear value, floored at -150.
double to_dbfs(double linear);

}  // namespace phantom::doctor
