// The commands that talk to a running `phantom start` over its HTTP API: snapshot, midi,
// connect, disconnect, connections, status (get/set/list: cmd_params.cpp; meters:
// cmd_meters.cpp). They only translate; the
// instance does the work.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.hpp"
#include "remote_call.hpp"
#include "status_latency_text.hpp"

namespace phantom::cli {

using nlohmann::json;

void add_remote_commands(CLI::App& app) {
    auto r = std::make_shared<Remote>();
    auto add = [&](const char* name, const char* help) {
        return add_remote_subcommand(app, r, name, help);
    };

    auto action = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto new_name = std::make_shared<std::string>();
    auto* snap =
        add("snapshot", "Save, recall, list, rename or delete named snapshots of the mixer");
    snap->add_option("ACTION", *action, "save | recall | list | rename | delete")
        ->required()
        ->check(CLI::IsMember({"save", "recall", "list", "rename", "delete"}));
    snap->add_option("NAME", *name,
                     "the snapshot's name: any printable text, in quotes when it has spaces "
                     "(\"Verse 2\"); one name in any case is one snapshot");
    snap->add_option("NEW_NAME", *new_name, "rename: the new name");
    snap->callback([r, action, name, new_name] {
        if (*action != "list" && name->empty())
            throw UsageError(fmt::format("snapshot {}: a NAME is needed", *action));
        if (*action == "rename" && new_name->empty())
            throw UsageError("snapshot rename: NAME and NEW_NAME are needed");
        json a;
        const std::string at = "/api/snapshots/" + url_segment(*name);
        if (*action == "rename") a = call(*r, "PUT", at, {{"name", *new_name}});
        if (*action == "list") a = call(*r, "GET", "/api/snapshots");
        if (*action == "save") a = call(*r, "POST", "/api/snapshots", {{"name", *name}});
        if (*action == "recall") a = call(*r, "POST", at);
        if (*action == "delete") a = call(*r, "DELETE", at);
        print_or_json(*r, a, [&] {
            if (*action == "list") {
                for (const auto& n : a["snapshots"])
                    std::printf("%s\n", n.get<std::string>().c_str());
            } else if (*action == "recall") {
                std::printf("recalled %s (%zu changes)\n", name->c_str(), a["changed"].size());
                for (const auto& p : a["held_phantom"])
                    std::printf("48 V kept off on %s: switch it on yourself if you mean it\n",
                                p.get<std::string>().c_str());
                for (const auto& p : a["gliding"])
                    std::printf("%s rises over 1 s\n", p.get<std::string>().c_str());
            } else if (*action == "rename") {
                std::printf("renamed %s to %s\n", name->c_str(), new_name->c_str());
            } else {
                std::printf("%s %s\n", *action == "save" ? "saved" : "deleted", name->c_str());
            }
        });
    });

    // phantom midi learn PATH | list | forget PATH | cancel
    auto midi_action = std::make_shared<std::string>();
    auto midi_path = std::make_shared<std::string>();
    auto midi_wait_s = std::make_shared<double>(30.0);
    auto* midi =
        add("midi", "The MIDI remote: learn a control for a parameter, list or forget bindings");
    midi->add_option("ACTION", *midi_action, "learn | list | forget | cancel")
        ->required()
        ->check(CLI::IsMember({"learn", "list", "forget", "cancel"}));
    midi->add_option("PATH", *midi_path, "learn, forget: the parameter, e.g. /monitor/volume");
    midi->add_option("--wait", *midi_wait_s,
                     "learn: seconds to wait for a control to move (default 30; 0 returns at "
                     "once)");
    midi->callback([r, midi_action, midi_path, midi_wait_s] {
        const std::string& what = *midi_action;
        if ((what == "learn" || what == "forget") && midi_path->empty())
            throw UsageError(fmt::format("midi {}: a PATH is needed, e.g. /monitor/volume", what));
        auto print_bindings = [](const json& a) {
            std::printf("port %s, map: %s\n", a.value("port", std::string()).c_str(),
                        a.value("profile", std::string()).empty()
                            ? "none"
                            : a.value("profile", std::string()).c_str());
            for (const auto& b : a["bindings"])
                std::printf("  %-16s %-24s %-15s %s\n", b["control"].get<std::string>().c_str(),
                            b["target"].get<std::string>().c_str(),
                            b["mode"].get<std::string>().c_str(),
                            b["where"].get<std::string>().c_str());
        };
        if (what == "list") {
            json a = call(*r, "GET", "/api/midi");
            print_or_json(*r, a, [&] { print_bindings(a); });
        } else if (what == "cancel") {
            json a = call(*r, "DELETE", "/api/midi/learn");
            print_or_json(*r, a, [&] { std::printf("learn cancelled\n"); });
        } else if (what == "forget") {
            json a = call(*r, "DELETE", "/api/midi/bindings" + *midi_path);
            print_or_json(*r, a, [&] {
                std::printf("forgot %zu learned binding(s) of %s\n", a["forgotten"].get<size_t>(),
                            midi_path->c_str());
            });
        } else {
            call(*r, "POST", "/api/midi/learn", {{"path", *midi_path}});
            if (*midi_wait_s <= 0) {
                std::printf("learning %s: move a control on the MIDI controller\n",
                            midi_path->c_str());
                return;
            }
            std::printf("learning %s: move a control on the MIDI controller…\n",
                        midi_path->c_str());
            std::fflush(stdout);
            const auto until = std::chrono::steady_clock::now() +
                               std::chrono::milliseconds(static_cast<long>(*midi_wait_s * 1000));
            while (std::chrono::steady_clock::now() < until) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                json a = call(*r, "GET", "/api/midi");
                if (!a["learning"].is_null()) continue;
                for (const auto& b : a["bindings"]) {
                    if (b["learned"].get<bool>() && b["target"] == *midi_path) {
                        print_or_json(*r, b, [&] {
                            std::printf("learned: %s → %s (%s)\n",
                                        b["control"].get<std::string>().c_str(), midi_path->c_str(),
                                        b["mode"].get<std::string>().c_str());
                        });
                        return;
                    }
                }
                throw std::runtime_error(
                    "learn ended without a binding (cancelled, or see "
                    "phantom status)");
            }
            call(*r, "DELETE", "/api/midi/learn");
            throw std::runtime_error(
                fmt::format("no MIDI control moved within {} s; learn cancelled", *midi_wait_s));
        }
    });

