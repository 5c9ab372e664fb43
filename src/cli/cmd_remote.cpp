// The commands that talk to a running `phantom start` over its HTTP API: get, set, list,
// meters, snapshot, midi, connect, disconnect, connections, status. They only translate; the
// instance does the work.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.hpp"
#include "phantom/surfaces/http/http_client.hpp"

namespace phantom::cli {

namespace {

using nlohmann::json;

struct Remote {
    std::string http = "127.0.0.1:7480";
    std::string token;  // for a Phantom on another machine, bound beyond loopback
    bool as_json = false;
};

// A refusal from the instance: its message, exit code 2.
json call(const Remote& r, const std::string& method, const std::string& path,
          const json& body = nullptr) {
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
        const std::string message = answer.is_object() && answer.contains("error")
                                        ? answer["error"].get<std::string>()
                                        : fmt::format("HTTP {}", res.status);
        throw UsageError(message);
    }
    if (answer.is_discarded())
        throw std::runtime_error(fmt::format("{} {}: the answer is not JSON", method, path));
    return answer;
}

std::string value_text(const json& p) {
    std::string v = p["value"].is_string() ? p["value"].get<std::string>() : p["value"].dump();
    if (p["value"].is_boolean()) v = p["value"].get<bool>() ? "on" : "off";
    if (p.contains("unit") && !p["unit"].get<std::string>().empty())
        v += " " + p["unit"].get<std::string>();
    if (p.contains("available") && !p["available"].get<bool>())
        v += " (not available on this hardware)";
    return v;
}

void print_params(const json& list) {
    size_t width = 0;
    for (const auto& p : list)
        width = std::max(width, p["path"].get<std::string>().size());
    for (const auto& p : list)
        std::printf("%-*s  %s\n", static_cast<int>(width), p["path"].get<std::string>().c_str(),
                    value_text(p).c_str());
}

void print_or_json(const Remote& r, const json& answer, const std::function<void()>& text) {
    if (r.as_json)
        std::printf("%s\n", answer.dump(2).c_str());
    else
        text();
}

std::string bar(double dbfs, int width) {
    // -60 dBFS … 0 dBFS across the bar.
    const double fraction = std::clamp((dbfs + 60.0) / 60.0, 0.0, 1.0);
    const int filled = static_cast<int>(std::lround(fraction * width));
    return std::string(static_cast<size_t>(filled), '#') +
           std::string(static_cast<size_t>(width - filled), '.');
}

void print_meters(const json& m) {
    for (const char* group : {"inputs", "outputs"}) {
        for (const auto& e : m[group]) {
            const double peak = e["peak_dbfs"].get<double>();
            if (peak <= -150.0 && !e["clip"].get<bool>()) continue;  // silent: left out
            std::printf("%-10s %s %6.1f dBFS%s\n", e["id"].get<std::string>().c_str(),
                        bar(peak, 40).c_str(), peak, e["clip"].get<bool>() ? "  CLIP" : "");
        }
    }
}

}  // namespace

