#include "phantom/io/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace phantom::io {

namespace fs = std::filesystem;

namespace {
std::string reason() {
    return std::strerror(errno);
}

void fsync_dir(const fs::path& dir) {
    int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}
}  // namespace

std::string make_temp_path_beside(const std::string& path) {
    fs::path target(path);
    fs::path dir = target.parent_path();
    const std::string extension = target.extension().string();
    std::string buffer =
        (dir / fmt::format(".{}.partial-XXXXXX{}", target.stem().string(), extension)).string();
    int fd = ::mkstemps(buffer.data(), static_cast<int>(extension.size()));
    if (fd < 0)
        throw std::runtime_error(
            fmt::format("{}: cannot create a file beside it: {}", path, reason()));
    ::close(fd);
    return buffer;
}

void commit_temp_file(const std::string& temp_path, const std::string& final_path, bool durable) {
    if (durable) {
        int fd = ::open(temp_path.c_str(), O_RDONLY);
        if (fd >= 0) {
            ::fsync(fd);
            ::close(fd);
        }
    }
    if (::rename(temp_path.c_str(), final_path.c_str()) != 0) {
        std::string why = reason();
        ::unlink(temp_path.c_str());
        throw std::runtime_error(
            fmt::format("{}: cannot move the new file into place: {}", final_path, why));
    }
    if (durable) fsync_dir(fs::path(final_path).parent_path());
}

void write_file_atomically(const std::string& path, const std::string& content) {
    std::string temp = make_temp_path_beside(path);
    int fd = ::open(temp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    auto fail = [&](const char* what) {
        std::string why = reason();
        if (fd >= 0) ::close(fd);
        ::unlink(temp.c_str());
        throw std::runtime_error(
            fmt::format("{}: {}: {} (the old file is unchanged)", path, what, why));
    };
    if (fd < 0) fail("cannot open a temp file");
    size_t written = 0;
    while (written < content.size()) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write failed");
        }
        if (n == 0) {
            errno = ENOSPC;
            fail("write failed");
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) fail("fsync failed");
    int rc = ::close(fd);
    fd = -1;
    if (rc != 0) fail("close failed");
    if (::rename(temp.c_str(), path.c_str()) != 0) fail("rename failed");
    fsync_dir(fs::path(path).parent_path());
}

}  // namespace phantom::io
