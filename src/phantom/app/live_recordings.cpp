#include "phantom/app/live_recordings.hpp"

#include <algorithm>
#include <stdexcept>

#include "phantom/app/record_request.hpp"

namespace phantom::app {

std::vector<control::RecordingInfo> LiveRecordings::start(
    const std::vector<std::pair<std::string, std::string>>& requests) {
    std::vector<RecordRequest> asked;
    asked.reserve(requests.size());
    for (const auto& [what, path] : requests)
        asked.push_back({what, path});
    const auto planned = plan_recordings(iface_, asked);  // throws before anything starts
    std::vector<control::RecordingInfo> started;
    std::vector<std::uint64_t> ids;
    try {
        for (const auto& p : planned) {
            std::vector<size_t> channels;
            for (size_t c : p.channels)
                channels.push_back(p.capture ? driver_.output_channel_count() + c : c);
            ids.push_back(driver_.add_tap(std::move(channels), p.path, bits_));
            started.push_back({ids.back(), p.what, p.path, 0.0});
        }
    } catch (...) {  // all or nothing: the ones started go, their temp files with them
        for (auto id : ids)
            driver_.discard_tap(id);
        throw;
    }
    const auto now = std::chrono::steady_clock::now();
    for (const auto& info : started)
        running_.push_back({info, now});
    return started;
}

control::RecordingInfo LiveRecordings::stop(std::uint64_t id) {
    auto it = std::find_if(running_.begin(), running_.end(),
                           [&](const Running& r) { return r.info.id == id; });
    if (it == running_.end()) throw std::out_of_range("no such recording");
    control::RecordingInfo info = it->info;
    info.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - it->started).count();
    running_.erase(it);
    info.path = driver_.finish_tap(id);  // throws the recording's failure
    return info;
}

std::vector<control::RecordingInfo> LiveRecordings::list() const {
    std::vector<control::RecordingInfo> out;
    const auto now = std::chrono::steady_clock::now();
    for (const auto& r : running_) {
        out.push_back(r.info);
        out.back().seconds = std::chrono::duration<double>(now - r.started).count();
    }
    return out;
}

}  // namespace phantom::app
