#include <catch2/catch.hpp>

#include <cmath>

#include "backend/OfflineRenderer.h"
#include "core/Engine.h"
#include "support/Signals.h"

using namespace foh;

TEST_CASE("meters report peak and RMS since the last read, per channel and main", "[meters]") {
    Engine engine(GraphConfig{4, 48000.0, 64});
    OfflineRenderer renderer(engine, 64);
    CommandQueue* q = engine.openQueue("test");
    REQUIRE(engine.set(*q, "/ch/2/fader", 0.0f).ok);
    REQUIRE(engine.set(*q, "/ch/2/pan", -100.0f).ok);
    const int reader = engine.addMeterReader();
    // Meter packets leave every 10 ms of audio; 960 frames of silence after each phase push its tail out.
    const auto silence = test::constant(960, 0.0f);
    (void)renderer.render({{}, silence}, 960);  // the 20 ms ramps from the defaults
    (void)engine.readMeters(reader);

    const auto tone = test::sine(1000.0, 48000.0, 48000, 0.5);
    (void)renderer.render({{}, tone}, 48000);
    (void)renderer.render({{}, silence}, 960);
    const MeterReading m = engine.readMeters(reader);
    REQUIRE(m.chPeak.size() == 4);
    CHECK(m.chInputPeak[1] == Approx(0.5).margin(1e-4));
    CHECK(m.chPeak[1] == Approx(0.5).margin(1e-4));
    // RMS over the frames read: the tone's 48000 frames of 0.5/sqrt(2), plus silence.
    CHECK(m.chRms[1] == Approx(0.5 / std::sqrt(2.0) * std::sqrt(48000.0 / m.frames)).epsilon(1e-3));
    CHECK(m.mainPeak[0] == Approx(0.5).margin(1e-4));
    CHECK(m.mainPeak[1] == 0.0f);
    CHECK(m.chPeak[0] == 0.0f);
    CHECK(m.frames >= 48000);
    CHECK(m.frames <= 48000 + 960 + 480);  // plus up to one packet of the silence before

    // Since last read: a quieter second period reads quieter.
    (void)renderer.render({{}, test::sine(1000.0, 48000.0, 4800, 0.1)}, 4800);
    (void)renderer.render({{}, silence}, 960);
    const MeterReading again = engine.readMeters(reader);
    CHECK(again.chPeak[1] == Approx(0.1).margin(1e-4));
}

TEST_CASE("a peak is never lost when nobody reads the meters for a long time", "[meters]") {
    Engine engine(GraphConfig{2, 48000.0, 64});
    OfflineRenderer renderer(engine, 64);
    CommandQueue* q = engine.openQueue("test");
    REQUIRE(engine.set(*q, "/ch/1/fader", 0.0f).ok);
    auto in = test::constant(480000, 0.01f);
    in[400000] = 0.9f;  // one spike, long after the packet pool (32 packets, ~0.3 s) ran dry
    const int reader = engine.addMeterReader();
    // Render without housekeeping between blocks: the packet pool (32) runs dry after ~0.3 s.
    std::vector<const float*> ptrs(1);
    for (std::size_t pos = 0; pos < in.size(); pos += 64) {
        ptrs[0] = in.data() + pos;
        renderer.renderBlock(ptrs.data(), 1);
    }
    // A reader finally drains the queue (packets go back to the pool); the next block publishes what the audio
    // thread kept accumulating meanwhile.
    engine.housekeeping();
    ptrs[0] = in.data();
    renderer.renderBlock(ptrs.data(), 1);
    const MeterReading m = engine.readMeters(reader);
    CHECK(m.chInputPeak[0] == 0.9f);
    CHECK(m.chPeak[0] == 0.9f);
}

TEST_CASE("every meter reader has its own since-last-read state", "[meters]") {
    Engine engine(GraphConfig{1, 48000.0, 64});
    OfflineRenderer renderer(engine, 64);
    const int a = engine.addMeterReader();
    const int b = engine.addMeterReader();
    (void)renderer.render({test::constant(4800, 0.3f)}, 4800);
    CHECK(engine.readMeters(a).chInputPeak[0] == 0.3f);
    CHECK(engine.readMeters(a).chInputPeak[0] == 0.0f);  // a has read it
    CHECK(engine.readMeters(b).chInputPeak[0] == 0.3f);  // b has not
}
