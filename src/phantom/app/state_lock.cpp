#include "phantom/app/state_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace phantom::app {

namespace {

// What the holder wrote: its PID, or "" when it has not written it yet (it writes right after
// taking the lock) or the file holds something else.
std::string holder_pid(int fd) {
    char text[32] = {};
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    if (n <= 0) return {};
    std::string_view pid(text, static_cast<size_t>(n));
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
        pid.remove_suffix(1);
    for (char c : pid)
        if (c < '0' || c > '9') return {};
    return std::string(pid);
}

}  // namespace

StateLock::StateLock(const std::string& state_path) : lock_path_(state_path + ".lock") {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::path(state_path).has_parent_path())
        fs::create_directories(fs::path(state_path).parent_path(), ec);
    fd_ = ::open(lock_path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
        throw std::runtime_error(
            fmt::format("cannot make the lock file {}: {}", lock_path_, std::strerror(errno)));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        const std::string pid = holder_pid(fd_);
        ::close(fd_);
        fd_ = -1;
        if (error != EWOULDBLOCK)
            throw std::runtime_error(
                fmt::format("cannot lock {}: {}", lock_path_, std::strerror(error)));
        throw StateFileInUse(fmt::format(
            "{} is in use by another Phantom ({}): stop that one, or give this one another "
            "--session",
            state_path, pid.empty() ? "starting up" : "PID " + pid));
    }
    const std::string pid = fmt::format("{}\n", ::getpid());
    // The PID is only for the message above: a failed write leaves the lock held all the same.
    [[maybe_unused]] const bool written =
        ::ftruncate(fd_, 0) == 0 &&
        ::pwrite(fd_, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size());
}

StateLock::~StateLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock; the file stays (removing it would race)
}

}  // namespace phantom::app
