#include "phantom/surfaces/http/api_routes.hpp"

#include <fmt/format.h>

#include "phantom/surfaces/http/json_codec.hpp"

namespace phantom::http {

using nlohmann::json;

namespace {

ApiResponse error(int status, json body) {
    return {status, std::move(body), {}};
}

ApiResponse method_not_allowed(const ApiRequest& r, const std::string& allow) {
    return {
        405,
        {{"error", fmt::format("{} is not allowed on {} (allowed: {})", r.method, r.path, allow)}},
        allow};
}

json parse_body(const ApiRequest& r) {
    if (r.body.empty())
        throw control::ControlError(
            400, {{"error", fmt::format("{} {}: a JSON body is needed", r.method, r.path)}});
    JsonParse parsed = parse_json_body(r.body, r.method + " " + r.path);
    if (!parsed.value) throw control::ControlError(parsed.status, std::move(parsed.error));
    return std::move(*parsed.value);
}

// "a=1&prefix=%2Fmix" → the decoded value of `key`, or "" (bytes that are not UTF-8 → U+FFFD).
std::string query_value(const std::string& query, const std::string& key) {
    size_t pos = 0;
    while (pos <= query.size()) {
        size_t end = query.find('&', pos);
        if (end == std::string::npos) end = query.size();
        const std::string item = query.substr(pos, end - pos);
        if (item.compare(0, key.size() + 1, key + "=") == 0)
            return replace_invalid_utf8(percent_decode(item.substr(key.size() + 1), true));
        pos = end + 1;
    }
    return "";
}

ApiResponse params_route(control::Controller& c, const ApiRequest& r, const std::string& rest) {
    if (rest.empty() || rest == "/") {
        if (r.method == "GET") return {200, c.params(query_value(r.query, "prefix")), {}};
        if (r.method == "POST") return {200, c.apply_batch(parse_body(r)), {}};
        return method_not_allowed(r, "GET, POST");
    }
    if (r.method == "GET") {
        try {
            return {200, c.param(rest), {}};
        } catch (const control::ControlError& e) {
            if (e.status() != 404) throw;
            return {200, c.params(rest + "/"), {}};  // a prefix: the list under it
        }
    }
    if (r.method == "PUT") {
        json body = parse_body(r);
        if (!body.is_object() || !body.contains("value"))
            throw control::ControlError(
                400, {{"error", fmt::format("PUT {}: expected {{\"value\": …}}", r.path)},
                      {"path", rest},
                      {"value", body}});
        return {200, c.set(rest, body["value"]), {}};
    }
    return method_not_allowed(r, "GET, PUT");
}

ApiResponse snapshots_route(control::Controller& c, const ApiRequest& r, const std::string& rest) {
    if (rest.empty() || rest == "/") {
        if (r.method == "GET") return {200, {{"snapshots", c.snapshot_names()}}, {}};
        if (r.method == "POST") {
            json body = parse_body(r);
            if (!body.is_object() || !body.contains("name") || !body["name"].is_string())
                throw control::ControlError(
                    400, {{"error", "POST /api/snapshots: expected {\"name\": \"…\"}"},
                          {"value", body}});
            return {201, c.save_snapshot(body["name"].get<std::string>()), {}};
        }
        return method_not_allowed(r, "GET, POST");
    }
    const std::string name = rest.substr(1);
    if (r.method == "GET") return {200, c.snapshot(name), {}};
    if (r.method == "POST") return {200, c.recall_snapshot(name), {}};
    if (r.method == "PUT") {  // rename
        json body = parse_body(r);
        if (!body.is_object() || !body.contains("name") || !body["name"].is_string())
            throw control::ControlError(
                400, {{"error", fmt::format("PUT {}: expected {{\"name\": \"new name\"}}", r.path)},
                      {"value", body}});
        return {200, c.rename_snapshot(name, body["name"].get<std::string>()), {}};
    }
    if (r.method == "DELETE") {
        c.delete_snapshot(name);
        return {200, {{"deleted", name}}, {}};
    }
    return method_not_allowed(r, "GET, POST, PUT, DELETE");
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0 &&
           (s.size() == prefix.size() || s[prefix.size()] == '/');
}

}  // namespace

bool is_write_method(const std::string& method) {
    return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

ApiResponse route_api(control::Controller& c, const ApiRequest& r) {
    try {
        const std::string& p = r.path;
        if (starts_with(p, "/api/params")) return params_route(c, r, p.substr(11));
        if (starts_with(p, "/api/snapshots")) return snapshots_route(c, r, p.substr(14));
        auto get_only = [&](auto&& produce) -> ApiResponse {
            if (r.method != "GET") return method_not_allowed(r, "GET");
            return {200, produce(), {}};
        };
        if (p == "/api/device") return get_only([&] { return c.device(); });
        if (p == "/api/meters") return get_only([&] { return c.meters(); });
        if (p == "/api/meters/clear") {  // the clip lights: one channel ({"id"}) or all
            if (r.method != "POST") return method_not_allowed(r, "POST");
            json body = r.body.empty() ? json::object() : parse_body(r);
            if (!body.is_object() || (body.contains("id") && !body["id"].is_string()))
                throw control::ControlError(
                    400, {{"error", "POST /api/meters/clear: expected {} or {\"id\": \"in1\"}"},
                          {"value", body}});
            return {200, c.clear_clips(body.value("id", std::string())), {}};
        }
        if (p == "/api/status") return get_only([&] { return c.status(); });
        return error(404, {{"error", fmt::format("{}: no such endpoint (see docs/http-api.md)", p)},
                           {"path", p}});
    } catch (const control::ControlError& e) {
        return error(e.status(), e.body());
    }
}

}  // namespace phantom::http
