#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <thread>

#include "rt/Realtime.h"
#include "rt/SnapshotSlot.h"
#include "support/RtTrap.h"

using namespace foh;

namespace {
std::atomic<int> gDestroyed{0};
std::atomic<int> gDestroyedOnAudio{0};

struct Snapshot {
    explicit Snapshot(int i) : id(i) {}
    ~Snapshot() {
        canary = 0;
        gDestroyed.fetch_add(1);
        if (rt::inRealtimeContext()) gDestroyedOnAudio.fetch_add(1);
    }
    int id;
    int carried = 0;  // set on the audio thread from the snapshot it replaces
    std::uint32_t canary = 0xC0FFEE;
};
}  // namespace

TEST_CASE("snapshots swap under a running audio thread; all are freed, none on the audio thread", "[snapshot]") {
    gDestroyed = 0;
    gDestroyedOnAudio = 0;
    constexpr int kSnapshots = 5000;
    auto slot = std::make_unique<rt::SnapshotSlot<Snapshot>>();
    slot->installWhileStopped(std::make_unique<Snapshot>(0));

    std::atomic<bool> stop{false};
    std::atomic<bool> wentBackwards{false};
    std::atomic<bool> sawFreedMemory{false};
    std::atomic<bool> chainBroken{false};
    test::RtViolationScope trap;
    std::thread audio([&] {
        rt::RealtimeScope scope;
        int lastId = 0;
        while (!stop.load()) {
            Snapshot* s = slot->acquire_rt([&](Snapshot& next, Snapshot& old) noexcept { next.carried = old.id; });
            if (s->canary != 0xC0FFEE) sawFreedMemory.store(true);
            if (s->id < lastId) wentBackwards.store(true);
            if (s->id != lastId && s->carried != lastId) chainBroken.store(true);
            lastId = s->id;
        }
    });
    for (int i = 1; i <= kSnapshots; ++i) {
        slot->publish(std::make_unique<Snapshot>(i));
        if (i % 7 == 0) slot->collect();
        if (i % 100 == 0) std::this_thread::yield();
    }
    // Let the audio thread pick up the last one.
    while (slot->hasPending()) {
        slot->collect();
        std::this_thread::yield();
    }
    stop.store(true);
    audio.join();
    slot->collect();

    CHECK_FALSE(wentBackwards.load());
    CHECK_FALSE(sawFreedMemory.load());
    CHECK_FALSE(chainBroken.load());
    CHECK(gDestroyedOnAudio.load() == 0);
    CHECK(trap.violations().total() == 0);
    CHECK(slot->currentWhileStopped()->id == kSnapshots);
    // Every snapshot but the current one has been freed: picked-up ones by collect(), skipped ones by publish().
    CHECK(gDestroyed.load() == kSnapshots);
    CHECK(slot->swaps() >= 1);
    INFO("audio thread picked up " << slot->swaps() << " of " << kSnapshots << " snapshots");
}
