#include "phantom/surfaces/http/recordings_route.hpp"

#include <fmt/format.h>

#include <charconv>

#include "phantom/surfaces/http/json_codec.hpp"

namespace phantom::http {

using control::CommandError;
using control::ErrorKind;
using nlohmann::json;

namespace {

json to_json(const control::RecordingInfo& r) {
    return {{"id", r.id}, {"what", r.what}, {"path", r.path}, {"seconds", r.seconds}};
}

json list_json(const std::vector<control::RecordingInfo>& list) {
    json out = json::array();
    for (const auto& r : list)
        out.push_back(to_json(r));
    return out;
}

[[noreturn]] void malformed(const std::string& message) {
    throw CommandError(ErrorKind::Malformed, message);
}

std::vector<std::pair<std::string, std::string>> requests_from(const ApiRequest& r) {
    const std::string where = "POST /api/recordings";
    const std::string form = where + ": expected {\"record\": [\"main=take.wav\", …]}";
    if (r.body.empty()) malformed(form);
    JsonParse parsed = parse_json_body(r.body, where);
    if (!parsed.value) malformed(parsed.error.value("error", form));
    const json& body = *parsed.value;
    if (!body.is_object() || !body.contains("record") || !body["record"].is_array() ||
        body.size() != 1)
        malformed(form);
    std::vector<std::pair<std::string, std::string>> requests;
    for (const auto& item : body["record"]) {
        if (!item.is_string()) malformed(form);
        const std::string text = item.get<std::string>();
        const auto eq = text.find('=');
        if (eq == std::string::npos || eq == 0)
            malformed(
                fmt::format("{}: '{}' is not WHAT=FILE (main=take.wav, in1=…, loopback=…, "
                            "capture=DIR/, outputs=DIR/)",
                            where, text));
        requests.emplace_back(text.substr(0, eq), text.substr(eq + 1));
    }
    return requests;
}

}  // namespace

ApiResponse rate_route(control::Controller& c, const ApiRequest& r) {
    if (r.method != "PUT") return method_not_allowed(r, "PUT");
    const std::string form = "PUT /api/rate: expected {\"rate_hz\": 96000}";
    if (r.body.empty()) malformed(form);
    JsonParse parsed = parse_json_body(r.body, "PUT /api/rate");
    if (!parsed.value) malformed(parsed.error.value("error", form));
    const json& body = *parsed.value;
    if (!body.is_object() || body.size() != 1 || !body.contains("rate_hz") ||
        !body["rate_hz"].is_number_unsigned())
        malformed(form);
    const auto rate = body["rate_hz"].get<std::uint64_t>();
    if (rate > 1000000) malformed(form);
    c.change_rate(static_cast<std::uint32_t>(rate));
    return {200, {{"rate_hz", rate}}, {}};
}

ApiResponse recordings_route(control::Controller& c, const ApiRequest& r, const std::string& rest) {
    if (rest.empty() || rest == "/") {
        if (r.method == "GET") return {200, {{"recordings", list_json(c.recordings())}}, {}};
        if (r.method == "POST")
            return {200, {{"recordings", list_json(c.start_recordings(requests_from(r)))}}, {}};
        return method_not_allowed(r, "GET, POST");
    }
    const std::string id_text = rest.substr(1);
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
    if (ec != std::errc() || end != id_text.data() + id_text.size())
        throw CommandError(ErrorKind::UnknownPath,
                           fmt::format("{}: no such recording (ids are numbers)", r.path), r.path);
    if (r.method != "DELETE") return method_not_allowed(r, "DELETE");
    return {200, {{"stopped", to_json(c.stop_recording(id))}}, {}};
}

}  // namespace phantom::http
