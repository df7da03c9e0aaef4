#pragma once
// The real-time trap: while a thread is inside foh::rt::RealtimeScope (every Engine::process_rt call), any heap
// allocation or free, and any pthread mutex lock, is counted as a violation. Linked into every test binary, so the
// whole suite runs under it. Normal builds interpose malloc-family functions, operator new/delete and
// pthread_mutex_lock; sanitizer builds (which own malloc) use the sanitizer allocator hooks instead.

#include <cstdint>
#include <string>

namespace foh::test {

struct RtViolations {
    std::uint64_t allocations = 0;
    std::uint64_t frees = 0;
    std::uint64_t locks = 0;
    [[nodiscard]] std::uint64_t total() const { return allocations + frees + locks; }
};

/// Violations since the start of the process.
[[nodiscard]] RtViolations rtViolations();
/// Takes back violations a test caused on purpose (RtTrapTest proving the trap trips), so the suite-wide check
/// at exit only sees the unintended ones.
void acknowledgeRtViolations(const RtViolations& expected);

/// Counts the violations that happen during its lifetime.
class RtViolationScope {
public:
    RtViolationScope() : start_(rtViolations()) {}
    [[nodiscard]] RtViolations violations() const {
        const RtViolations now = rtViolations();
        return {now.allocations - start_.allocations, now.frees - start_.frees, now.locks - start_.locks};
    }

private:
    RtViolations start_;
};

/// True when the lock check is active in this build (not under sanitizers).
[[nodiscard]] bool rtLockCheckActive();
/// True when the allocation trap is active (always, in every build).
[[nodiscard]] bool rtAllocationTrapActive();

}  // namespace foh::test
