// phantom get, set and list: parameters of the running instance, read and written through its
// HTTP API. Values read as the panel shows them (rounded to the parameter's `decimals`);
// --json gives the API's exact numbers.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "arguments.hpp"
#include "commands.hpp"
#include "remote_call.hpp"

namespace phantom::cli {

namespace {

using nlohmann::json;

std::string number_text(const json& p) {
    const json& v = p["value"];
    if (!v.is_number()) return v.is_string() ? v.get<std::string>() : v.dump();
    const int decimals = p.value("decimals", -1);
    if (decimals < 0) return v.dump();  // an older instance: as it sent it
    double x = v.get<double>();
    const double scale = std::pow(10.0, decimals);
    if (std::round(x * scale) == 0.0) x = 0.0;  // "-0.0 dB" reads as a sign that is not there
    return fmt::format("{:.{}f}", x, decimals);
}

std::string value_text(const json& p) {
    std::string v =
        p["value"].is_boolean() ? (p["value"].get<bool>() ? "on" : "off") : number_text(p);
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

// "/mix/hp1/in3/gain" → {"mix", "hp1", "in3", "gain"}.
std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> out;
    size_t start = 1;
    while (start <= path.size()) {
        const size_t end = std::min(path.find('/', start), path.size());
        out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// "in1, in2, in3 … in18": the first three and the last of a long list.
std::string some_of(const std::vector<std::string>& items) {
    std::string out;
    for (size_t k = 0; k < items.size(); ++k) {
        if (items.size() > 5 && k == 3) {
            out += " … " + items.back();
            break;
        }
        out += (k ? ", " : "") + items[k];
    }
    return out;
}

// One line per section instead of every parameter: how many, of which channels, which
// controls. A device such as studio-8x8 has well over a thousand parameters.
void print_summary(const json& list) {
    struct Section {
        size_t count = 0;
        std::vector<std::string> ids;  // second segments, in the API's order
        std::set<std::string> seen_ids, leaves;
        bool flat = true;  // /monitor/volume: the second segment is the control
    };
    std::vector<std::string> order;
    std::map<std::string, Section> sections;
    for (const auto& p : list) {
        const auto parts = segments(p["path"].get<std::string>());
        if (parts.empty()) continue;
        if (!sections.contains(parts[0])) order.push_back(parts[0]);
        Section& s = sections[parts[0]];
        ++s.count;
        if (parts.size() >= 2 && s.seen_ids.insert(parts[1]).second) s.ids.push_back(parts[1]);
        if (parts.size() >= 3) {
            s.flat = false;
            s.leaves.insert(parts.back());
        }
    }
    size_t width = 0;
    for (const auto& name : order)
        width = std::max(width, name.size() + 1);
    for (const auto& name : order) {
        const Section& s = sections[name];
        const std::string what = s.flat ? some_of(s.ids)
                                        : fmt::format("{} ({})", some_of(s.ids),
                                                      some_of({s.leaves.begin(), s.leaves.end()}));
        std::printf("%-*s %5zu  %s\n", static_cast<int>(width), ("/" + name).c_str(), s.count,
                    what.c_str());
    }
    std::printf(
        "%zu parameters. phantom list PREFIX shows values (phantom list /monitor); "
        "--all shows every one.\n",
        list.size());
}

}  // namespace

void add_param_commands(CLI::App& app) {
    auto r = std::make_shared<Remote>();

    auto path = std::make_shared<std::string>();
    auto* get = add_remote_subcommand(app, r, "get",
                                      "Print a parameter of the running Phantom, rounded as the "
                                      "panel shows it (--json: exact)");
    get->add_option("PATH", *path, "e.g. /monitor/volume or a prefix such as /mix/hp1")->required();
    get->callback([r, path] {
        json a = call(*r, "GET", "/api/params" + *path);
        print_or_json(*r, a, [&] { print_params(a.is_array() ? a : json::array({a})); });
    });

    auto pairs = std::make_shared<std::vector<std::string>>();
    auto* set = add_remote_subcommand(app, r, "set",
                                      "Set parameters of the running Phantom (several PATH VALUE "
                                      "pairs are one all-or-nothing batch)");
    set->add_option("PATH_VALUE", *pairs,
                    "PATH VALUE [PATH VALUE …], e.g. /monitor/dim on /mix/main/in1/gain -inf "
                    "(the word after a path is its value, a negative one too)")
        ->required();
    set->callback([r, pairs] {
        if (pairs->size() % 2 != 0)
            throw UsageError("set: expected PATH VALUE pairs, e.g. phantom set /monitor/dim on");
        json batch = json::object();
        for (size_t k = 0; k < pairs->size(); k += 2)
            batch[(*pairs)[k]] = unmark_value((*pairs)[k + 1]);
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
    auto all = std::make_shared<bool>(false);
    auto* list = add_remote_subcommand(app, r, "list",
                                       "List the parameters of the running Phantom: a summary by "
                                       "section, or with a PREFIX (or --all) each with its value");
    list->add_option("PREFIX", *prefix, "only paths starting with this, e.g. /output");
    list->add_flag("--all", *all, "every parameter with its value");
    list->callback([r, prefix, all] {
        json a = call(*r, "GET", "/api/params?prefix=" + url_segment(*prefix));
        print_or_json(*r, a, [&] {
            if (prefix->empty() && !*all)
                print_summary(a);
            else
                print_params(a);
        });
    });
}

}  // namespace phantom::cli
