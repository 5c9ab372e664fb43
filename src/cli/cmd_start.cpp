// phantom start: the main job. Runs the interface live until SIGINT or SIGTERM, then saves the
// state and exits 0.
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>

#include "arguments.hpp"
#include "commands.hpp"
#include "phantom/app/live_instance.hpp"
#include "phantom/app/plugin_memory.hpp"
#include "phantom/surfaces/http/api_json.hpp"
#include "phantom/surfaces/http/http_client.hpp"

namespace phantom::cli {

namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

extern "C" void on_stop_signal(int) {
    g_stop.store(true);
}

struct StartArgs {
    app::LiveOptions live;
    std::string http = "127.0.0.1:7480";
    std::vector<std::string> allow_hosts, sources, records, clock_inputs;
    std::string osc = "127.0.0.1:7481";
    std::vector<std::string> osc_allow;
    bool no_autoconnect = false;
    bool quiet = false;
};

std::string status_line(const nlohmann::json& s) {
    std::string clips;
    for (const auto& c : s["clips"])
        clips += (clips.empty() ? "" : " ") + c.get<std::string>();
    return fmt::format("{} {} | {} Hz | {} frames | {:.1f} ms | DSP {:.1f}% | xruns {} | clip: {}",
                       s["backend"].get<std::string>(), s["state"].get<std::string>(),
                       s["rate_hz"].get<double>(), s["frames"].get<int>(),
                       s["latency_ms"].get<double>(), s["dsp_load_percent"].get<double>(),
                       s["xruns"].get<std::uint64_t>(), clips.empty() ? "none" : clips);
}

void run_start(StartArgs& a) {
    // Before anything loads a plugin (the state file may): its large buffers get mappings of
    // their own (app/plugin_memory.hpp). Not glibc: the live loop's trims still hold.
    (void)app::keep_large_blocks_mapped();
    auto [host, port] = http::parse_host_port(a.http);
    a.live.http.host = host;
    a.live.http.port = port;
    a.live.http.allowed_hosts = a.allow_hosts;
    a.live.jack_autoconnect = !a.no_autoconnect;
    if (a.osc != "off") {
        osc::OscOptions o;
        std::tie(o.host, o.port) = osc::parse_osc_address(a.osc);
        o.allow = a.osc_allow;
        osc::SenderFilter check(o.allow);  // a wrong network is refused before anything starts
        a.live.osc = o;
    } else if (!a.osc_allow.empty()) {
        throw std::invalid_argument("--osc-allow needs OSC on (it is --osc off)");
    }
    for (const auto& s : a.sources)
        a.live.sources.push_back(split_assignment(s, "--source"));
    for (const auto& r : a.records)
        a.live.records.push_back(split_assignment(r, "--record"));
    for (const auto& c : a.clock_inputs)
        a.live.clock_inputs.push_back(split_assignment(c, "--clock-input"));

    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    app::LiveInstance live(a.live);
    if (!live.notice().empty()) std::fprintf(stderr, "phantom: %s\n", live.notice().c_str());
    const nlohmann::json iface_status = http::to_json(live.controller().status());
    std::printf("Phantom %s on %s, %s Hz, %d frames: %s (state: %s)\n",
                iface_status["device"].get<std::string>().c_str(),
                iface_status["backend"].get<std::string>().c_str(),
                fmt::format("{}", iface_status["rate_hz"].get<double>()).c_str(),
                iface_status["frames"].get<int>(), live.url().c_str(), live.state_path().c_str());
    if (!live.osc_url().empty()) std::printf("OSC on %s\n", live.osc_url().c_str());
    std::fflush(stdout);
    const bool tty = !a.quiet && ::isatty(STDOUT_FILENO);
    live.run(g_stop, [&](const control::Status& status) {
        if (!tty) return;
        std::printf("\r\033[K%s", status_line(http::to_json(status)).c_str());
        std::fflush(stdout);
    });
    if (tty) std::printf("\n");
    // A requested stop is not a crash: when the last save fails (disk full, the file size
    // limit) the old state file is intact, the user is told, and the exit is still 0, so a
    // supervisor does not restart what it was asked to stop.
    std::vector<std::string> files;
    try {
        files = live.shutdown();
    } catch (const std::exception& e) {  // the audio had stopped and recordings were finished
        std::fprintf(stderr, "phantom: stopped; the last changes could not be saved: %s\n",
                     e.what());
        return;
    }
    for (const auto& f : files)
        std::printf("Recorded %s\n", f.c_str());
    std::printf("Stopped; state saved to %s\n", live.state_path().c_str());
}

}  // namespace

