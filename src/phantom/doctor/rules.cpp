#include "phantom/doctor/rules.hpp"

#include <algorithm>
#include <cmath>

namespace phantom::doctor {

const char* to_string(Severity s) {
    switch (s) {
        case Severity::Critical:
            return "critical";
        case Severity::Warning:
            return "warning";
        case Severity::Info:
            return "info";
    }
    return "info";
}

void order_findings(std::vector<Finding>& findings) {
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
        return static_cast<int>(a.severity) < static_cast<int>(b.severity);
    });
}

double to_dbfs(double linear) {
    return linear > 0 ? std::max(-150.0, 20.0 * std::log10(linear)) : -150.0;
}

std::vector<Finding> run_rules(const Facts& facts) {
    std::vector<Finding> out;
    input_signal_rules(facts, out);
    listen_rules(facts, out);
    level_rules(facts, out);
    system_rules(facts, out);
    signal_rules(facts, out);
    order_findings(out);
    return out;
}

}  // namespace phantom::doctor
