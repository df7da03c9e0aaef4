// Structural changes (channel count, block size, sample rate) are new graphs swapped in while audio runs. These
// tests race a real audio thread against a control thread that changes parameters and structure.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <random>
#include <thread>

#include "backend/DummyBackend.h"
#include "backend/OfflineRenderer.h"
#include "core/Engine.h"
#include "support/RtTrap.h"
#include "support/Signals.h"

using namespace foh;

namespace {
void waitUntilPickedUp(Engine& engine) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (engine.graphPending() && std::chrono::steady_clock::now() < deadline) {
        engine.housekeeping();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    REQUIRE_FALSE(engine.graphPending());
}
}  // namespace

TEST_CASE("parameter changes and graph swaps racing a real audio thread lose nothing", "[engine][snapshot]") {
    test::RtViolationScope trap;
    Engine engine(GraphConfig{16, 48000.0, 64});
    DummyBackend backend(engine, 48000.0, 64);
    std::string error;
    REQUIRE(backend.start(error));
    CommandQueue* q = engine.openQueue("racer");
    REQUIRE(q != nullptr);

    const auto registry = engine.registry();
    std::mt19937 gen(1234);
    std::uniform_int_distribution<std::size_t> pick(0, registry->size() - 1);
    int applied = 0, swaps = 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
    while (std::chrono::steady_clock::now() < until) {
        const ParamInfo& p = registry->info(static_cast<ParamId>(pick(gen)));
        std::uniform_real_distribution<float> value(p.spec->min, p.spec->max);
        float v = value(gen);
        if (p.spec->unit == Unit::Toggle) v = std::round(v);
        if (engine.set(*q, p.address, v).ok) ++applied;
        if (applied % 200 == 0) {
            // Same layout, other block size: a rebuild from the store while commands are in flight.
            GraphConfig cfg = engine.config();
            cfg.maxBlock = cfg.maxBlock == 64 ? 128 : 64;
            engine.reconfigure(cfg);
            ++swaps;
        }
        if (applied % 50 == 0) {
            engine.housekeeping();
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    }
    waitUntilPickedUp(engine);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a few more blocks drain the queues
    backend.stop();
    engine.housekeeping();

    const Graph* graph = engine.graphWhileStopped();
    REQUIRE(graph != nullptr);
    int mismatches = 0;
    for (ParamId id = 0; id < registry->size(); ++id) {
        const float want = *engine.get(registry->info(id).address);
        if (graph->param(registry->info(id).target).value != want) ++mismatches;
    }
    CHECK(mismatches == 0);
    CHECK(applied > 1000);
    CHECK(engine.graphSwaps() >= static_cast<unsigned long>(swaps / 2));
    CHECK(trap.violations().total() == 0);
    INFO(applied << " changes, " << swaps << " rebuilds, " << engine.graphSwaps() << " swaps picked up");
}

TEST_CASE("changing the channel count keeps every surviving value and starts new channels at defaults",
          "[engine][snapshot]") {
    Engine engine(GraphConfig{8, 48000.0, 64});
    OfflineRenderer renderer(engine, 64);
    CommandQueue* q = engine.openQueue("test");
    REQUIRE(engine.set(*q, "/ch/1/fader", 0.0f).ok);
    REQUIRE(engine.set(*q, "/ch/1/pan", -100.0f).ok);
    REQUIRE(engine.set(*q, "/ch/8/fader", -12.0f).ok);
    (void)renderer.render({test::constant(2048, 0.5f)}, 2048);  // past the 20 ms ramps

    engine.reconfigure(GraphConfig{16, 48000.0, 64});
    const auto out = renderer.render({test::constant(2048, 0.5f)}, 2048);
    CHECK(test::peak(out[0], 0, 2048) == 0.5f);  // channel 1 still at unity, hard left: the swap was inaudible
    CHECK(out[0][0] == 0.5f);
    CHECK(engine.registry()->channels() == 16);
    CHECK(engine.get("/ch/8/fader") == -12.0f);
    CHECK(engine.get("/ch/16/fader") == -std::numeric_limits<float>::infinity());
    REQUIRE(engine.set(*q, "/ch/16/fader", -3.0f).ok);

    engine.reconfigure(GraphConfig{4, 48000.0, 64});
    CHECK_FALSE(engine.get("/ch/8/fader").has_value());
    CHECK_FALSE(engine.set(*q, "/ch/16/fader", 0.0f).ok);
    CHECK_THROWS_AS(engine.reconfigure(GraphConfig{0, 48000.0, 64}), std::invalid_argument);
    CHECK(engine.registry()->channels() == 4);  // a refused layout changes nothing
}

TEST_CASE("host blocks longer than the graph's block are split, with identical results", "[engine][snapshot]") {
    const auto in = test::noise(4096, 0.5f, 9);
    std::vector<std::vector<float>> results;
    for (int hostBlock : {64, 1024}) {
        Engine engine(GraphConfig{2, 48000.0, 64});
        CommandQueue* q = engine.openQueue("test");
        REQUIRE(engine.set(*q, "/ch/1/fader", -3.0f).ok);
        REQUIRE(engine.set(*q, "/ch/1/pan", 30.0f).ok);
        OfflineRenderer renderer(engine, hostBlock);
        results.push_back(renderer.render({in}, in.size())[1]);
    }
    CHECK(std::memcmp(results[0].data(), results[1].data(), results[0].size() * sizeof(float)) == 0);
}

TEST_CASE("a ramp in progress carries across a graph swap without a step", "[engine][snapshot]") {
    Engine engine(GraphConfig{2, 48000.0, 64});
    OfflineRenderer renderer(engine, 64);
    CommandQueue* q = engine.openQueue("test");
    REQUIRE(engine.set(*q, "/ch/1/pan", -100.0f).ok);
    REQUIRE(engine.set(*q, "/ch/1/fader", 0.0f).ok);
    std::vector<float> out;
    const auto dc = test::constant(64, 0.5f);
    for (int i = 0; i < 40; ++i) {
        if (i == 5) REQUIRE(engine.set(*q, "/ch/1/fader", -40.0f).ok);  // a 960-sample ramp starts
        if (i == 8) engine.reconfigure(GraphConfig{2, 48000.0, 128});   // swapped mid-ramp
        const auto block = renderer.render({dc}, 64);
        out.insert(out.end(), block[0].begin(), block[0].end());
    }
    const double ramp = ChannelStrip::kGainRampSeconds * 48000.0;
    CHECK(test::maxStep(out, 1, out.size()) <= 0.5 / ramp * 1.001);
}
