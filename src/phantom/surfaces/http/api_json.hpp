// The JSON form of the controller's typed values: how the HTTP API and the WebSocket write
// parameters, changes, meters and the status, and read values from a body. Translation only;
// the meaning lives in control/.
#pragma once

#include <nlohmann/json.hpp>

#include "phantom/control/command_error.hpp"
#include "phantom/control/results.hpp"

namespace phantom::http {

// true → switch, a number → number, a string → text ("-inf", "on", a choice). Anything else
// (null, an object, an array) is refused as control::ErrorKind::WrongType at `path`.
control::Value value_from_json(const nlohmann::json& j, const std::string& path);
nlohmann::json to_json(const control::Value& v);  // ±inf as "-inf" / "inf"

nlohmann::json to_json(const control::ParamInfo& p);
nlohmann::json to_json(const std::vector<control::ParamInfo>& list);
nlohmann::json to_json(const std::vector<control::Change>& changes);  // [{"path", "value"}…]
nlohmann::json to_json(const control::ApplyResult& r);
nlohmann::json to_json(const control::RecallResult& r);
nlohmann::json to_json(const control::MeterSnapshot& m);
nlohmann::json to_json(const control::Status& s);
nlohmann::json to_json(const control::DeviceInfo& d);
nlohmann::json to_json(const control::Snapshot& s);

// An error's HTTP status (400 malformed, 404 unknown, 409 not available or conflict, 422 wrong
// type or out of range) and body {"error", "kind", "path", "value", "allowed"}.
int http_status(control::ErrorKind kind);
nlohmann::json to_json(const control::CommandError& e);

}  // namespace phantom::http
