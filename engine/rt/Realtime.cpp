#include "rt/Realtime.h"

#include <pthread.h>
#include <sched.h>

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

namespace foh::rt {
namespace {
thread_local bool tInRealtime = false;

#if defined(__x86_64__) || defined(__i386__)
constexpr unsigned int kFtzDaz = 0x8040;  // MXCSR bit 15 = flush-to-zero, bit 6 = denormals-are-zero
#endif
}  // namespace

bool inRealtimeContext() noexcept { return tInRealtime; }

RealtimeScope::RealtimeScope() noexcept : previous_(tInRealtime) { tInRealtime = true; }
RealtimeScope::~RealtimeScope() { tInRealtime = previous_; }

ScopedFlushDenormals::ScopedFlushDenormals() noexcept : previous_(0) {
#if defined(__x86_64__) || defined(__i386__)
    previous_ = _mm_getcsr();
    _mm_setcsr(previous_ | kFtzDaz);
#endif
}

ScopedFlushDenormals::~ScopedFlushDenormals() {
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr(previous_);
#endif
}

bool makeThreadRealtime(int priority) noexcept {
    sched_param param{};
    param.sched_priority = priority;
    return pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0;
}

}  // namespace foh::rt
