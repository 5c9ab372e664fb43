// Counts what the current thread does, while a guard is active, that the audio thread must
// never do: heap operations, and calls that lock or block or enter the kernel. The test binary
// replaces global operator new/delete and malloc/calloc/realloc/free, and interposes the
// blocking calls (alloc_guard.cpp): pthread mutex, rwlock and condition waits, joins,
// semaphores, sleeps, file and socket I/O (open, read, write, close, poll, select). A std::mutex
// in process() is therefore caught even when it is never contended. Raw syscall() is not (see
// alloc_guard.cpp), so a std::atomic::wait would pass unseen.
// pthread_mutex_trylock is not counted: trying a lock and deferring is the allowed pattern.
#pragma once

#include <cstddef>

// Sanitizers intercept the allocator and these calls themselves; the guard stands down there.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define PHANTOM_ALLOC_GUARD 0
#else
#define PHANTOM_ALLOC_GUARD 1
#endif

namespace phantom::test {

struct AllocationCounts {
    std::size_t allocations = 0;
    std::size_t frees = 0;
    std::size_t blocking_calls = 0;
    const char* first_blocking_call = "";  // its name, e.g. "pthread_mutex_lock"
};

class AllocationGuard {
  public:
    AllocationGuard();
    ~AllocationGuard();
    AllocationGuard(const AllocationGuard&) = delete;
    AllocationGuard& operator=(const AllocationGuard&) = delete;
    static AllocationCounts counts();  // for this thread, since the last reset
    static void reset();
};

}  // namespace phantom::test
