// What the studio doctor says: one finding a problem, in one line each — what is wrong, where
// (an input, an output, the monitors, the machine, the clock, a network client) and how to fix
// it. Ordered by severity, then by the order of the rules (rules.hpp), most valuable first.
#pragma once

#include <string>
#include <vector>

namespace phantom::doctor {

enum class Severity {
    Critical,  // nothing is heard or recorded, or something is being damaged / distorted
    Warning,   // it works, but badly (hum, crackles, cancellation, a weak signal)
    Info,      // worth knowing (dimmed monitors, a level set for other gear)
};

struct Finding {
    Severity severity = Severity::Warning;
    std::string rule;   // a stable name, e.g. "no-phantom" (docs/decisions.md lists them)
    std::string where;  // "in1", "in5+in6", "main", "machine", "clock", "liveroom"
    std::string what;   // what is wrong, as measured
    std::string fix;    // how to fix it: a parameter path and value where one does
};

const char* to_string(Severity s);

// Stable sort by severity: rules already run in their order of value.
void order_findings(std::vector<Finding>& findings);

}  // namespace phantom::doctor
