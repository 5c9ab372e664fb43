// phantom: a software audio interface. Subcommands only; the work is in the library.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "commands.hpp"
#include "phantom/analog/source_spec.hpp"
#include "phantom/app/state_lock.hpp"
#include "phantom/control/command_error.hpp"
#include "phantom/device/description_error.hpp"
#include "phantom/engine/interface.hpp"
#include "phantom/params/param_error.hpp"
#include "phantom/processors/lv2/lv2_world.hpp"
#include "phantom/session/session.hpp"

namespace {

int run(int argc, char** argv) {
    CLI::App app{"Phantom: a software audio interface (virtual hardware or JACK)", "phantom"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "phantom 0.1.0");
    phantom::cli::add_devices_command(app);
    phantom::cli::add_describe_command(app);
    phantom::cli::add_params_command(app);
    phantom::cli::add_render_command(app);
    phantom::cli::add_start_command(app);
    phantom::cli::add_param_commands(app);
    phantom::cli::add_meters_command(app);
    phantom::cli::add_remote_commands(app);
    phantom::cli::add_plugins_command(app);
    phantom::cli::add_record_command(app);
    phantom::cli::add_rate_command(app);
    phantom::cli::add_doctor_commands(app);
    phantom::cli::add_insert_command(app);
    try {
        // The words after the program's name, values after a path marked (arguments.hpp), in
        // the reverse order CLI11's parse() of a vector takes.
        std::vector<std::string> args(argv + std::min(argc, 1), argv + argc);
        args = phantom::cli::mark_values_after_paths(std::move(args));
        std::reverse(args.begin(), args.end());
        app.parse(args);
    } catch (const CLI::Success& e) {  // --help, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "phantom: %s (see phantom --help)\n", e.what());
        return 2;
    } catch (const phantom::cli::UsageError& e) {
        std::fprintf(stderr, "phantom: %s\n", e.what());
        return 2;
    } catch (const phantom::app::StateFileInUse& e) {
        std::fprintf(stderr, "phantom: %s\n", e.what());
        return 2;
    } catch (const phantom::device::DescriptionError& e) {
        std::fprintf(stderr, "phantom: %s\n", e.what());
        return 2;
    } catch (const phantom::control::CommandError& e) {
        std::fprintf(stderr, "phantom: %s\n", e.what());
        return 2;
    } catch (const phantom::processors::lv2::Lv2Error& e) {
        std::fprintf(stderr, "phantom: %s\n", e.what());
        return 2;
    } catch (const phantom::params::ParamError& e) {
        std::fprintf(stderr, "phantom: %s\n", e.what());
        return 2;
    } catch (const phantom::session::SessionError& e) {
        std::fprintf(stderr, "phantom: %s\n", e.what());
        return 2;
    } catch (const phantom::engine::SourceError& e) {
        std::fprintf(stderr, "phantom: %s\n", e.what());
        return 2;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "phantom: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "phantom: error: %s\n", e.what());
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    // A write beyond the file size limit (ulimit -f) fails with EFBIG and is reported where it
    // happens (a save error, a recording error) instead of killing the process.
    std::signal(SIGXFSZ, SIG_IGN);
    try {
        return run(argc, argv);
    } catch (...) {  // building the command line itself failed (out of memory)
        std::fputs("phantom: error: unexpected failure\n", stderr);
        return 1;
    }
}
