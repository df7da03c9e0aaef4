#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "core/Command.h"
#include "core/Engine.h"
#include "rt/Realtime.h"
#include "support/RtTrap.h"

using namespace foh;

TEST_CASE("commands cross from a control thread to the audio thread in order, none lost", "[queue]") {
    auto queue = std::make_unique<CommandQueue>();
    constexpr std::uint32_t kCount = 500'000;
    std::atomic<bool> producerDone{false};
    std::atomic<bool> orderBroken{false};
    std::uint32_t received = 0;
    test::RtViolationScope trap;

    std::thread audio([&] {
        rt::RealtimeScope scope;
        std::uint32_t expected = 1;
        while (!producerDone.load() || received < kCount) {
            queue->drain_rt([&](const Command& c) noexcept {
                if (c.seq != expected || c.value != static_cast<float>(c.seq % 1000)) orderBroken.store(true);
                ++expected;
                ++received;
            });
        }
    });
    std::uint32_t fullSeen = 0;
    for (std::uint32_t seq = 1; seq <= kCount; ++seq) {
        const Command c{{ObjectKind::Channel, 0, 0}, 0, static_cast<float>(seq % 1000), seq};
        while (!queue->tryPush(c)) {  // a full queue says so; the test's producer chooses to wait
            ++fullSeen;
            std::this_thread::yield();
        }
    }
    producerDone.store(true);
    audio.join();
    CHECK(received == kCount);
    CHECK_FALSE(orderBroken.load());
    CHECK(trap.violations().total() == 0);
    INFO("producer found the queue full " << fullSeen << " times");
}

TEST_CASE("a full command queue refuses instead of blocking", "[queue]") {
    auto queue = std::make_unique<CommandQueue>();
    std::size_t pushed = 0;
    while (queue->tryPush({{ObjectKind::Channel, 0, 0}, 0, 0.0f, 1}) && pushed < 10 * CommandQueue::kCapacity) ++pushed;
    CHECK(pushed >= CommandQueue::kCapacity - 1);
    CHECK(pushed <= CommandQueue::kCapacity);
    CHECK_FALSE(queue->tryPush({{ObjectKind::Channel, 0, 0}, 0, 0.0f, 1}));
}

TEST_CASE("the engine reports a full queue as an error and keeps the old value", "[queue][engine]") {
    Engine engine(GraphConfig{2, 48000.0, 64});  // no audio thread: nothing drains
    CommandQueue* q = engine.openQueue("flood");
    REQUIRE(q != nullptr);
    Checked last;
    int accepted = 0;
    for (int i = 0; i < static_cast<int>(CommandQueue::kCapacity) + 10; ++i) {
        last = engine.set(*q, "/ch/1/pan", static_cast<float>(i % 100));
        if (!last.ok) break;
        ++accepted;
    }
    CHECK_FALSE(last.ok);
    CHECK(last.error.find("queue full") != std::string::npos);
    CHECK(engine.get("/ch/1/pan") == static_cast<float>((accepted - 1) % 100));
}

TEST_CASE("each control thread gets its own lane, up to the limit", "[queue][engine]") {
    Engine engine(GraphConfig{2, 48000.0, 64});
    std::vector<CommandQueue*> lanes;
    for (std::size_t i = 0; i < Engine::kMaxProducers; ++i) lanes.push_back(engine.openQueue("t" + std::to_string(i)));
    for (CommandQueue* q : lanes) CHECK(q != nullptr);
    CHECK(engine.openQueue("one too many") == nullptr);
    engine.closeQueue(lanes[3]);
    CHECK(engine.openQueue("reuse") == lanes[3]);
}
