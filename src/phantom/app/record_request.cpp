#include "phantom/app/record_request.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace phantom::app {

namespace fs = std::filesystem;

namespace {

void ensure_folder(const std::string& path) {
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec || !fs::is_directory(path))
        throw std::invalid_argument(
            fmt::format("--record: {} is not a folder that can be created", path));
}

void ensure_parent(const std::string& path) {
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::is_directory(parent))
        throw std::invalid_argument(fmt::format("--record: the folder of {} does not exist", path));
}

}  // namespace

std::string recording_file_name(std::string channel) {
    std::replace(channel.begin(), channel.end(), '.', '-');
    return channel + ".wav";
}

std::vector<PlannedRecording> plan_recordings(const engine::Interface& iface,
                                              const std::vector<RecordRequest>& requests) {
    const auto& spec = iface.spec();
    const auto& presence = iface.presence();
    const auto cap_names = iface.capture_channel_names();
    auto output_channels = [&](size_t o) {
        std::vector<size_t> chans;
        const auto first = static_cast<size_t>(iface.engine().layout().output_first_channel[o]);
        for (size_t c = 0; c < static_cast<size_t>(spec.outputs[o].channels); ++c)
            chans.push_back(first + c);
        return chans;
    };
    std::vector<PlannedRecording> planned;
    for (const auto& r : requests) {
        if (r.path.empty())
            throw std::invalid_argument(
                fmt::format("--record {}=: the file name is empty", r.what));
        if (presence.id_absent(r.what))
            throw std::invalid_argument(
                fmt::format("--record {}: {}", r.what, presence.why_absent(r.what)));
        if (r.what == "capture") {
            ensure_folder(r.path);
            for (size_t c = 0; c < cap_names.size(); ++c)
                if (iface.capture_present(c))
                    planned.push_back(
                        {cap_names[c],
                         (fs::path(r.path) / recording_file_name(cap_names[c])).string(),
                         true,
                         {c}});
        } else if (r.what == "outputs") {
            ensure_folder(r.path);
            for (size_t o = 0; o < spec.outputs.size(); ++o)
                if (presence.output_present(o))
                    planned.push_back(
                        {spec.outputs[o].id,
                         (fs::path(r.path) / recording_file_name(spec.outputs[o].id)).string(),
                         false, output_channels(o)});
        } else if (int o = spec.output_index(r.what); o >= 0) {
            ensure_parent(r.path);
            planned.push_back({r.what, r.path, false, output_channels(static_cast<size_t>(o))});
        } else if (r.what == "loopback" && spec.host.loopback > 0) {
            ensure_parent(r.path);
            const auto first = static_cast<size_t>(spec.host.capture);
            planned.push_back({r.what, r.path, true, {first, first + 1}});
        } else if (auto it = std::find(cap_names.begin(), cap_names.end(), r.what);
                   it != cap_names.end()) {
            ensure_parent(r.path);
            planned.push_back(
                {r.what, r.path, true, {static_cast<size_t>(it - cap_names.begin())}});
        } else {
            std::string outs;
            for (size_t k = 0; k < spec.outputs.size(); ++k)
                if (presence.output_present(k))
                    outs += (outs.empty() ? "" : ", ") + spec.outputs[k].id;
            throw std::invalid_argument(fmt::format(
                "--record {}: not an output ({}), a capture channel, loopback, capture or outputs",
                r.what, outs));
        }
    }
    return planned;
}

}  // namespace phantom::app
