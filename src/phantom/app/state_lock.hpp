// One running Phantom per state file. Two instances on one file would each overwrite the
// other's saves, and the second's start would read a state the first is about to replace.
// The lock is an advisory flock on "<state>.lock" beside the file (the state file itself is
// replaced by rename on every save, so a lock on it would be lost at the first save); the
// kernel drops it when the process ends, however it ends, so there is no stale lock to clean.
// The lock file holds the owner's PID, for the message the second instance prints.
#pragma once

#include <stdexcept>
#include <string>

namespace phantom::app {

// Another live instance holds the state file. Its message names the file and the other's PID.
class StateFileInUse : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class StateLock {
  public:
    // Takes the lock, creating the state file's folder if needed. Throws StateFileInUse when
    // another process holds it, std::runtime_error when the lock file cannot be made.
    explicit StateLock(const std::string& state_path);
    ~StateLock();
    StateLock(const StateLock&) = delete;
    StateLock& operator=(const StateLock&) = delete;

    const std::string& path() const { return lock_path_; }

  private:
    std::string lock_path_;
    int fd_ = -1;
};

}  // namespace phantom::app