void add_remote_commands(CLI::App& app) {
    auto r = std::make_shared<Remote>();
    auto add = [&](const char* name, const char* help) {
        auto* cmd = app.add_subcommand(name, help);
        cmd->add_option("--http", r->http,
                        "HOST:PORT of the running Phantom (default "
                        "127.0.0.1:7480)");
        cmd->add_option("--token", r->token,
                        "the access token a Phantom on another machine printed at start")
            ->envname("PHANTOM_TOKEN");
        cmd->add_flag("--json", r->as_json, "print the API's JSON answer");
        return cmd;
    };

    auto path = std::make_shared<std::string>();
    auto* get = add("get", "Print a parameter of the running Phantom");
    get->add_option("PATH", *path, "e.g. /monitor/volume or a prefix such as /mix/hp1")->required();
    get->callback([r, path] {
        json a = call(*r, "GET", "/api/params" + *path);
        print_or_json(*r, a, [&] { print_params(a.is_array() ? a : json::array({a})); });
    });

    auto pairs = std::make_shared<std::vector<std::string>>();
    auto* set = add("set",
                    "Set parameters of the running Phantom (several PATH VALUE pairs are "
                    "one all-or-nothing batch)");
    set->add_option("PATH_VALUE", *pairs, "PATH VALUE [PATH VALUE …], e.g. /monitor/dim on")
        ->required();
    set->callback([r, pairs] {
        if (pairs->size() % 2 != 0)
            throw UsageError("set: expected PATH VALUE pairs, e.g. phantom set /monitor/dim on");
        json batch = json::object();
        for (size_t k = 0; k < pairs->size(); k += 2)
            batch[(*pairs)[k]] = (*pairs)[k + 1];
        json a = call(*r, "POST", "/api/params", batch);
        print_or_json(*r, a, [&] {
            for (const auto& c : a["changed"])
                std::printf("%s = %s\n", c["path"].get<std::string>().c_str(),
                            c["value"].is_string() ? c["value"].get<std::string>().c_str()
                                                   : c["value"].dump().c_str());
            for (const auto& g : a["gliding"])
                std::printf("%s rises to %s over 1 s (a large rise is never instant)\n",
                            g.get<std::string>().c_str(),
                            batch[g.get<std::string>()].get<std::string>().c_str());
            if (a["changed"].empty() && a["gliding"].empty()) std::printf("unchanged\n");
        });
    });

    auto prefix = std::make_shared<std::string>();
    auto* list = add("list", "List the parameters of the running Phantom with their values");
    list->add_option("PREFIX", *prefix, "only paths starting with this, e.g. /output");
    list->callback([r, prefix] {
        json a = call(*r, "GET", "/api/params?prefix=" + *prefix);
        print_or_json(*r, a, [&] { print_params(a); });
    });

    auto once = std::make_shared<bool>(false);
    auto* meters = add("meters", "Live bar meters of the running Phantom (Ctrl-C ends)");
    meters->add_flag("--once", *once, "print one reading and exit");
    meters->callback([r, once] {
        const bool tty = ::isatty(STDOUT_FILENO);
        for (;;) {
            json a = call(*r, "GET", "/api/meters");
            if (tty && !*once) std::printf("\033[H\033[2J");
            print_or_json(*r, a, [&] { print_meters(a); });
            std::fflush(stdout);
            if (*once || !tty) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });

    auto action = std::make_shared<std::string>();
    auto name = std::make_shared<std::string>();
    auto new_name = std::make_shared<std::string>();
    auto* snap =
        add("snapshot", "Save, recall, list, rename or delete named snapshots of the mixer");
    snap->add_option("ACTION", *action, "save | recall | list | rename | delete")
        ->required()
        ->check(CLI::IsMember({"save", "recall", "list", "rename", "delete"}));
    snap->add_option("NAME", *name, "the snapshot's name");
    snap->add_option("NEW_NAME", *new_name, "rename: the new name");
    snap->callback([r, action, name, new_name] {
        if (*action != "list" && name->empty())
            throw UsageError(fmt::format("snapshot {}: a NAME is needed", *action));
        if (*action == "rename" && new_name->empty())
            throw UsageError("snapshot rename: NAME and NEW_NAME are needed");
        json a;
        if (*action == "rename")
            a = call(*r, "PUT", "/api/snapshots/" + *name, {{"name", *new_name}});
        if (*action == "list") a = call(*r, "GET", "/api/snapshots");
        if (*action == "save") a = call(*r, "POST", "/api/snapshots", {{"name", *name}});
        if (*action == "recall") a = call(*r, "POST", "/api/snapshots/" + *name);
        if (*action == "delete") a = call(*r, "DELETE", "/api/snapshots/" + *name);
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
                std::printf("connections %s\n", w.get<std::string>().c_str());
            if (!notice.empty()) std::printf("state     %s\n", notice.c_str());
            if (!save_error.empty())
                std::printf("SAVE FAILED  %s (changes are kept in memory until a save works)\n",
                            save_error.c_str());
        });
    });
}

}  // namespace phantom::cli
