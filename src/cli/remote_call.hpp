// How the remote commands (get, set, list, meters, snapshot, midi, status) reach a running
// `phantom start`: its address and token, one HTTP call that turns a refusal into the
// instance's own message, and the choice between text and the API's JSON.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace phantom::cli {

struct Remote {
    std::string http = "127.0.0.1:7480";
    std::string token;  // for a Phantom on another machine, bound beyond loopback
    bool as_json = false;
};

// Adds a remote subcommand with --http (or PHANTOM_HTTP), --token (or PHANTOM_TOKEN), --json.
CLI::App* add_remote_subcommand(CLI::App& app, const std::shared_ptr<Remote>& remote,
                                const char* name, const char* help);

// A refusal by the instance throws UsageError with its message (exit code 2); no answer or a
// broken one throws std::runtime_error (exit code 1).
nlohmann::json call(const Remote& r, const std::string& method, const std::string& path,
                    const nlohmann::json& body = nullptr);

// One path segment of a URL: everything but letters, digits and "-._~" as %XX, so a snapshot
// named "Verse 2/loud" is one segment.
std::string url_segment(const std::string& text);

void print_or_json(const Remote& r, const nlohmann::json& answer,
                   const std::function<void()>& text);

}  // namespace phantom::cli
