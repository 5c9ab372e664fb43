// phantom plugins [URI]: the LV2 plugins Phantom can host here, or one plugin's controls.
// Nothing reaches the terminal raw: a URI that is no URI is refused by Lv2World with its
// control characters written \xNN (Lv2Error), and the texts of a plugin's TTL (names, labels)
// are printed the same way, since a TTL file may hold any character.
#include <fmt/format.h>

#include <cstdio>

#include "commands.hpp"
#include "phantom/control/command_error.hpp"
#include "phantom/processors/lv2/lv2_world.hpp"

namespace phantom::cli {

namespace {

using control::visible_message;

std::string layout(const processors::lv2::Lv2PluginInfo& info) {
    const size_t ins = info.audio_in.size(), outs = info.audio_out.size();
    if (ins == 1 && outs == 1) return "mono (on a pair: one a side)";
    if (ins == 2 && outs == 2) return "stereo";
    return fmt::format("{} in / {} out: not for a channel slot", ins, outs);
}

void print_plugin(const processors::lv2::Lv2PluginInfo& info) {
    std::printf("%s\n  %s\n  audio: %s\n  latency: %s\n", visible_message(info.uri).c_str(),
                visible_message(info.name).c_str(), layout(info).c_str(),
                info.latency_port >= 0 ? "reported by the plugin (compensated)" : "none");
    if (!info.atom_in.empty() || !info.atom_out.empty())
        std::printf("  atom ports: %zu in, %zu out (fed empty sequences)\n", info.atom_in.size(),
                    info.atom_out.size());
    std::printf("  controls:\n");
    for (const auto& c : info.controls) {
        std::string kind = c.toggled       ? "on/off"
                           : c.enumeration ? "choice"
                           : c.integer     ? "integer"
                           : c.logarithmic ? "logarithmic"
                                           : "";
        std::string line =
            fmt::format("    {:<16} {:<28} {:g} .. {:g}, default {:g}", visible_message(c.symbol),
                        visible_message(c.name), c.min, c.max, c.default_value);
        if (!kind.empty()) line += "  (" + kind + ")";
        std::printf("%s\n", line.c_str());
        for (const auto& [value, label] : c.scale_points)
            std::printf("      %g = %s\n", value, visible_message(label).c_str());
    }
}

}  // namespace

void add_plugins_command(CLI::App& app) {
    auto* cmd = app.add_subcommand(
        "plugins", "List the LV2 plugins Phantom can host here, or describe one by URI");
    auto uri = std::make_shared<std::string>();
    cmd->add_option("URI", *uri, "a plugin's URI: its audio layout, latency and controls");
    cmd->callback([uri] {
        processors::lv2::Lv2World world;
        if (!uri->empty()) {
            print_plugin(world.describe(*uri));
            return;
        }
        const auto plugins = world.list();
        for (const auto& [u, name] : plugins)
            std::printf("%-56s %s\n", visible_message(u).c_str(), visible_message(name).c_str());
        std::fprintf(stderr,
                     "%zu LV2 plugins with audio in and out (from LV2_PATH or /usr/lib/lv2)\n",
                     plugins.size());
    });
}

}  // namespace phantom::cli
