#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "backend/DummyBackend.h"
#include "core/Engine.h"
#include "demo/DemoShow.h"
#include "support/RtTrap.h"

using namespace foh;

TEST_CASE("the dummy backend keeps time like a sound card and runs the engine under the RT trap", "[backend]") {
    test::RtViolationScope trap;
    Engine engine(GraphConfig{32, 48000.0, 64});
    engine.setPlayback(demo::makeDemoStems(48000.0));
    CommandQueue* q = engine.openQueue("test");
    for (const auto& [address, value] : demo::demoMix()) REQUIRE(engine.set(*q, address, value).ok);
    const int reader = engine.addMeterReader();

    DummyBackend backend(engine, 48000.0, 64);
    std::string error;
    REQUIRE(backend.start(error));
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i) {  // a control thread doing its housekeeping while audio runs
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        engine.housekeeping();
        (void)engine.set(*q, "/ch/3/pan", static_cast<float>(i % 50));
    }
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::uint64_t cycles = backend.cycles();
    const BackendStatus status = backend.status();
    backend.stop();

    const double expected = elapsed * 48000.0 / 64.0;
    CHECK(static_cast<double>(cycles) == Approx(expected).epsilon(0.05));
    CHECK(status.running);
    CHECK(status.dspLoad > 0.0f);
    CHECK(status.dspLoad < 0.5f);
    const MeterReading m = engine.readMeters(reader);
    CHECK(m.mainPeak[0] > 0.05f);  // the demo is playing through the console
    CHECK(m.chInputPeak[0] > 0.4f);
    CHECK(trap.violations().total() == 0);
    INFO("cycles " << cycles << " in " << elapsed << " s; xruns " << status.xruns << "; RT " << status.realtime);
}

TEST_CASE("the dummy backend stops promptly and can start again", "[backend]") {
    Engine engine(GraphConfig{2, 48000.0, 64});
    DummyBackend backend(engine, 48000.0, 64);
    std::string error;
    REQUIRE(backend.start(error));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    backend.stop();
    const auto stopped = backend.cycles();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(backend.cycles() == stopped);
    CHECK_FALSE(backend.status().running);
    REQUIRE(backend.start(error));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    backend.stop();
    CHECK(backend.cycles() > stopped);
}
