#include "phantom/surfaces/http/doctor_routes.hpp"

#include <fmt/format.h>

#include "phantom/surfaces/http/json_codec.hpp"

namespace phantom::http {

using control::CommandError;
using control::ErrorKind;
using nlohmann::json;

json to_json(const std::vector<doctor::Finding>& findings) {
    json list = json::array();
    for (const auto& f : findings)
        list.push_back({{"severity", doctor::to_string(f.severity)},
                        {"rule", f.rule},
                        {"where", f.where},
                        {"what", f.what},
                        {"fix", f.fix}});
    return {{"findings", std::move(list)}};
}

ApiResponse doctor_route(control::Controller& c, const ApiRequest& r) {
    if (r.method != "GET") return method_not_allowed(r, "GET");
    return {200, to_json(c.findings()), {}};
}

ApiResponse faults_route(control::Controller& c, const ApiRequest& r, const std::string& rest) {
    const bool whole = rest.empty() || rest == "/";
    if (whole && r.method == "GET") return {200, {{"faults", c.faults()}}, {}};
    if (whole && r.method == "POST") {
        JsonParse parsed = parse_json_body(r.body, r.method + " " + r.path);
        if (!parsed.value) return {parsed.status, std::move(parsed.error), {}};
        const json& body = *parsed.value;
        if (!body.is_object() || !body.contains("fault") || !body["fault"].is_string())
            throw CommandError(ErrorKind::Malformed,
                               "POST /api/faults: expected {\"fault\": \"in1=hum:50:-40dBu\"}",
                               "/api/faults");
        c.add_fault(body["fault"].get<std::string>());
        return {200, {{"faults", c.faults()}}, {}};
    }
    if (r.method == "DELETE") {
        c.clear_faults(whole ? std::string() : rest.substr(1));
        return {200, {{"faults", c.faults()}}, {}};
    }
    const char* allow = whole ? "GET, POST, DELETE" : "DELETE";
    return method_not_allowed(r, allow);
}

}  // namespace phantom::http
