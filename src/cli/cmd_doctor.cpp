// phantom doctor: the studio doctor's findings from a running `phantom start`
// (GET /api/doctor), one line each — what is wrong, where, how to fix it — once, or
// refreshed every second with --watch. phantom fault: the virtual faults to troubleshoot
// against (/api/faults).
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.hpp"
#include "remote_call.hpp"

namespace phantom::cli {

using nlohmann::json;

namespace {

void print_findings(const json& answer) {
    const json& list = answer["findings"];
    if (list.empty()) {
        std::printf("no findings: nothing wrong that the doctor can see\n");
        return;
    }
    for (const auto& f : list)
        std::printf("%-8s %-10s %s\n%19s→ %s\n", f["severity"].get<std::string>().c_str(),
                    f["where"].get<std::string>().c_str(), f["what"].get<std::string>().c_str(), "",
                    f["fix"].get<std::string>().c_str());
}

}  // namespace

void add_doctor_commands(CLI::App& app) {
    auto r = std::make_shared<Remote>();
    auto watch = std::make_shared<bool>(false);
    auto* doctor = add_remote_subcommand(
        app, r, "doctor",
        "What is wrong with the running interface, where, and how to fix it (studio doctor)");
    doctor->add_flag("--watch", *watch, "refresh every second until Ctrl-C");
    doctor->callback([r, watch] {
        if (!*watch) {
            const json a = call(*r, "GET", "/api/doctor");
            print_or_json(*r, a, [&] { print_findings(a); });
            return;
        }
        const bool tty = ::isatty(STDOUT_FILENO) != 0;
        while (true) {
            const json a = call(*r, "GET", "/api/doctor");
            if (tty) std::printf("\033[H\033[2J");
            print_or_json(*r, a, [&] { print_findings(a); });
            if (!tty) std::printf("\n");
            std::fflush(stdout);
            std::this_thread::sleep_for(std::chrono::seconds(1));
        }
    });

    auto action = std::make_shared<std::string>();
    auto what = std::make_shared<std::string>();
    auto* fault = add_remote_subcommand(
        app, r, "fault", "Virtual faults to troubleshoot against: add, clear or list");
    fault->add_option("ACTION", *action, "add | clear | list")
        ->required()
        ->check(CLI::IsMember({"add", "clear", "list"}));
    fault->add_option("FAULT", *what,
                      "add: in1=hum:50:-40dBu, in1=dc:-10dBu, in2=polarity, in1=dead, "
                      "overload:8ms, clock=vanish, clock=drift:+1500ppm, pb1=echo-loopback; "
                      "clear: an input, machine, clock, a playback channel, or nothing for all");
    fault->callback([r, action, what] {
        json a;
        if (*action == "add") {
            if (what->empty()) throw UsageError("fault add: a FAULT is needed (e.g. in1=dead)");
            a = call(*r, "POST", "/api/faults", {{"fault", *what}});
        } else if (*action == "clear") {
            a = call(*r, "DELETE",
                     what->empty() ? "/api/faults" : "/api/faults/" + url_segment(*what));
        } else {
            a = call(*r, "GET", "/api/faults");
        }
        print_or_json(*r, a, [&] {
            if (a["faults"].empty()) std::printf("no faults\n");
            for (const auto& f : a["faults"])
                std::printf("%s\n", f.get<std::string>().c_str());
        });
    });
}

}  // namespace phantom::cli
