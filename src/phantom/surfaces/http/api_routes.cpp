#include "phantom/surfaces/http/api_routes.hpp"

#include <fmt/format.h>

#include "phantom/surfaces/http/api_json.hpp"
#include "phantom/surfaces/http/doctor_routes.hpp"
#include "phantom/surfaces/http/inserts_route.hpp"
#include "phantom/surfaces/http/json_codec.hpp"
#include "phantom/surfaces/http/plugins_route.hpp"
#include "phantom/surfaces/http/recordings_route.hpp"
#include "phantom/surfaces/http/strip_response_route.hpp"

namespace phantom::http {

using control::CommandError;
using control::ErrorKind;
using nlohmann::json;

namespace {

// A request the routes cannot read: 400 with the part of the body that was wrong, or the
// codec's own answer (400 for bytes that are not JSON, 422 for a number beyond double).
class BadRequest : public std::runtime_error {
  public:
    BadRequest(const std::string& message, json value = nullptr)
        : std::runtime_error(message),
          status_(400),
          body_({{"error", message}, {"kind", "malformed"}}) {
        if (!value.is_null()) body_["value"] = std::move(value);
    }
    BadRequest(int status, json body)
        : std::runtime_error(body.value("error", std::string("bad request"))),
          status_(status),
          body_(std::move(body)) {}
    int status() const { return status_; }
    const json& body() const { return body_; }

