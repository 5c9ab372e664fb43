// Counts heap operations made by the current thread while a guard is active. The test binary
// replaces global operator new/delete and malloc/calloc/realloc/free (alloc_guard.cpp), so
// nothing that allocates can hide, not even inside libstdc++ or a C library.
#pragma once

#include <cstddef>

// Sanitizers intercept the allocator themselves; the guard stands down in those builds.
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define PHANTOM_ALLOC_GUARD 0
#else
#define PHANTOM_ALLOC_GUARD 1
#endif

namespace phantom::test {

struct AllocationCounts {
    std::size_t allocations = 0;
    std::size_t frees = 0;
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
