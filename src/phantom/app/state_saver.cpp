#include "phantom/app/state_saver.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "phantom/io/atomic_file.hpp"

namespace phantom::app {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

void remove_stale_temp_files(const fs::path& path) {
    // write_file_atomically's temp names: ".<stem>.partial-XXXXXX<ext>" beside the file.
    const std::string prefix = "." + path.stem().string() + ".partial-";
    std::error_code ec;
    const fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.compare(0, prefix.size(), prefix) == 0) fs::remove(entry.path(), ec);
    }
}

std::string timestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    localtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return buf;
}

// "<path>.broken-<time>", never over an earlier one (two failed starts in one second).
std::string set_aside(const std::string& path, const std::string& why) {
    const std::string stem = fmt::format("{}.broken-{}", path, timestamp());
    std::string aside = stem;
    std::error_code ec;
    for (int n = 2; fs::exists(fs::symlink_status(aside, ec)) && n < 1000; ++n)
        aside = fmt::format("{}-{}", stem, n);
    fs::rename(path, aside, ec);
    return fmt::format("{}\nThe state file was moved aside to {}; starting from the defaults.", why,
                       ec ? "(could not move it: " + ec.message() + ")" : aside);
}

}  // namespace

std::string set_state_file_aside(const std::string& path, const std::string& why) {
    return set_aside(path, why);
}

StateFile read_state_file(const std::string& path) {
    StateFile result;
    std::error_code ec;
    if (fs::path(path).has_parent_path()) fs::create_directories(fs::path(path).parent_path(), ec);
    remove_stale_temp_files(path);
    if (!fs::exists(path, ec)) return result;
    try {
        result.session = session::read_session(path);
    } catch (const std::exception& e) {
        result.message = set_aside(path, e.what());
    }
    return result;
}

std::string apply_state_file(Controller& controller, const StateFile& file,
                             const std::string& path) {
    if (!file.session) return file.message;
    try {
        controller.load(*file.session, path);
        std::string message = file.message;
        for (const auto& notice : file.session->notices)  // loaded, with something left out
            message += (message.empty() ? "" : "\n") + notice;
        return message;
    } catch (const std::exception& e) {
        return set_aside(path, e.what());
    }
}

StateSaver::StateSaver(Controller& controller, std::string path)
    : controller_(controller), path_(std::move(path)), saved_revision_(controller.revision()) {
    thread_ = std::thread([this] { run(); });
}

StateSaver::~StateSaver() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    try {
        flush();
    } catch (const std::exception&) {  // reported through last_error() while running
    }
}

std::string StateSaver::last_error() const {
    std::lock_guard lock(mutex_);
    return last_error_;
}

void StateSaver::flush(bool force) {
    std::lock_guard lock(mutex_);
    const std::uint64_t revision = controller_.revision();
    if (revision == saved_revision_ && !force) return;
    try {
        session::save_session(controller_.capture(), path_);
        saved_revision_ = revision;
        if (!last_error_.empty()) controller_.set_save_error("");
        last_error_.clear();
        ++saves_;
    } catch (const std::exception& e) {
        last_error_ = e.what();
        controller_.set_save_error(last_error_);  // shown in the status until a save succeeds
        throw;
    }
}

void StateSaver::run() {
    std::unique_lock lock(mutex_);  // saved_revision_ is flush()'s too
    std::uint64_t seen = saved_revision_;
    Clock::time_point first_unsaved{}, last_change{};
    while (!stop_) {
        wake_.wait_for(lock, std::chrono::milliseconds(50));
        if (stop_) break;
        const std::uint64_t revision = controller_.revision();
        const auto now = Clock::now();
        if (revision == saved_revision_) {
            seen = revision;
            continue;
        }
        if (revision != seen) {
            if (seen == saved_revision_) first_unsaved = now;
            seen = revision;
            last_change = now;
        }
        if (now - last_change < std::chrono::milliseconds(kQuietMs) &&
            now - first_unsaved < std::chrono::milliseconds(kMaxDelayMs))
            continue;
        lock.unlock();
        try {
            flush();
        } catch (const std::exception&) {
            // Kept in last_error_ for the status; tried again after the quiet time.
        }
        lock.lock();
        first_unsaved = last_change = Clock::now();
    }
}

}  // namespace phantom::app
