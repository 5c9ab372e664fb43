#include "alloc_guard.hpp"

#include <dlfcn.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdarg>
#include <cstdlib>
#include <new>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
}

namespace {
thread_local bool t_active = false;
thread_local std::size_t t_allocations = 0;
thread_local std::size_t t_frees = 0;
thread_local std::size_t t_blocking = 0;
thread_local const char* t_first_blocking = "";

inline void count_alloc() {
    if (t_active) ++t_allocations;
}
inline void count_free(void* p) {
    if (t_active && p) ++t_frees;
}
inline void count_blocking(const char* name) {
    if (!t_active) return;
    if (t_blocking++ == 0) t_first_blocking = name;
}
}  // namespace

namespace phantom::test {
AllocationGuard::AllocationGuard() {
    t_active = true;
}
AllocationGuard::~AllocationGuard() {
    t_active = false;
}
AllocationCounts AllocationGuard::counts() {
    return {t_allocations, t_frees, t_blocking, t_first_blocking};
}
void AllocationGuard::reset() {
    t_allocations = t_frees = t_blocking = 0;
    t_first_blocking = "";
}
}  // namespace phantom::test

#if PHANTOM_ALLOC_GUARD
extern "C" {
void* malloc(std::size_t n) {
    count_alloc();
    return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) {
    count_alloc();
    return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) {
    count_alloc();
    return __libc_realloc(p, n);
}
void free(void* p) {
    count_free(p);
    __libc_free(p);
}
}

void* operator new(std::size_t n) {
    count_alloc();
    if (void* p = __libc_malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    return operator new(n);
}
void* operator new(std::size_t n, std::align_val_t a) {
    count_alloc();
    std::size_t align = static_cast<std::size_t>(a);
    void* p = nullptr;
    if (posix_memalign(&p, align < sizeof(void*) ? sizeof(void*) : align, n ? n : 1) != 0)
        throw std::bad_alloc();
    return p;
}
void* operator new[](std::size_t n, std::align_val_t a) {
    return operator new(n, a);
}
void operator delete(void* p) noexcept {
    count_free(p);
    __libc_free(p);
}
void operator delete[](void* p) noexcept {
    operator delete(p);
}
void operator delete(void* p, std::size_t) noexcept {
    operator delete(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    operator delete(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
    operator delete(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
    operator delete(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
    operator delete(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
    operator delete(p);
}
#endif  // PHANTOM_ALLOC_GUARD

#if PHANTOM_ALLOC_GUARD
// The blocking calls: each counts, then calls the C library's own (the next definition after
// this executable's, found once with dlsym). No function-local statics here: their guard
// may itself wait on a futex through syscall().
namespace {
template <typename Fn>
Fn next_definition(std::atomic<Fn>& slot, const char* name) {
    Fn fn = slot.load(std::memory_order_relaxed);
    if (!fn) {
        fn = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
        if (!fn) std::abort();
        slot.store(fn, std::memory_order_relaxed);
    }
    return fn;
}
}  // namespace

// `ret name(params) except { count; return next(args); }`
#define PHANTOM_INTERPOSE(ret, name, params, args, except) \
    namespace {                                            \
    std::atomic<ret(*) params> next_##name{nullptr};       \
    }                                                      \
    extern "C" ret name params except {                    \
        count_blocking(#name);                             \
        return next_definition(next_##name, #name) args;   \
    }

PHANTOM_INTERPOSE(int, pthread_mutex_lock, (pthread_mutex_t * m), (m), noexcept)
PHANTOM_INTERPOSE(int, pthread_mutex_timedlock, (pthread_mutex_t * m, const timespec* t), (m, t),
                  noexcept)
PHANTOM_INTERPOSE(int, pthread_rwlock_rdlock, (pthread_rwlock_t * l), (l), noexcept)
PHANTOM_INTERPOSE(int, pthread_rwlock_wrlock, (pthread_rwlock_t * l), (l), noexcept)
PHANTOM_INTERPOSE(int, pthread_cond_wait, (pthread_cond_t * c, pthread_mutex_t* m), (c, m), )
PHANTOM_INTERPOSE(int, pthread_cond_timedwait,
                  (pthread_cond_t * c, pthread_mutex_t* m, const timespec* t), (c, m, t), )
PHANTOM_INTERPOSE(int, pthread_join, (pthread_t t, void** r), (t, r), )
PHANTOM_INTERPOSE(int, sem_wait, (sem_t * s), (s), )
PHANTOM_INTERPOSE(int, nanosleep, (const timespec* t, timespec* r), (t, r), )
PHANTOM_INTERPOSE(int, clock_nanosleep, (clockid_t c, int f, const timespec* t, timespec* r),
                  (c, f, t, r), )
PHANTOM_INTERPOSE(int, usleep, (useconds_t u), (u), )
PHANTOM_INTERPOSE(unsigned, sleep, (unsigned s), (s), )
PHANTOM_INTERPOSE(ssize_t, read, (int fd, void* b, size_t n), (fd, b, n), )
PHANTOM_INTERPOSE(ssize_t, write, (int fd, const void* b, size_t n), (fd, b, n), )
PHANTOM_INTERPOSE(int, close, (int fd), (fd), )
PHANTOM_INTERPOSE(int, poll, (pollfd * f, nfds_t n, int t), (f, n, t), )
PHANTOM_INTERPOSE(int, select, (int n, fd_set* r, fd_set* w, fd_set* e, timeval* t),
                  (n, r, w, e, t), )
#undef PHANTOM_INTERPOSE

// The variadic ones: open's mode is passed on as it came (a missing mode is read as an unused
// register, as the C library itself does). syscall() is not wrapped: glibc declares it noexcept,
// and libjack's threads, cancelled by jack_client_close while they wait in syscall(SYS_futex),
// unwind through it; a noexcept frame turns that forced unwind into std::terminate. A futex
// wait is caught where it starts (pthread_mutex_lock, pthread_cond_wait, sem_wait).
namespace {
std::atomic<int (*)(const char*, int, ...)> next_open{nullptr}, next_open64{nullptr};
std::atomic<int (*)(int, const char*, int, ...)> next_openat{nullptr};
}  // namespace

extern "C" int open(const char* path, int flags, ...) {
    count_blocking("open");
    va_list ap;
    va_start(ap, flags);
    const int mode = va_arg(ap, int);
    va_end(ap);
    return next_definition(next_open, "open")(path, flags, mode);
}
extern "C" int open64(const char* path, int flags, ...) {
    count_blocking("open64");
    va_list ap;
    va_start(ap, flags);
    const int mode = va_arg(ap, int);
    va_end(ap);
    return next_definition(next_open64, "open64")(path, flags, mode);
}
extern "C" int openat(int dir, const char* path, int flags, ...) {
    count_blocking("openat");
    va_list ap;
    va_start(ap, flags);
    const int mode = va_arg(ap, int);
    va_end(ap);
    return next_definition(next_openat, "openat")(dir, path, flags, mode);
}
#endif  // PHANTOM_ALLOC_GUARD
