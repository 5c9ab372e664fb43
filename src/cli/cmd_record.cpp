// phantom record start WHAT=FILE… | stop ID | list: recording while a `phantom start` runs
// (virtual hardware), the forms of `render --record`. Paths are made absolute here: the
// instance runs elsewhere, the user means this shell's folder.
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "remote_call.hpp"

namespace phantom::cli {

using nlohmann::json;

namespace {

std::string absolute_request(const std::string& request) {
    const auto eq = request.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == request.size())
        throw UsageError(
            fmt::format("record start: '{}' is not WHAT=FILE (main=take.wav, in1=…, loopback=…, "
                        "capture=DIR/, outputs=DIR/)",
                        request));
    std::string path = request.substr(eq + 1);
    const bool folder = path.back() == '/';
    path = std::filesystem::absolute(path).lexically_normal().string();
    if (folder && path.back() != '/') path += '/';
    return request.substr(0, eq + 1) + path;
}

void print_recording(const json& r, const char* verb) {
    std::printf("%s%llu %s → %s (%.1f s)\n", verb,
                static_cast<unsigned long long>(r["id"].get<std::uint64_t>()),
                r["what"].get<std::string>().c_str(), r["path"].get<std::string>().c_str(),
                r["seconds"].get<double>());
}

}  // namespace

void add_record_command(CLI::App& app) {
    auto r = std::make_shared<Remote>();
    auto action = std::make_shared<std::string>();
    auto args = std::make_shared<std::vector<std::string>>();
    auto* cmd = add_remote_subcommand(
        app, r, "record",
        "Record while running: start WHAT=FILE… (as render --record), stop ID, list");
    cmd->add_option("ACTION", *action, "start | stop | list")
        ->required()
        ->check(CLI::IsMember({"start", "stop", "list"}));
    cmd->add_option("ARGS", *args,
                    "start: WHAT=FILE… (main=take.wav, in1=…, loopback=…, capture=DIR/, "
                    "outputs=DIR/); stop: the recording's id");
    cmd->callback([r, action, args] {
        json a;
        if (*action == "list") {
            a = call(*r, "GET", "/api/recordings");
        } else if (*action == "start") {
            if (args->empty()) throw UsageError("record start: give WHAT=FILE, e.g. main=take.wav");
            json record = json::array();
            for (const auto& request : *args)
                record.push_back(absolute_request(request));
            a = call(*r, "POST", "/api/recordings", {{"record", record}});
        } else {
            if (args->size() != 1) throw UsageError("record stop: give one recording id");
            a = call(*r, "DELETE", "/api/recordings/" + url_segment(args->front()));
        }
        print_or_json(*r, a, [&] {
            if (*action == "stop") {
                print_recording(a["stopped"], "stopped ");
                return;
            }
            if (a["recordings"].empty()) std::printf("no recordings running\n");
            for (const auto& rec : a["recordings"])
                print_recording(rec, *action == "start" ? "recording " : "");
        });
    });
}

void add_rate_command(CLI::App& app) {
    auto r = std::make_shared<Remote>();
    auto rate = std::make_shared<std::uint32_t>(0);
    auto* cmd = add_remote_subcommand(
        app, r, "rate",
        "Change the virtual hardware's sample rate while running (ADAT follows: S/MUX)");
    cmd->add_option("HZ", *rate, "the new rate, e.g. 96000")->required();
    cmd->callback([r, rate] {
        const json a = call(*r, "PUT", "/api/rate", {{"rate_hz", *rate}});
        print_or_json(*r, a, [&] { std::printf("running at %u Hz\n", *rate); });
    });
}

}  // namespace phantom::cli
