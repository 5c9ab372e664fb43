// The studio doctor and the virtual faults over HTTP (docs/http-api.md):
//   GET /api/doctor                 the findings, most severe first
//   GET /api/faults                 the faults in force
//   POST /api/faults {"fault": "in1=hum:50:-40dBu"}   add one
//   DELETE /api/faults[/in1|/machine]                 clear all, an input's, the overload
// Translation only: the controller does the work.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "phantom/doctor/findings.hpp"
#include "phantom/surfaces/http/api_routes.hpp"

namespace phantom::http {

nlohmann::json to_json(const std::vector<doctor::Finding>& findings);

ApiResponse doctor_route(control::Controller& c, const ApiRequest& r);
// `rest`: the path after /api/faults.
ApiResponse faults_route(control::Controller& c, const ApiRequest& r, const std::string& rest);

}  // namespace phantom::http