  private:
    int status_;
    json body_;
};

ApiResponse error(int status, json body) {
    return {status, std::move(body), {}};
}

json parse_body(const ApiRequest& r) {
    if (r.body.empty())
        throw BadRequest(fmt::format("{} {}: a JSON body is needed", r.method, r.path));
    JsonParse parsed = parse_json_body(r.body, r.method + " " + r.path);
    if (!parsed.value) throw BadRequest(parsed.status, std::move(parsed.error));
    return std::move(*parsed.value);
}

// "a=1&prefix=%2Fmix" → the decoded value of `key`, or "" (bytes that are not UTF-8 → U+FFFD).
std::string query_value(const std::string& query, const std::string& key) {
    for (const auto& item : query_items(query))
        if (item.key == key) return replace_invalid_utf8(item.value);
    return "";
}

// {"/path": value, …} or [{"path": p, "value": v}, …]
std::vector<control::SetParam> batch_from_json(const json& batch) {
    std::vector<control::SetParam> items;
    if (batch.is_object()) {
        for (const auto& [path, value] : batch.items())
            items.push_back({path, value_from_json(value, path)});
    } else if (batch.is_array()) {
        for (const auto& item : batch) {
            if (!item.is_object() || !item.contains("path") || !item["path"].is_string() ||
                !item.contains("value"))
                throw BadRequest("a batch item must be {\"path\": \"/…\", \"value\": …}", item);
            const std::string path = item["path"].get<std::string>();
            items.push_back({path, value_from_json(item["value"], path)});
        }
    } else {
        throw BadRequest(
            "a batch is an object {\"/path\": value, …} or an array of {\"path\", "
            "\"value\"}",
            batch);
    }
    return items;
}

ApiResponse params_route(control::Controller& c, const ApiRequest& r, const std::string& rest) {
    if (rest.empty() || rest == "/") {
        if (r.method == "GET") return {200, to_json(c.params(query_value(r.query, "prefix"))), {}};
        if (r.method == "POST") return {200, to_json(c.apply(batch_from_json(parse_body(r)))), {}};
        return method_not_allowed(r, "GET, POST");
    }
    if (r.method == "GET") {
        try {
            return {200, to_json(c.param(rest)), {}};
        } catch (const CommandError& e) {
            if (e.kind() != ErrorKind::UnknownPath) throw;
            return {200, to_json(c.params(rest + "/")), {}};  // a prefix: the list under it
        }
    }
    if (r.method == "PUT") {
        json body = parse_body(r);
        if (!body.is_object() || !body.contains("value"))
            throw BadRequest(fmt::format("PUT {}: expected {{\"value\": …}}", r.path), body);
        return {200, to_json(c.set(rest, value_from_json(body["value"], rest))), {}};
    }
    return method_not_allowed(r, "GET, PUT");
}

// {"name": "…"} → the name.
std::string name_from_body(const ApiRequest& r, const char* expected) {
    json body = parse_body(r);
    if (!body.is_object() || !body.contains("name") || !body["name"].is_string())
        throw BadRequest(fmt::format("{} {}: expected {}", r.method, r.path, expected), body);
    return body["name"].get<std::string>();
}

ApiResponse snapshots_route(control::Controller& c, const ApiRequest& r, const std::string& rest) {
    if (rest.empty() || rest == "/") {
        if (r.method == "GET") return {200, {{"snapshots", c.snapshot_names()}}, {}};
        if (r.method == "POST") {
            const std::string name = name_from_body(r, "{\"name\": \"…\"}");
            c.save_snapshot(name);
            return {201, {{"saved", name}}, {}};
        }
        return method_not_allowed(r, "GET, POST");
    }
    const std::string name = rest.substr(1);
    if (r.method == "GET") return {200, to_json(c.snapshot(name)), {}};
    if (r.method == "POST") return {200, to_json(c.recall_snapshot(name)), {}};
    if (r.method == "PUT") {  // rename
        const std::string to = name_from_body(r, "{\"name\": \"new name\"}");
        c.rename_snapshot(name, to);
        return {200, {{"renamed", name}, {"to", to}}, {}};
    }
    if (r.method == "DELETE") {
        c.delete_snapshot(name);
        return {200, {{"deleted", name}}, {}};
    }
    return method_not_allowed(r, "GET, POST, PUT, DELETE");
}

// The MIDI remote: GET its bindings; POST learn {"path"}, DELETE learn (cancel); DELETE
// bindings/<path> (forget what was learned for it).
ApiResponse midi_route(control::Controller& c, const ApiRequest& r, const std::string& rest) {
    control::MidiSurface* midi = c.midi();
    if (!midi) {
        std::string why = "the MIDI remote is off";
        for (const auto& s : c.status().surfaces)
            if (s.name == "midi" && !s.notice.empty()) why = s.notice;  // "MIDI remote off: …"
        throw CommandError(ErrorKind::NotAvailable, why + " (see phantom start --midi)");
    }
    if (rest.empty() || rest == "/") {
        if (r.method != "GET") return method_not_allowed(r, "GET");
        const control::MidiInfo info = midi->midi_info();
        json bindings = json::array();
        for (const auto& b : info.bindings)
            bindings.push_back({{"control", b.control},
                                {"target", b.target},
                                {"mode", b.mode},
                                {"learned", b.learned},
                                {"where", b.where}});
        return {200,
                {{"port", info.port},
                 {"profile", info.profile},
                 {"learning", info.learning.empty() ? json(nullptr) : json(info.learning)},
                 {"bindings", bindings}},
                {}};
    }
    if (rest == "/learn") {
        if (r.method == "POST") {
            json body = parse_body(r);
            if (!body.is_object() || !body.contains("path") || !body["path"].is_string())
                throw BadRequest("POST /api/midi/learn: expected {\"path\": \"/monitor/volume\"}",
                                 body);
            midi->learn(body["path"].get<std::string>());
            return {202, {{"learning", body["path"]}}, {}};
        }
        if (r.method == "DELETE") {
            midi->cancel_learn();
            return {200, {{"learning", nullptr}}, {}};
        }
        return method_not_allowed(r, "POST, DELETE");
    }
    if (rest.compare(0, 10, "/bindings/") == 0) {
        if (r.method != "DELETE") return method_not_allowed(r, "DELETE");
        const std::string path = rest.substr(9);
        return {200, {{"path", path}, {"forgotten", midi->forget(path)}}, {}};
    }
    return error(404,
                 {{"error", fmt::format("{}: no such endpoint (see docs/http-api.md)", r.path)},
                  {"path", r.path}});
}

json to_json(const backend::PortConnection& c) {
    return {{"from", c.from}, {"to", c.to}, {"state", c.state}};
}

// {"from": "client:port", "to": "client:port"} (and, for a connect, "wait": bool).
backend::PortPair pair_from_json(const json& item, const std::string& where) {
    if (!item.is_object() || !item.contains("from") || !item["from"].is_string() ||
        !item.contains("to") || !item["to"].is_string())
        throw BadRequest(
            fmt::format("{}: expected {{\"from\": \"client:port\", \"to\": \"client:port\"}}",
                        where),
            item);
    for (const auto& [key, value] : item.items())
        if (key != "from" && key != "to" && key != "wait" && key != "state")
            throw BadRequest(fmt::format("{}: unknown field '{}'", where, key), item);
    return {item["from"].get<std::string>(), item["to"].get<std::string>()};
}

// The JACK connections of Phantom's ports: GET them (and every port of the graph); PUT the
// whole list; POST one (connect), DELETE one (disconnect).
ApiResponse connections_route(control::Controller& c, const ApiRequest& r,
                              const std::string& rest) {
    if (!rest.empty() && rest != "/")
        return error(404,
                     {{"error", fmt::format("{}: no such endpoint (see docs/http-api.md)", r.path)},
                      {"path", r.path}});
    const std::string where = r.method + " /api/connections";
    if (r.method == "GET") {
        json list = json::array();
        for (const auto& k : c.connections())
            list.push_back(to_json(k));
        json ports = json::array();
        for (const auto& p : c.ports())
            ports.push_back({{"name", p.name},
                             {"direction", p.is_output ? "output" : "input"},
                             {"type", p.is_midi ? "midi" : "audio"},
                             {"ours", p.ours}});
        return {200, {{"connections", list}, {"ports", ports}}, {}};
    }
    if (r.method == "PUT") {
        json body = parse_body(r);
        const json* items = &body;
        if (body.is_object() && body.contains("connections")) items = &body["connections"];
        if (!items->is_array())
            throw BadRequest(where + ": expected {\"connections\": [{\"from\": …, \"to\": …}, …]}",
                             body);
        std::vector<backend::PortPair> pairs;
        for (const auto& item : *items)
            pairs.push_back(pair_from_json(item, where));
        c.set_connections(pairs);
        json list = json::array();
        for (const auto& k : c.connections())
            list.push_back(to_json(k));
        return {200, {{"connections", list}}, {}};
    }
    if (r.method == "POST") {
        json body = parse_body(r);
        const backend::PortPair pair = pair_from_json(body, where);
        if (body.contains("wait") && !body["wait"].is_boolean())
            throw BadRequest(where + ": \"wait\" is true or false", body);
        return {200, to_json(c.connect(pair.first, pair.second, body.value("wait", false))), {}};
    }
    if (r.method == "DELETE") {
        const backend::PortPair pair = pair_from_json(parse_body(r), where);
        c.disconnect(pair.first, pair.second);
        return {200, {{"disconnected", {{"from", pair.first}, {"to", pair.second}}}}, {}};
    }
    return method_not_allowed(r, "GET, PUT, POST, DELETE");
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
        if (starts_with(p, "/api/midi")) return midi_route(c, r, p.substr(9));
        if (starts_with(p, "/api/connections")) return connections_route(c, r, p.substr(16));
        if (starts_with(p, "/api/recordings")) return recordings_route(c, r, p.substr(15));
        if (starts_with(p, "/api/strips")) return strip_response_route(c, r, p.substr(11));
        if (starts_with(p, "/api/inserts")) return inserts_route(c, r, p.substr(12));
        if (starts_with(p, "/api/plugins")) return plugins_route(r, p.substr(12));
        if (p == "/api/rate") return rate_route(c, r);
        if (p == "/api/doctor") return doctor_route(c, r);
        if (starts_with(p, "/api/faults")) return faults_route(c, r, p.substr(11));
        auto get_only = [&](auto&& produce) -> ApiResponse {
            if (r.method != "GET") return method_not_allowed(r, "GET");
            return {200, produce(), {}};
        };
        if (p == "/api/device") return get_only([&] { return to_json(c.device()); });
        if (p == "/api/meters") return get_only([&] { return to_json(c.meters()); });
        if (p == "/api/meters/clear") {  // the clip lights: one channel ({"id"}) or all
            if (r.method != "POST") return method_not_allowed(r, "POST");
            json body = r.body.empty() ? json::object() : parse_body(r);
            if (!body.is_object() || (body.contains("id") && !body["id"].is_string()))
                throw BadRequest("POST /api/meters/clear: expected {} or {\"id\": \"in1\"}", body);
            return {200, {{"cleared", c.clear_clips(body.value("id", std::string()))}}, {}};
        }
        if (p == "/api/status") return get_only([&] { return to_json(c.status()); });
        return error(404, {{"error", fmt::format("{}: no such endpoint (see docs/http-api.md)", p)},
                           {"path", p}});
    } catch (const CommandError& e) {
        return error(http_status(e.kind()), to_json(e));
    } catch (const BadRequest& e) {
        return error(e.status(), e.body());
    }
}

ApiResponse method_not_allowed(const ApiRequest& r, const std::string& allow) {
    return {
        405,
        {{"error", fmt::format("{} is not allowed on {} (allowed: {})", r.method, r.path, allow)}},
        allow};
}

}  // namespace phantom::http