void add_start_command(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "start", "Run the interface live (virtual hardware or JACK) with its HTTP control plane");
    auto a = std::make_shared<StartArgs>();
    cmd->add_option("--device", a->live.device,
                    "device id or .toml path (default: the state file's, else studio-8x8)");
    cmd->add_option("--backend", a->live.backend, "virtual (default) or jack")
        ->check(CLI::IsMember({"virtual", "jack"}));
    cmd->add_option("--rate", a->live.rate_hz,
                    "sample rate in Hz (virtual; default: the device's. JACK: the server's)");
    cmd->add_option("--frames", a->live.frames,
                    "block size in frames (virtual; default 256. JACK: the server's)");
    cmd->add_option("--session", a->live.state_path,
                    "the state file kept up to date (default: "
                    "$XDG_STATE_HOME/phantom/<device>.json)");
    cmd->add_option("--http", a->http,
                    "HOST:PORT of the web panel and API (default 127.0.0.1:7480); any address "
                    "but loopback makes an access token, printed in the URL");
    cmd->add_option("--allow-host", a->allow_hosts,
                    "another name this host may be reached by (Host header check)")
        ->take_all();
    cmd->add_option("--source", a->sources,
                    "CHANNEL=SOURCE: what plays into a channel (virtual hardware), as in render")
        ->take_all();
    cmd->add_option("--record", a->records,
                    "WHAT=FILE: record while running, as render: an output (main=take.wav), a "
                    "capture channel (in1=…), loopback=…, capture=DIR/ or outputs=DIR/; more "
                    "with `phantom record start`")
        ->take_all();
    cmd->add_option("--clock-input", a->clock_inputs,
                    "INPUT=RATE|none: what an external clock input of the virtual hardware "
                    "carries, e.g. wordclock=48000, adat=44100 (wrong rate), spdif=none; "
                    "/clock/source picks the input")
        ->take_all();
    cmd->add_option("--fault", a->live.faults,
                    "a virtual fault to troubleshoot against: CHANNEL=hum:50|60:LEVEL, "
                    "CHANNEL=dc:LEVEL, CHANNEL=polarity, CHANNEL=dead, overload:TIME, "
                    "clock=vanish, clock=drift:PPM or PB=echo-loopback (docs/user-guide.md, "
                    "Virtual faults)")
        ->take_all();
    cmd->add_option("--osc", a->osc,
                    "ADDR:PORT of the OSC server (UDP; default 127.0.0.1:7481), or off; any "
                    "address but loopback takes only the senders allowed by --osc-allow");
    cmd->add_option("--osc-allow", a->osc_allow,
                    "a network (192.168.1.0/24) or host whose OSC is taken, beyond this machine")
        ->take_all();
    cmd->add_flag("--no-autoconnect", a->no_autoconnect,
                  "JACK: do not connect the hardware-side ports to system:* at the first start "
                  "(later starts make the connections kept in the state: phantom connections)");
    cmd->add_option("--jack-server", a->live.jack_server,
                    "JACK: the server name (default: the "
                    "default server)");
    cmd->add_option("--jack-name", a->live.jack_name,
                    "JACK: this client's name, before the ':' of its ports (default phantom); "
                    "two instances on one server need two names");
    // The MIDI remote (docs/user-guide.md, "MIDI remote").
    cmd->add_option("--midi", a->live.midi,
                    "MIDI remote: auto (default: on with --backend jack, as its midi_ctl_in/out "
                    "ports; off on the virtual hardware), jack (also on the virtual hardware, "
                    "through a running JACK server), off")
        ->check(CLI::IsMember({"auto", "jack", "off"}));
    cmd->add_option("--midi-map", a->live.midi_map,
                    "MIDI mapping: a shipped profile (mackie, knob) or a TOML file; without "
                    "one, only learned bindings (phantom midi learn PATH)");
    cmd->add_flag("--quiet", a->quiet, "no status line");
    cmd->callback([a] { run_start(*a); });
}

}  // namespace phantom::cli
