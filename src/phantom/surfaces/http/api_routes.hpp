// The JSON API's routes, free of any network code: a method, a path, a query and a body in, a
// status and a JSON body out. The HTTP server (http_server) checks the transport rules (Host,
// Origin, content type, size) and hands the request here.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "phantom/control/controller.hpp"

namespace phantom::http {

struct ApiRequest {
    std::string method;  // GET PUT POST DELETE …
    std::string path;    // decoded, "/api/params/mix/main/in1/gain"
    std::string query;   // "prefix=/mix" (decoded per value by the router)
    std::string body;
};

struct ApiResponse {
    int status = 200;
    nlohmann::json body;
    std::string allow;  // for 405: the methods the path accepts
};

ApiResponse route_api(control::Controller& controller, const ApiRequest& request);

// 405, naming the method refused and the methods `allow`ed ("GET, POST").
ApiResponse method_not_allowed(const ApiRequest& r, const std::string& allow);

// Does this method change state? (Such requests need a JSON body type and a local Origin.)
bool is_write_method(const std::string& method);

}  // namespace phantom::http
