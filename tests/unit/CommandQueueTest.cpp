#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <string>
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

TEST_CASE("a burst of commands is applied at most kMaxCommandsPerBlock per block: every lane served, none lost, "
          "no change stamped before its block",
          "[queue][engine]") {
    Engine engine(GraphConfig{4, 48000.0, 64});
    // 3.5 budgets of fader moves over four lanes (each nearly full), then one change on a fifth lane.
    constexpr std::size_t kFlooded = 4;
    std::vector<CommandQueue*> flood;
    for (std::size_t l = 0; l < kFlooded; ++l) flood.push_back(engine.openQueue("flood " + std::to_string(l)));
    CommandQueue* other = engine.openQueue("other");
    REQUIRE(other != nullptr);
    const std::size_t burst = Engine::kMaxCommandsPerBlock * 7 / 2;
    for (std::size_t i = 0; i < burst; ++i)
        REQUIRE(engine.set(*flood[i % kFlooded], "/ch/1/fader", -60.0f + static_cast<float>(i % 600) * 0.1f).ok);
    REQUIRE(engine.set(*flood[0], "/ch/1/fader", -7.5f).ok);
    REQUIRE(engine.set(*other, "/ch/2/pan", 40.0f).ok);
    std::vector<float> silence(64, 0.0f);
    const float* in[4] = {silence.data(), silence.data(), silence.data(), silence.data()};
    std::vector<std::vector<float>> out(2, std::vector<float>(64));
    float* outs[2] = {out[0].data(), out[1].data()};
    const ParamTarget pan2{ObjectKind::Channel, 1, static_cast<std::uint16_t>(ChannelParam::Pan)};
    const ParamTarget fader1{ObjectKind::Channel, 0, static_cast<std::uint16_t>(ChannelParam::Fader)};
    std::vector<std::uint32_t> perBlock;
    std::vector<float> panAfter;
    test::RtViolationScope trap;
    for (int b = 0; b < 6; ++b) {
        engine.process_rt(in, 4, outs, 2, 64);
        perBlock.push_back(engine.commandsLastBlock_rt());
        panAfter.push_back(engine.graphWhileStopped()->param(pan2).value);
    }
    CHECK(trap.violations().total() == 0);
    for (std::uint32_t n : perBlock) CHECK(n <= Engine::kMaxCommandsPerBlock);
    CHECK(perBlock[0] == Engine::kMaxCommandsPerBlock);
    std::uint32_t total = 0;
    for (std::uint32_t n : perBlock) total += n;
    CHECK(total == burst + 2);  // none lost
    CHECK(perBlock[4] == 0);    // drained within four blocks
    // Lanes take turns at being drained first, so the fifth lane's change is in within five blocks however
    // full the others are (the lane is never starved).
    CHECK(panAfter[4] == 40.0f);
    // The last move of the lane that carried it wins (per parameter the newest seq, whatever the lane order).
    CHECK(engine.graphWhileStopped()->param(fader1).value == -7.5f);
    engine.housekeeping();
    // Marks: every change is stamped, and never with a frame before the block that applied it (a backlog keeps the
    // mark until the lanes have caught up, so a change comes out late rather than early).
    const auto changes = engine.changesSince(0);  // the journal keeps the last kJournalSize
    REQUIRE(changes.size() == std::min(burst + 2, Engine::kJournalSize));
    std::size_t stampedAtZero = 0;
    for (const ParamChange& c : changes) {
        REQUIRE(c.frame != kNoFrame);
        if (c.frame == 0) ++stampedAtZero;
    }
    CHECK(stampedAtZero == 0);  // the first block left a backlog: its mark waited (late, not early)
    CHECK(changes.back().frame >= 64 * 3);                   // the last lands in the fourth block or later
}