    // JACK connections of Phantom's ports, kept with its state (docs/user-guide.md).
    auto ends = std::make_shared<std::vector<std::string>>();
    auto wait = std::make_shared<bool>(false);
    auto* connect = add("connect",
                        "Connect two JACK ports (one of them Phantom's) and keep the connection "
                        "in Phantom's state");
    connect
        ->add_option("PORTS", *ends,
                     "FROM TO: an output port, then an input port, e.g. "
                     "system:capture_3 phantom:hw_in_adat1")
        ->expected(2)
        ->required();
    connect->add_flag("--wait", *wait,
                      "keep it even if a port does not exist yet: it is made when the port "
                      "appears (a netjack2 slave that joins later)");
    connect->callback([r, ends, wait] {
        json a = call(*r, "POST", "/api/connections",
                      {{"from", (*ends)[0]}, {"to", (*ends)[1]}, {"wait", *wait}});
        print_or_json(*r, a, [&] {
            std::printf("%s → %s: %s\n", a["from"].get<std::string>().c_str(),
                        a["to"].get<std::string>().c_str(),
                        a["state"] == "waiting" ? "kept; made when the port appears"
                                                : a["state"].get<std::string>().c_str());
        });
    });
    auto* disconnect = add("disconnect",
                           "Disconnect two JACK ports and forget the connection in Phantom's "
                           "state");
    disconnect->add_option("PORTS", *ends, "FROM TO: the output port, then the input port")
        ->expected(2)
        ->required();
    disconnect->callback([r, ends] {
        json a = call(*r, "DELETE", "/api/connections", {{"from", (*ends)[0]}, {"to", (*ends)[1]}});
        print_or_json(*r, a, [&] {
            std::printf("disconnected %s → %s\n", (*ends)[0].c_str(), (*ends)[1].c_str());
        });
    });
    auto list_ports = std::make_shared<bool>(false);
    auto* connections =
        add("connections", "List the JACK connections Phantom keeps, with their state");
    connections->add_flag("--ports", *list_ports, "also list every port of the JACK graph");
    connections->callback([r, list_ports] {
        json a = call(*r, "GET", "/api/connections");
        print_or_json(*r, a, [&] {
            for (const auto& c : a["connections"])
                std::printf("%-40s → %-40s %s\n", c["from"].get<std::string>().c_str(),
                            c["to"].get<std::string>().c_str(),
                            c["state"].get<std::string>().c_str());
            if (a["connections"].empty()) std::printf("no connections kept\n");
            if (!*list_ports) return;
            std::printf("\nports:\n");
            for (const auto& p : a["ports"])
                std::printf("  %-44s %-6s %s%s\n", p["name"].get<std::string>().c_str(),
                            p["direction"].get<std::string>().c_str(),
                            p["type"].get<std::string>().c_str(),
                            p["ours"].get<bool>() ? " (Phantom)" : "");
        });
    });

