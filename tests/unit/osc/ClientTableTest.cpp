// Subscriptions, expiry, per-client coalescing and rate limiting, and the paced full state, on an explicit clock.
#include <catch2/catch.hpp>

#include <algorithm>

#include "osc/ClientTable.h"

using namespace foh::osc;
using namespace std::chrono_literals;

namespace {
const Endpoint kTablet{0x7f000001, 50000};
const Endpoint kPhone{0x7f000001, 50001};

/// Drains the full state of a fresh client (several flushes of kBudgetPerFlush).
void drainFullState(ClientTable& t, Endpoint c, Clock::time_point& now) {
    for (int i = 0; i < 100 && !t.due(c, now).empty(); ++i) now += 10ms;
}
}  // namespace

TEST_CASE("a new client gets every parameter, at most kBudgetPerFlush per flush", "[osc]") {
    const std::size_t n = 3 * ClientTable::kBudgetPerFlush + 5;
    ClientTable t(n);
    auto now = Clock::now();
    bool isNew = false;
    CHECK(t.touch(kTablet, now, 0, &isNew) == kTablet);
    CHECK(isNew);
    std::vector<std::uint32_t> all;
    for (int flush = 0; flush < 10; ++flush) {
        const auto ids = t.due(kTablet, now);
        CHECK(ids.size() <= ClientTable::kBudgetPerFlush);
        all.insert(all.end(), ids.begin(), ids.end());
        now += 10ms;
    }
    REQUIRE(all.size() == n);
    std::sort(all.begin(), all.end());
    CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
    t.touch(kTablet, now, 0, &isNew);
    CHECK_FALSE(isNew);
}

TEST_CASE("a fader drag of 200 messages/s reaches a client at most once per 20 ms, the latest value last", "[osc]") {
    ClientTable t(10);
    auto now = Clock::now();
    t.touch(kTablet, now);
    drainFullState(t, kTablet, now);
    now += 1s;
    int sent = 0;
    // 1 s of changes every 5 ms, flushed every 5 ms.
    for (int step = 0; step < 200; ++step) {
        t.markChanged(3);
        const auto ids = t.due(kTablet, now);
        CHECK(ids.size() <= 1);
        sent += static_cast<int>(ids.size());
        now += 5ms;
    }
    CHECK(sent <= 1000 / 20 + 1);
    CHECK(sent >= 1000 / 20 - 1);
    // The last change is not lost: it is still due once the interval has passed.
    now += ClientTable::kMinInterval;
    CHECK(t.due(kTablet, now) == std::vector<std::uint32_t>{3});
    CHECK(t.due(kTablet, now + 1s).empty());
}

TEST_CASE("a change is pushed to every subscribed client, each with its own rate limit", "[osc]") {
    ClientTable t(10);
    auto now = Clock::now();
    t.touch(kTablet, now);
    t.touch(kPhone, now);
    drainFullState(t, kTablet, now);
    drainFullState(t, kPhone, now);
    now += 1s;
    t.markChanged(7);
    CHECK(t.due(kTablet, now) == std::vector<std::uint32_t>{7});
    CHECK(t.due(kPhone, now + 1ms) == std::vector<std::uint32_t>{7});
}

TEST_CASE("/subscribe PORT sends replies and pushes to that port for everything the sender's port sends", "[osc]") {
    ClientTable t(4);
    auto now = Clock::now();
    const Endpoint touchOscListens{kTablet.ip, 9000};
    CHECK(t.touch(kTablet, now, 9000) == touchOscListens);
    CHECK(t.touch(kTablet, now) == touchOscListens);  // a later fader message from the send port
    CHECK(t.clients() == std::vector<Endpoint>{touchOscListens});
}

TEST_CASE("a subscription expires after kExpiry without a message, and a message renews it", "[osc]") {
    ClientTable t(4);
    auto now = Clock::now();
    t.touch(kTablet, now);
    t.touch(kPhone, now);
    t.touch(kPhone, now + ClientTable::kExpiry - 1s);
    CHECK(t.expire(now + ClientTable::kExpiry) == 1);
    CHECK(t.clients() == std::vector<Endpoint>{kPhone});
    bool isNew = false;
    t.touch(kTablet, now + ClientTable::kExpiry, 0, &isNew);
    CHECK(isNew);  // it comes back as new: full state again
}

TEST_CASE("an explicit resubscribe restarts the full state of a known client", "[osc]") {
    ClientTable t(5);
    auto now = Clock::now();
    t.touch(kTablet, now);
    drainFullState(t, kTablet, now);
    CHECK(t.due(kTablet, now).empty());
    t.restartFullState(kTablet);
    CHECK(t.due(kTablet, now + 1s).size() == 5);
    CHECK(t.due(kTablet, now + 1s).empty());  // once, not again on every flush
}

TEST_CASE("at most kMaxClients clients: beyond them a sender is answered but not subscribed", "[osc]") {
    ClientTable t(10);
    auto now = Clock::now();
    for (std::uint16_t p = 0; p < ClientTable::kMaxClients; ++p) {
        bool isNew = false, full = true;
        (void)t.touch({0x0a000001, static_cast<std::uint16_t>(20000 + p)}, now, 0, &isNew, &full);
        CHECK(isNew);
        CHECK_FALSE(full);
    }
    CHECK(t.size() == ClientTable::kMaxClients);
    bool isNew = true, full = false;
    const Endpoint forged{0x0a0000ff, 40000};
    CHECK(t.touch(forged, now, 9000, &isNew, &full) == Endpoint{0x0a0000ff, 9000});
    CHECK_FALSE(isNew);
    CHECK(full);
    CHECK(t.size() == ClientTable::kMaxClients);
    CHECK(t.due({0x0a0000ff, 9000}, now).empty());  // no full state for it
    // A known client still renews; once the others expire there is room again.
    (void)t.touch({0x0a000001, 20000}, now + ClientTable::kExpiry, 0, &isNew, &full);
    CHECK_FALSE(full);
    CHECK(t.expire(now + ClientTable::kExpiry + std::chrono::seconds(1)) == ClientTable::kMaxClients - 1);
    (void)t.touch(forged, now + ClientTable::kExpiry + std::chrono::seconds(1), 0, &isNew, &full);
    CHECK(isNew);
    CHECK_FALSE(full);
}
