#include <catch2/catch.hpp>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include "rt/Realtime.h"
#include "support/RtTrap.h"

using namespace foh;

namespace {
// Through a volatile function pointer, so the compiler can neither see nor elide the allocations.
void* (*volatile gMalloc)(std::size_t) = std::malloc;
void (*volatile gFree)(void*) = std::free;
[[gnu::noinline]] void allocateAndFree() {
    void* a = gMalloc(64);
    std::vector<int>* b = new std::vector<int>(100, 1);  // operator new, and the vector's own storage
    gFree(a);
    delete b;
}
}  // namespace

TEST_CASE("the RT trap trips when the audio thread allocates, frees or locks", "[rt]") {
    REQUIRE(test::rtAllocationTrapActive());
    test::RtViolationScope scope;
    {
        rt::RealtimeScope audio;
        allocateAndFree();
    }
    const test::RtViolations v = scope.violations();
    CHECK(v.allocations >= 2);  // malloc, and new (the vector's storage may be elided with it)
    CHECK(v.frees >= 2);

    test::RtViolations locks{};
    if (test::rtLockCheckActive()) {
        test::RtViolationScope lockScope;
        std::mutex m;
        {
            rt::RealtimeScope audio;
            m.lock();
            m.unlock();
        }
        locks = lockScope.violations();
        CHECK(locks.locks == 1);
    }
    // These were on purpose: take them back so the suite-wide check at exit only sees accidents.
    test::acknowledgeRtViolations(v);
    test::acknowledgeRtViolations(locks);
}

TEST_CASE("the RT trap ignores allocations outside the audio thread's scope", "[rt]") {
    test::RtViolationScope scope;
    allocateAndFree();
    std::mutex m;
    m.lock();
    m.unlock();
    CHECK(scope.violations().total() == 0);
}

TEST_CASE("RealtimeScope nests and restores the previous state", "[rt]") {
    CHECK_FALSE(rt::inRealtimeContext());
    {
        rt::RealtimeScope a;
        CHECK(rt::inRealtimeContext());
        {
            rt::RealtimeScope b;
            CHECK(rt::inRealtimeContext());
        }
        CHECK(rt::inRealtimeContext());
    }
    CHECK_FALSE(rt::inRealtimeContext());
}

TEST_CASE("denormals are flushed to zero inside the audio scope", "[rt]") {
    volatile float tiny = 1e-39f;  // a denormal
    volatile float one = 1.0f;
    CHECK(tiny * one != 0.0f);
    {
        rt::ScopedFlushDenormals ftz;
        CHECK(tiny * one == 0.0f);
    }
    CHECK(tiny * one != 0.0f);
}
