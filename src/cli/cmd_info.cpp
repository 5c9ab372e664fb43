// phantom devices | describe DEVICE | params DEVICE [PREFIX]
#include <fmt/format.h>

#include <cstdio>

#include "commands.hpp"
#include "phantom/device/channel_counts.hpp"
#include "phantom/device/device_catalog.hpp"
#include "phantom/params/interface_params.hpp"
#include "phantom/surfaces/http/spec_sheet_json.hpp"
#include "spec_sheet_text.hpp"

namespace phantom::cli {

void add_devices_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("devices", "List the device descriptions shipped in devices/");
    cmd->callback([] {
        for (const auto& id : device::list_device_ids()) {
            auto spec = device::load_device(id);
            auto c = device::channel_counts(spec, spec.default_rate);
            std::printf("%-14s %-24s %d in x %d out%s\n", id.c_str(), spec.name.c_str(), c.inputs,
                        c.outputs, id == device::kDefaultDeviceId ? "  (default)" : "");
        }
    });
}

void add_describe_command(CLI::App& app) {
    auto* cmd = app.add_subcommand("describe", "Print a device's spec sheet");
    auto device = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("DEVICE", *device, "device id (see `phantom devices`) or path to a .toml file")
        ->required();
    cmd->add_flag("--json", *json, "print JSON instead of text");
    cmd->callback([device, json] {
        auto spec = device::load_device(*device);
        if (*json)
            std::printf("%s\n", http::spec_sheet_json(spec).dump(2).c_str());
        else
            std::fputs(spec_sheet_text(spec).c_str(), stdout);
    });
}

void add_params_command(CLI::App& app) {
    auto* cmd =
        app.add_subcommand("params", "List a device's parameter tree: paths, ranges, defaults");
    auto device = std::make_shared<std::string>();
    auto prefix = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("DEVICE", *device, "device id or path to a .toml file")->required();
    cmd->add_option("PREFIX", *prefix, "only paths starting with this, e.g. /monitor");
    cmd->add_flag("--json", *json, "print JSON instead of text");
    cmd->callback([device, prefix, json] {
        auto p = params::build_interface_params(device::load_device(*device));
        if (*json)
            std::printf("%s\n", http::param_listing_json(p.tree, *prefix).dump(2).c_str());
        else
            std::fputs(param_listing_text(p.tree, *prefix).c_str(), stdout);
    });
}

}  // namespace phantom::cli
