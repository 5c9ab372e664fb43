#include "phantom/params/insert_params.hpp"

#include <fmt/format.h>

#include <cmath>

#include "phantom/device/channel_counts.hpp"
#include "phantom/params/schema_factories.hpp"

namespace phantom::params {

namespace {

// What a send can be: none, or an output channel.
std::vector<std::string> output_channel_choices(const device::DeviceSpec& spec) {
    std::vector<std::string> names = {"none"};
    for (auto& name : device::output_channel_names(spec))
        names.push_back(std::move(name));
    return names;
}

// The batch-wide rules: each is about two channels at once, so no single range can say them.
std::string check_inserts(const std::vector<InsertIds>& inserts,
                          const std::vector<std::string>& source_ids,
                          const std::vector<std::string>& sends, const std::vector<double>& v) {
    auto choice = [&](ParamIndex i) { return static_cast<int>(v[static_cast<size_t>(i)]); };
    for (size_t s = 0; s < inserts.size(); ++s) {
        const InsertIds& a = inserts[s];
        if (!a.present()) continue;
        const std::string& id = source_ids[s];
        const double delay = v[static_cast<size_t>(a.delay)];
        if (delay != std::floor(delay))
            return fmt::format("/input/{}/insert/delay: {:g} is not a whole number of frames", id,
                               delay);
        const int send = choice(a.send), ret = choice(a.ret);
        const bool on = v[static_cast<size_t>(a.on)] != 0.0;
        if (ret - 1 == static_cast<int>(s))
            return fmt::format(
                "/input/{}/insert/return: {} cannot be its own return (the return is the input "
                "the outboard gear plays into)",
                id, id);
        if (on && (send == 0 || ret == 0))
            return fmt::format(
                "/input/{}/insert/on: the insert needs a send and a return first "
                "(/input/{}/insert/send and /input/{}/insert/return are {} and {})",
                id, id, id, sends[static_cast<size_t>(send)],
                ret == 0 ? "none" : source_ids[static_cast<size_t>(ret - 1)]);
        if (on && ret > 0) {
            const InsertIds& r = inserts[static_cast<size_t>(ret - 1)];
            if (r.present() && v[static_cast<size_t>(r.on)] != 0.0)
                return fmt::format(
                    "/input/{}/insert/return: {} has an insert of its own switched on; a "
                    "return cannot be an inserted channel",
                    id, source_ids[static_cast<size_t>(ret - 1)]);
        }
        for (size_t t = s + 1; t < inserts.size(); ++t) {
            const InsertIds& b = inserts[t];
            if (!b.present()) continue;
            if (send > 0 && choice(b.send) == send)
                return fmt::format(
                    "/input/{}/insert/send: {} is already the send of {}'s insert; an output "
                    "carries one send",
                    source_ids[t], sends[static_cast<size_t>(send)], id);
            if (ret > 0 && choice(b.ret) == ret)
                return fmt::format(
                    "/input/{}/insert/return: {} is already the return of {}'s insert; an input "
                    "returns one loop",
                    source_ids[t], source_ids[static_cast<size_t>(ret - 1)], id);
        }
    }
    return "";
}

}  // namespace

void add_insert_params(InterfaceParams& p, const device::DeviceSpec& spec) {
    const std::vector<std::string> sends = output_channel_choices(spec);
    std::vector<std::string> returns = {"none"};
    std::vector<std::string> source_ids;
    for (const auto& src : p.sources) {
        source_ids.push_back(src.id);
        if (src.kind != SourceKind::Playback) returns.push_back(src.id);
    }
    p.inserts.assign(p.sources.size(), InsertIds{});
    for (size_t s = 0; s < p.sources.size(); ++s) {
        if (p.sources[s].kind == SourceKind::Playback) continue;
        const std::string base = "/input/" + p.sources[s].id + "/insert";
        InsertIds& ids = p.inserts[s];
        ids.on = p.tree.add(bool_param(
            base + "/on", false,
            "hardware insert in the channel: the channel goes out of the send, through the "
            "outboard gear, and comes back on the return"));
        ids.send = p.tree.add(choice_param(base + "/send", sends, 0,
                                           "the output the insert sends to (it plays the channel "
                                           "at unity in place of its own mix)"));
        ids.ret = p.tree.add(
            choice_param(base + "/return", returns, 0, "the input the outboard gear returns on"));
        ids.mix = p.tree.add(float_param(base + "/mix", 0.0, 100.0, 100.0, "%",
                                         "wet share: the return; the rest is the dry channel, "
                                         "delayed to line up with the return"));
        ids.delay =
            p.tree.add(float_param(base + "/delay", 0.0, kMaxInsertDelayFrames, 0.0, "frames",
                                   "the loop's round trip (send to return), whole "
                                   "frames: measured, or set for a known loop"));
    }
    std::vector<InsertIds> inserts = p.inserts;
    p.tree.add_constraint([inserts, source_ids, sends](const std::vector<double>& v) {
        return check_inserts(inserts, source_ids, sends, v);
    });
}

}  // namespace phantom::params
