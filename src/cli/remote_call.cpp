#include "remote_call.hpp"

#include <fmt/format.h>

#include <cstdio>

#include "commands.hpp"
#include "phantom/surfaces/http/http_client.hpp"

namespace phantom::cli {

using nlohmann::json;

CLI::App* add_remote_subcommand(CLI::App& app, const std::shared_ptr<Remote>& remote,
                                const char* name, const char* help) {
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("--http", remote->http,
                    "HOST:PORT of the running Phantom (default 127.0.0.1:7480)")
        ->envname("PHANTOM_HTTP");
    cmd->add_option("--token", remote->token,
                    "the access token a Phantom on another machine printed at start")
        ->envname("PHANTOM_TOKEN");
    cmd->add_flag("--json", remote->as_json, "print the API's JSON answer");
    return cmd;
}

json call(const Remote& r, const std::string& method, const std::string& path, const json& body) {
    auto [host, port] = http::parse_host_port(r.http);
    http::HttpResult res;
    try {
        http::HttpHeaders headers;
        if (!r.token.empty()) headers.emplace_back("Authorization", "Bearer " + r.token);
        res = http::http_request(host, port, method, path, body.is_null() ? "" : body.dump(),
                                 headers);
    } catch (const http::ConnectError& e) {
        throw std::runtime_error(e.what());
    }
    json answer = json::parse(res.body, nullptr, false);
    if (res.status >= 400) {
        std::string message = answer.is_object() && answer.contains("error")
                                  ? answer["error"].get<std::string>()
                                  : fmt::format("HTTP {}", res.status);
        // What is allowed, unless the message says it already.
        if (answer.is_object() && answer.contains("allowed") && answer["allowed"].is_string()) {
            const std::string allowed = answer["allowed"].get<std::string>();
            if (message.find(allowed) == std::string::npos)
                message += fmt::format(" (allowed: {})", allowed);
        }
        throw UsageError(message);
    }
    if (answer.is_discarded())
        throw std::runtime_error(fmt::format("{} {}: the answer is not JSON", method, path));
    return answer;
}

std::string url_segment(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        out += unreserved ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
    }
    return out;
}

void print_or_json(const Remote& r, const json& answer, const std::function<void()>& text) {
    if (r.as_json)
        std::printf("%s\n", answer.dump(2).c_str());
    else
        text();
}

}  // namespace phantom::cli
