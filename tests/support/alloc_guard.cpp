#include "alloc_guard.hpp"

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

inline void count_alloc() {
    if (t_active) ++t_allocations;
}
inline void count_free(void* p) {
    if (t_active && p) ++t_frees;
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
    return {t_allocations, t_frees};
}
void AllocationGuard::reset() {
    t_allocations = t_frees = 0;
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
