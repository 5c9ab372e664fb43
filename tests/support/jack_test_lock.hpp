// One test on JACK at a time across processes (ctest runs tests in parallel): every JACK test
// holds this lock while its server runs, whatever server name it uses, since jackd 1.9.21 keeps
// a shared registry of servers that two starting at once can corrupt.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace phantom::test {

class JackTestLock {
  public:
    JackTestLock() {
        fd_ = ::open("/tmp/phantom-jack-tests.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0666);
        if (fd_ >= 0) ::flock(fd_, LOCK_EX);
    }
    ~JackTestLock() {
        if (fd_ >= 0) ::close(fd_);
    }
    JackTestLock(const JackTestLock&) = delete;
    JackTestLock& operator=(const JackTestLock&) = delete;

  private:
    int fd_ = -1;
};

}  // namespace phantom::test
