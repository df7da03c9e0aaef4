#pragma once
// What it means to be on the audio thread, and the markers that say so.
//
// FOH_RT marks a function that runs on the audio thread: it must not allocate, lock, log, do I/O or throw.
// Such functions are also named `..._rt`. The marker expands to `noexcept` so a throw terminates loudly instead
// of unwinding through the JACK callback.
//
// RealtimeScope flags the current thread as "in the audio callback" for as long as it lives. The engine opens
// one around every block; the test suite's allocation trap (tests/support/RtTrap.cpp) reads the flag and
// reports any allocation or lock taken while it is set.

#define FOH_RT noexcept

namespace foh::rt {

/// True while the calling thread is inside an audio-thread scope.
[[nodiscard]] bool inRealtimeContext() noexcept;

class RealtimeScope {
public:
    RealtimeScope() noexcept;
    ~RealtimeScope();
    RealtimeScope(const RealtimeScope&) = delete;
    RealtimeScope& operator=(const RealtimeScope&) = delete;

private:
    bool previous_;
};

/// Sets flush-to-zero and denormals-are-zero for the current thread, restoring the previous mode on exit.
/// Denormals in recursive filters cost 10-100x per operation on x86; on the audio thread we never want them.
class ScopedFlushDenormals {
public:
    ScopedFlushDenormals() noexcept;
    ~ScopedFlushDenormals();
    ScopedFlushDenormals(const ScopedFlushDenormals&) = delete;
    ScopedFlushDenormals& operator=(const ScopedFlushDenormals&) = delete;

private:
    unsigned int previous_;
};

/// Tries to give the calling thread SCHED_FIFO at `priority`. Returns false (and leaves the thread as it is) when
/// the system does not permit it; the caller logs that.
[[nodiscard]] bool makeThreadRealtime(int priority) noexcept;

}  // namespace foh::rt
