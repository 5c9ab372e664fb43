// phantom render: the virtual hardware, offline, as fast as the machine allows.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

#include "arguments.hpp"
#include "commands.hpp"
#include "phantom/app/offline_render.hpp"
#include "phantom/app/offline_session.hpp"
#include "phantom/session/session.hpp"
#include "phantom/units/levels.hpp"

namespace phantom::cli {

namespace {

struct RenderArgs {
    std::string device;
    std::uint32_t rate = 0;
    int frames = 1024;  // offline: large blocks amortise per-block work
    std::vector<std::string> sources, sets, records, clock_inputs, faults;
    std::string session, save_session, duration;
    int bits = 32;
    bool quiet = false;
};

std::string dbfs(float linear) {
    if (linear <= 0) return "-inf";
    return fmt::format("{:.1f}", units::gain_to_db(linear));
}

void print_summary(const engine::Interface& iface, const app::RenderSummary& s) {
    const double speed = s.wall_seconds > 0 ? s.seconds / s.wall_seconds : 0;
    // Wall time from the start of the job to the last byte written: opening and decoding the
    // sources, converting their rate, mixing and writing all count.
    std::printf(
        "Rendered %.3f s at %u Hz on %s in %.3f s, start to last byte written (%.1fx real "
        "time; %.3f s before the first block)\n",
        s.seconds, iface.sample_rate_hz(), iface.spec().id.c_str(), s.wall_seconds, speed,
        s.setup_seconds);
    // Peak per output, both sides of a pair on one entry.
    std::string peaks;
    std::uint32_t clips = 0;
    std::string clipped;
    std::map<std::string, std::pair<float, std::uint32_t>> per_output;
    std::vector<std::string> order;
    for (const auto& o : s.outputs) {
        std::string id = o.channel.substr(0, o.channel.find('.'));
        if (!per_output.count(id)) order.push_back(id);
        auto& e = per_output[id];
        e.first = std::max(e.first, o.peak);
        e.second += o.clips;
    }
    int n = 0, silent = 0;
    for (const auto& id : order) {
        if (per_output[id].first <= 0) {
            ++silent;
            continue;
        }
        peaks += fmt::format("{}{} {} dBFS", (n++ % 4 == 0) ? "\n  " : "   ", id,
                             dbfs(per_output[id].first));
        if (per_output[id].second > 0)
            clipped += fmt::format(" {} ({} samples)", id, per_output[id].second);
        clips += per_output[id].second;
    }
    if (silent > 0) peaks += fmt::format("\n  {} silent output{}", silent, silent == 1 ? "" : "s");
    std::printf("Output peaks:%s\n", peaks.c_str());
    std::string in_clipped;
    for (const auto& i : s.inputs)
        if (i.clips > 0) in_clipped += fmt::format(" {} ({} samples)", i.channel, i.clips);
    std::printf("Clips: %s\n", clips == 0 && in_clipped.empty()
                                   ? "none"
                                   : fmt::format("{}{}", clipped.empty() ? "" : "outputs" + clipped,
                                                 in_clipped.empty() ? "" : " inputs" + in_clipped)
                                         .c_str());
    if (s.warnings.empty()) {
        std::printf("Warnings: none\n");
    } else {
        std::printf("Warnings:\n");
        for (const auto& w : s.warnings)
            std::printf("  %s\n", w.c_str());
    }
    // Files, one line per folder when a request wrote many.
    std::map<std::string, int> per_folder;
    for (const auto& f : s.files)
        per_folder[f.substr(0, f.rfind('/') + 1)]++;
    if (!s.files.empty()) std::printf("Files:\n");
    for (const auto& f : s.files) {
        int& count = per_folder[f.substr(0, f.rfind('/') + 1)];
        if (count > 0 && count <= 4) {
            std::printf("  %s\n", f.c_str());
        } else if (count > 4) {
            std::printf("  %s (%d files)\n", f.substr(0, f.rfind('/') + 1).c_str(), count);
            count = 0;  // listed
        }
    }
}

void run_render(const RenderArgs& a) {
    const auto started = std::chrono::steady_clock::now();
    if (a.frames < 1 || a.frames > 8192)
        throw UsageError(fmt::format("--frames {}: expected 1..8192", a.frames));
    // The session, the sources and every --set (one batch: refused as a whole, in force from
    // the first sample) go through the control layer, as they would live.
    app::OfflineSetup setup;
    setup.device = a.device;
    setup.rate_hz = a.rate;
    setup.block_frames = a.frames;
    setup.session_path = a.session;
    for (const auto& s : a.sources)
        setup.sources.push_back(split_assignment(s, "--source"));
    for (const auto& s : a.sets)
        setup.sets.push_back(split_assignment(s, "--set"));
    for (const auto& c : a.clock_inputs)
        setup.clock_inputs.push_back(split_assignment(c, "--clock-input"));
    setup.faults = a.faults;
    app::OfflineSession offline(setup);
    engine::Interface& iface = offline.iface();
    const std::uint32_t rate = iface.sample_rate_hz();

    app::RenderOptions opt;
    opt.block_frames = a.frames;
    opt.bits = a.bits;
    opt.started = started;
    if (!a.duration.empty()) {
        opt.frames = parse_duration_frames(a.duration, rate);
    } else {
        opt.frames = iface.longest_file_frames();
        if (opt.frames == 0)
            throw UsageError("--duration is needed when no file source sets the length");
    }
    for (const auto& r : a.records) {
        auto [what, path] = split_assignment(r, "--record");
        opt.records.push_back({what, path});
    }
    if (!a.save_session.empty())
        session::save_session(offline.controller().capture(), a.save_session);
    const bool tty = !a.quiet && ::isatty(STDERR_FILENO);
    if (tty)
        opt.progress = [](double fraction) {
            const int width = 40;
            const int filled = static_cast<int>(std::lround(fraction * width));
            std::fprintf(
                stderr, "\r[%s%s] %3.0f%%", std::string(static_cast<size_t>(filled), '#').c_str(),
                std::string(static_cast<size_t>(width - filled), ' ').c_str(), fraction * 100);
            std::fflush(stderr);
        };
    auto summary = app::render_offline(iface, opt);
    if (tty) std::fprintf(stderr, "\n");
    print_summary(iface, summary);
}

}  // namespace

void add_render_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("render",
                                   "Render offline on the virtual hardware, faster than real time");
    auto a = std::make_shared<RenderArgs>();
    cmd->add_option("--device", a->device,
                    "device id or .toml path (default: the session's, else studio-8x8)");
    cmd->add_option("--rate", a->rate, "sample rate in Hz (default: the device's)");
    cmd->add_option("--frames", a->frames, "block size in frames (default 1024)");
    cmd->add_option("--source", a->sources,
                    "CHANNEL=SOURCE: what plays into an input or playback channel, e.g. in1=a.wav, "
                    "in2=sine:440:-20dBu, in3=condenser:sine:1k:94dBSPL, "
                    "in4=guitar:riff.wav:-20dBV, pb1=mix.wav#1")
        ->take_all();
    cmd->add_option("--fault", a->faults,
                    "a virtual fault: CHANNEL=hum:50|60:LEVEL, CHANNEL=dc:LEVEL, "
                    "CHANNEL=polarity, CHANNEL=dead, clock=vanish, clock=drift:PPM, "
                    "PB=echo-loopback (docs/user-guide.md, Virtual faults)")
        ->take_all();
    cmd->add_option("--set", a->sets,
                    "PATH=VALUE, e.g. /mix/main/in1/gain=-6 (see `phantom params`)")
        ->take_all();
    cmd->add_option("--clock-input", a->clock_inputs,
                    "INPUT=RATE|none: what an external clock input carries (wordclock=48000, "
                    "adat=none); /clock/source picks the input")
        ->take_all();
    cmd->add_option("--session", a->session, "session file (JSON) to load first");
    cmd->add_option("--save-session", a->save_session,
                    "save the resulting state as a session file");
    cmd->add_option(
           "--record", a->records,
           "WHAT=FILE: an output (main=out.wav), a capture channel (in1=x.wav), loopback=FILE, "
           "capture=DIR/ or outputs=DIR/")
        ->take_all();
    cmd->add_option("--duration", a->duration,
                    "how long: 60s, 1.5m, 500ms, 48000f (default: the longest file)");
    cmd->add_option("--bits", a->bits, "recording format: 16, 24 or 32 (float, default)")
        ->check(CLI::IsMember({16, 24, 32}));
    cmd->add_flag("--quiet", a->quiet, "no progress bar");
    cmd->callback([a] { run_render(*a); });
}

}  // namespace phantom::cli
