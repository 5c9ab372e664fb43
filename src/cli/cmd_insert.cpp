// phantom insert measure ID: measure the loop of a running interface's hardware insert on
// input ID (POST /api/inserts/ID/measure) and print the delay it now has.
#include <fmt/format.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "remote_call.hpp"

namespace phantom::cli {

using nlohmann::json;

void add_insert_command(CLI::App& app) {
    auto r = std::make_shared<Remote>();
    auto action = std::make_shared<std::string>();
    auto input = std::make_shared<std::string>();
    auto* insert = add_remote_subcommand(
        app, r, "insert", "Hardware inserts: measure an insert's loop and align its dry path");
    insert->add_option("ACTION", *action, "measure")->required()->check(CLI::IsMember({"measure"}));
    insert->add_option("INPUT", *input, "the input whose insert to measure, e.g. in1")->required();
    insert->callback([r, action, input] {  // holding `action`: CLI11 writes into it
        const json a =
            call(*r, "POST", "/api/inserts/" + url_segment(*input) + "/measure", json::object());
        print_or_json(*r, a, [&] {
            std::printf("%s: loop delay %d frames (%.2f measured; was %d), gain %.1f dB%s\n",
                        a["input"].get<std::string>().c_str(), a["delay_frames"].get<int>(),
                        a["delay_exact_frames"].get<double>(),
                        a["previous_delay_frames"].get<int>(), a["gain_db"].get<double>(),
                        a["inverted"].get<bool>() ? ", polarity inverted" : "");
        });
    });
}

}  // namespace phantom::cli