    auto* status = add("status", "Backend, rate, block size, latency, DSP load, xruns, clips");
    status->callback([r] {
        json s = call(*r, "GET", "/api/status");
        print_or_json(*r, s, [&] {
            std::printf("backend   %s (%s)%s\n", s["backend"].get<std::string>().c_str(),
                        s["state"].get<std::string>().c_str(),
                        s["message"].get<std::string>().empty()
                            ? ""
                            : (" " + s["message"].get<std::string>()).c_str());
            std::printf("device    %s\n", s["device"].get<std::string>().c_str());
            std::printf("rate      %g Hz, %d frames, latency %d frames (%.2f ms)\n",
                        s["rate_hz"].get<double>(), s["frames"].get<int>(),
                        s["latency_frames"].get<int>(), s["latency_ms"].get<double>());
            std::fputs(status_latency_text(s).c_str(), stdout);
            if (s.contains("clock"))  // older instances do not send it
                std::printf("clock     %s\n", s["clock"].value("message", std::string()).c_str());
            std::printf("DSP load  %.2f %%\nxruns     %llu\n", s["dsp_load_percent"].get<double>(),
                        static_cast<unsigned long long>(s["xruns"].get<std::uint64_t>()));
            std::string clips;
            for (const auto& c : s["clips"])
                clips += " " + c.get<std::string>();
            std::printf("clips    %s\n", clips.empty() ? " none" : clips.c_str());
            for (const auto& p : s["held_phantom"])
                std::printf("48 V held off by a recall: %s\n", p.get<std::string>().c_str());
            // Older instances do not send these.
            const auto starved = s.value("source_starved_frames", std::uint64_t{0});
            const auto overruns = s.value("record_overruns", std::uint64_t{0});
            if (starved > 0)
                std::printf("file sources fell behind: %llu frames of silence\n",
                            static_cast<unsigned long long>(starved));
            if (overruns > 0)
                std::printf("recordings fell behind: %llu frames dropped\n",
                            static_cast<unsigned long long>(overruns));
            const std::string notice = s.value("state_notice", std::string());
            const std::string save_error = s.value("save_error", std::string());
            for (const auto& f : s.value("surfaces", json::array())) {
                const std::string note = f.value("notice", std::string());
                std::printf(
                    "%-9s %s: %llu taken, %llu malformed, %llu not allowed, %llu refused, "
                    "%llu subscribed%s%s\n",
                    f.value("name", std::string()).c_str(),
                    f.value("address", std::string()).c_str(),
                    static_cast<unsigned long long>(f.value("received", 0ULL)),
                    static_cast<unsigned long long>(f.value("malformed", 0ULL)),
                    static_cast<unsigned long long>(f.value("not_allowed", 0ULL)),
                    static_cast<unsigned long long>(f.value("refused", 0ULL)),
                    static_cast<unsigned long long>(f.value("subscribers", 0ULL)),
                    note.empty() ? "" : "; ", note.c_str());
            }
            for (const auto& w : s.value("connections_waiting", json::array()))
                std::printf("waiting   %s\n", w.get<std::string>().c_str());
            if (!notice.empty()) std::printf("state     %s\n", notice.c_str());
            if (!save_error.empty())
                std::printf("SAVE FAILED  %s (changes are kept in memory until a save works)\n",
                            save_error.c_str());
        });
    });
}

}  // namespace phantom::cli
