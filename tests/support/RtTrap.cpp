#include "support/RtTrap.h"

#include <dlfcn.h>
#include <pthread.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

#include "rt/Realtime.h"

namespace {
std::atomic<std::uint64_t> gAllocations{0};
std::atomic<std::uint64_t> gFrees{0};
std::atomic<std::uint64_t> gLocks{0};

inline void noteAllocation() {
    if (foh::rt::inRealtimeContext()) gAllocations.fetch_add(1, std::memory_order_relaxed);
}
inline void noteFree(const void* p) {
    if (p != nullptr && foh::rt::inRealtimeContext()) gFrees.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

#if defined(__SANITIZE_ADDRESS__)
// ---- sanitizer builds: ASan owns malloc and operator new; it calls these hooks for every allocation and free ----
// Declared here: GCC ships no <sanitizer/allocator_interface.h>, but its libasan exports the function.
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, std::size_t),
                                                         void (*free_hook)(const volatile void*));
namespace {
void mallocHook(const volatile void*, std::size_t) { noteAllocation(); }
void freeHook(const volatile void* p) { noteFree(const_cast<const void*>(p)); }
struct InstallHooks {
    InstallHooks() { __sanitizer_install_malloc_and_free_hooks(mallocHook, freeHook); }
} gInstall;
}  // namespace
namespace foh::test {
bool rtLockCheckActive() { return false; }
}  // namespace foh::test

#else
// ---- normal builds: interpose the allocator entry points and forward to glibc's own ----
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);

void* malloc(std::size_t n) {
    noteAllocation();
    return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) {
    noteAllocation();
    return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) {
    noteAllocation();
    return __libc_realloc(p, n);
}
void free(void* p) {
    noteFree(p);
    __libc_free(p);
}
void* aligned_alloc(std::size_t alignment, std::size_t n) {
    noteAllocation();
    return __libc_memalign(alignment, n);
}
void* memalign(std::size_t alignment, std::size_t n) {
    noteAllocation();
    return __libc_memalign(alignment, n);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) {
    noteAllocation();
    void* p = __libc_memalign(alignment, n);
    if (p == nullptr) return 12;  // ENOMEM
    *out = p;
    return 0;
}

// Locks: every std::mutex and pthread mutex goes through here. The real function is looked up once at start-up.
using LockFn = int (*)(pthread_mutex_t*);
static LockFn realLock() {
    static LockFn fn = reinterpret_cast<LockFn>(dlsym(RTLD_NEXT, "pthread_mutex_lock"));
    return fn;
}
int pthread_mutex_lock(pthread_mutex_t* m) {
    if (foh::rt::inRealtimeContext()) gLocks.fetch_add(1, std::memory_order_relaxed);
    return realLock()(m);
}
}  // extern "C"

namespace {
struct ResolveEarly {
    ResolveEarly() { (void)realLock(); }
} gResolveEarly;
}  // namespace

// operator new/delete go through malloc/free above, but libstdc++ may be built to call its own; cover them too.
void* operator new(std::size_t n) {
    if (void* p = malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return malloc(n == 0 ? 1 : n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return malloc(n == 0 ? 1 : n); }
void* operator new(std::size_t n, std::align_val_t a) {
    void* p = nullptr;
    if (posix_memalign(&p, static_cast<std::size_t>(a), n == 0 ? 1 : n) != 0) throw std::bad_alloc();
    return p;
}
void* operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, std::size_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t) noexcept { free(p); }
void operator delete(void* p, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { free(p); }

namespace foh::test {
bool rtLockCheckActive() { return true; }
}  // namespace foh::test
#endif

namespace foh::test {
RtViolations rtViolations() { return {gAllocations.load(), gFrees.load(), gLocks.load()}; }
void acknowledgeRtViolations(const RtViolations& expected) {
    gAllocations.fetch_sub(expected.allocations);
    gFrees.fetch_sub(expected.frees);
    gLocks.fetch_sub(expected.locks);
}
bool rtAllocationTrapActive() { return true; }
}  // namespace foh::test
