// The live state on disk: loaded once at start, then every change saved, debounced, by a
// thread of its own (never the audio thread, never a request thread).
//
// A save waits for kQuietMs without further changes, but never more than kMaxDelayMs after the
// first unsaved change, so `kill -9` loses at most about a second of work. Each save is atomic
// (io/atomic_file: temp file, fsync, rename, fsync of the folder): the file on disk is
// always the old or the new version. A failed save (disk full) is reported and retried; the
// old file stays byte-identical. The failure is shown in the controller's status
// (`save_error`) until a save succeeds.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "phantom/control/controller.hpp"

namespace phantom::app {

using control::Controller;

// The state file as found at start.
struct StateFile {
    std::optional<session::Session> session;  // none: no file, or it was set aside
    std::string message;                      // for the user; empty when all is well
};

// Read `path` (creating its folder; removing stale temp files of an interrupted save). A file
// that cannot be read or does not parse is set aside as "<path>.broken-<time>" and reported,
// so that a supervised service starts from the defaults instead of failing on every start.
// Never throws for a bad file.
StateFile read_state_file(const std::string& path);
// Apply what read_state_file found. A file the interface refuses (a value out of range, a
// missing audio file) is set aside the same way and Phantom keeps its defaults; returns the
// message for the user, or "".
std::string apply_state_file(Controller& controller, const StateFile& file,
                             const std::string& path);
// Move `path` aside as above (the device it names cannot be loaded, say); returns the message.
std::string set_state_file_aside(const std::string& path, const std::string& why);

class StateSaver {
  public:
    static constexpr int kQuietMs = 150;
    static constexpr int kMaxDelayMs = 600;

    StateSaver(Controller& controller, std::string path);
    ~StateSaver();  // saves what is pending
    StateSaver(const StateSaver&) = delete;
    StateSaver& operator=(const StateSaver&) = delete;

    // Save now if anything changed (shutdown), or in any case with `force` (start-up, so that
    // the file exists and shows the state in force). Throws std::runtime_error on failure.
    void flush(bool force = false);
    std::uint64_t saves() const { return saves_.load(); }
    std::string last_error() const;

  private:
    void run();

    Controller& controller_;
    std::string path_;
    std::uint64_t saved_revision_ = 0;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::string last_error_;
    std::atomic<std::uint64_t> saves_{0};
    std::thread thread_;
};

}  // namespace phantom::app
