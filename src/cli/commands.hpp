// The `phantom` subcommands. Each registers itself on the app; its callback throws on error,
// and main() turns the exception into one line on stderr and an exit code:
// 0 done, 2 usage or input error (UsageError and every "bad input" error), 1 runtime failure.
#pragma once

#include <CLI/CLI.hpp>
#include <stdexcept>

namespace phantom::cli {

class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

void add_devices_command(CLI::App& app);
void add_describe_command(CLI::App& app);
void add_params_command(CLI::App& app);
void add_render_command(CLI::App& app);
void add_start_command(CLI::App& app);
void add_param_commands(CLI::App& app);  // get, set, list
void add_meters_command(CLI::App& app);
void add_plugins_command(CLI::App& app);  // LV2 plugins installed here
void add_record_command(CLI::App& app);   // record start/stop/list while running
void add_rate_command(CLI::App& app);     // the virtual hardware's rate while running
void add_doctor_commands(CLI::App& app);  // doctor, fault
void add_insert_command(CLI::App& app);   // insert measure while running
void add_remote_commands(
    CLI::App& app);  // snapshot, midi, connect, disconnect, connections, status

}  // namespace phantom::cli
