// The routing of the desk through the whole engine: sends and their taps, buses into main, FX returns, DCAs and
// mute groups, solo (PFL/AFL) and the monitor bus, matrices, main mono, direct outs, time alignment, and routing
// changes while audio runs. Expected levels are worked out here from the pan law and dB, not read off the engine.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <numbers>
#include <thread>

#include "backend/DummyBackend.h"
#include "core/Engine.h"
#include "support/Desk.h"
#include "support/RtTrap.h"
#include "support/Signals.h"

using namespace foh;

namespace {
constexpr double kRate = 48000.0;
constexpr int kBlock = 64;

double db(double x) { return std::pow(10.0, x / 20.0); }
// The pan law, written from its definition (docs/PARAMETERS.md): L = cos, R = sin of (pan + 100) / 200 * pi/2.
double panLeft(double pan) { return std::cos((pan + 100.0) / 200.0 * std::numbers::pi / 2.0); }
double panRight(double pan) { return std::sin((pan + 100.0) / 200.0 * std::numbers::pi / 2.0); }

struct Desk : test::Desk {
    explicit Desk(int channels = 4, int buses = 8, int fx = 2) : test::Desk({channels, kRate, kBlock, buses, fx}) {}
};

// Level of a steady signal against its source over a settled window (ramps are 20 ms).
double gainOver(const std::vector<float>& out, const std::vector<float>& in, std::size_t from = 4800) {
    return test::rms(out, from, out.size()) / test::rms(in, from, in.size());
}
}  // namespace

TEST_CASE("a pre-fader send ignores the channel fader; a post-fader send follows it", "[routing][sends]") {
    test::RtViolationScope trap;
    Desk desk;
    desk.set("/ch/1/fader", -12.0f);
    desk.set("/ch/1/send/1/level", -6.0f);  // default tap: pre-fader
    desk.set("/ch/1/send/2/level", -6.0f);
    desk.set("/ch/1/send/2/tap", static_cast<float>(Tap::PostFader));
    const auto x = test::noise(24000, 0.5f);
    auto out = desk.render({x}, x.size());
    CHECK(test::toDb(gainOver(out[static_cast<std::size_t>(desk.bus(1))], x)) == Approx(-6.0).margin(0.001));
    CHECK(test::toDb(gainOver(out[static_cast<std::size_t>(desk.bus(2))], x)) == Approx(-18.0).margin(0.001));
    desk.set("/ch/1/fader", 0.0f);
    out = desk.render({x}, x.size());
    CHECK(test::toDb(gainOver(out[static_cast<std::size_t>(desk.bus(1))], x)) == Approx(-6.0).margin(0.001));
    CHECK(test::toDb(gainOver(out[static_cast<std::size_t>(desk.bus(2))], x)) == Approx(-6.0).margin(0.001));
    // The pre-EQ tap is before the EQ: a 12 dB EQ boost shows on the pre-fader send, not on the pre-EQ one.
    desk.set("/ch/1/send/3/level", 0.0f);
    desk.set("/ch/1/send/3/tap", static_cast<float>(Tap::PreEq));
    desk.set("/ch/1/eq/2/gain", 12.0f);
    desk.set("/ch/1/eq/2/freq", 1000.0f);
    const auto tone = test::sine(1000.0, kRate, 24000, 0.25);
    out = desk.render({tone}, tone.size());
    CHECK(test::toDb(gainOver(out[static_cast<std::size_t>(desk.bus(3))], tone)) == Approx(0.0).margin(0.01));
    CHECK(test::toDb(gainOver(out[static_cast<std::size_t>(desk.bus(1))], tone)) == Approx(6.0).margin(0.05));
    // Mute silences every tap (a muted channel leaves the wedges too).
    desk.set("/ch/1/mute", 1.0f);
    out = desk.render({x}, x.size());
    for (int b = 1; b <= 3; ++b) CHECK(test::peak(out[static_cast<std::size_t>(desk.bus(b))], 4800, x.size()) == 0.0);
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("a send into a linked bus pair is one stereo send that obeys the pan law", "[routing][sends]") {
    Desk desk;
    desk.set("/bus/3/link", 1.0f);  // buses 3-4 form a stereo pair (the partner follows)
    REQUIRE(*desk.engine.get("/bus/4/link") == 1.0f);
    desk.set("/ch/1/send/3/level", -3.0f);
    const auto x = test::noise(24000, 0.5f);
    for (float pan : {-100.0f, -50.0f, 0.0f, 30.0f, 100.0f}) {
        desk.set("/ch/1/send/3/pan", pan);
        const auto out = desk.render({x}, x.size());
        INFO("pan " << pan);
        CHECK(gainOver(out[static_cast<std::size_t>(desk.bus(3))], x) == Approx(db(-3.0) * panLeft(pan)).margin(1e-5));
        CHECK(gainOver(out[static_cast<std::size_t>(desk.bus(4))], x) == Approx(db(-3.0) * panRight(pan)).margin(1e-5));
    }
    // An unlinked bus ignores the send pan: mono at the send level.
    desk.set("/ch/1/send/5/level", -3.0f);
    desk.set("/ch/1/send/5/pan", 100.0f);
    const auto out = desk.render({x}, x.size());
    CHECK(test::toDb(gainOver(out[static_cast<std::size_t>(desk.bus(5))], x)) == Approx(-3.0).margin(0.001));
}

TEST_CASE("a channel through two buses into main sums to exactly the known gains", "[routing][buses]") {
    Desk desk;
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/1/main/on", 0.0f);  // only through the buses
    desk.set("/ch/1/send/1/level", -6.0f);
    desk.set("/ch/1/send/2/level", -12.0f);
    for (int b : {1, 2}) {
        desk.set("/bus/" + std::to_string(b) + "/main/on", 1.0f);
        desk.set("/bus/" + std::to_string(b) + "/pan", -100.0f);
    }
    desk.set("/bus/2/fader", -4.0f);
    const auto x = test::noise(24000, 0.25f);
    const auto out = desk.render({x}, x.size());
    const double expected = db(-6.0) + db(-12.0 - 4.0);
    double worst = 0.0;
    for (std::size_t i = 4800; i < x.size(); ++i)
        worst = std::max(worst, std::fabs(out[0][i] - expected * x[i]));
    CHECK(worst < 1e-6);
    CHECK(test::peak(out[1], 4800, x.size()) == 0.0);
}

TEST_CASE("FX routing that would make a loop is refused with the loop spelled out", "[routing][fx]") {
    Desk desk(2, 4, 4);
    desk.set("/fx/1/fxsend/2/on", 1.0f);
    desk.set("/fx/2/fxsend/3/on", 1.0f);
    Checked c = desk.engine.set(*desk.queue, "/fx/3/fxsend/1/on", 1.0f);
    CHECK_FALSE(c.ok);
    CHECK_THAT(c.error, Catch::Contains("routing loop") && Catch::Contains("fx 3 -> fx 1 -> fx 2 -> fx 3"));
    CHECK(*desk.engine.get("/fx/3/fxsend/1/on") == 0.0f);
    c = desk.engine.set(*desk.queue, "/fx/2/fxsend/2/on", 1.0f);
    CHECK_FALSE(c.ok);
    CHECK_THAT(c.error, Catch::Contains("routing loop"));
    // Switching a send off never makes a loop; a branch that joins is fine (fx 1 -> 3 as well as 1 -> 2 -> 3).
    CHECK(desk.engine.set(*desk.queue, "/fx/3/fxsend/1/on", 0.0f).ok);
    CHECK(desk.engine.set(*desk.queue, "/fx/1/fxsend/3/on", 1.0f).ok);
    CHECK(desk.engine.set(*desk.queue, "/fx/4/fxsend/1/on", 1.0f).ok);
}

TEST_CASE("an FX return feeds main, another FX and a wedge; the echo lands at exactly the set time", "[routing][fx]") {
    Desk desk(1, 4, 2);
    desk.set("/fx/1/type", 1.0f);  // delay
    desk.set("/fx/1/delay/ms", 10.0f);
    desk.set("/fx/1/delay/feedback", 0.0f);
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/1/main/on", 0.0f);
    desk.set("/ch/1/fxsend/1/level", 0.0f);
    desk.set("/ch/1/fxsend/1/tap", static_cast<float>(Tap::PreFader));
    desk.set("/fx/1/send/2/level", 0.0f);  // the echo into wedge bus 2 as (L + R) / 2
    const std::size_t n = 9600, at = 4800;
    std::vector<float> x(n, 0.0f);
    x[at] = 0.5f;
    const auto out = desk.render({x}, n);
    const std::size_t echo = at + 480;  // 10 ms at 48 kHz
    for (std::size_t i = 0; i < n; ++i) {
        if (i == echo) continue;
        REQUIRE(out[0][i] == 0.0f);
    }
    CHECK(out[0][echo] == Approx(0.5f).margin(1e-6));
    CHECK(out[1][echo] == Approx(0.5f).margin(1e-6));
    CHECK(out[static_cast<std::size_t>(desk.bus(2))][echo] == Approx(0.5f).margin(1e-6));
}

TEST_CASE("two taps set the FX delay time to their interval", "[routing][fx]") {
    Desk desk(1, 2, 1);
    desk.set("/fx/1/delay/tap", 1.0f);
    desk.set("/fx/1/delay/tap", 0.0f);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    desk.set("/fx/1/delay/tap", 1.0f);
    const float ms = *desk.engine.get("/fx/1/delay/ms");
    CHECK(ms >= 395.0f);
    CHECK(ms < 600.0f);
}

TEST_CASE("a DCA offsets its members by exactly its level and leaves their faders alone", "[routing][dca]") {
    test::RtViolationScope trap;
    Desk desk(3);
    for (int c = 1; c <= 3; ++c) {
        desk.set("/ch/" + std::to_string(c) + "/fader", -5.0f);
        desk.set("/ch/" + std::to_string(c) + "/pan", -100.0f);
    }
    desk.set("/ch/1/dca/1", 1.0f);
    desk.set("/ch/2/dca/1", 1.0f);
    desk.set("/ch/2/dca/2", 1.0f);  // in two DCAs: both offsets add
    desk.set("/dca/1/fader", -10.0f);
    desk.set("/dca/2/fader", 3.0f);
    const auto x = test::noise(24000, 0.25f);
    const std::vector<float> silent(x.size(), 0.0f);
    const auto one = desk.render({x, silent, silent}, x.size());
    const auto two = desk.render({silent, x, silent}, x.size());
    const auto three = desk.render({silent, silent, x}, x.size());
    CHECK(test::toDb(gainOver(one[0], x)) == Approx(-15.0).margin(0.001));
    CHECK(test::toDb(gainOver(two[0], x)) == Approx(-12.0).margin(0.001));
    CHECK(test::toDb(gainOver(three[0], x)) == Approx(-5.0).margin(0.001));
    CHECK(*desk.engine.get("/ch/1/fader") == -5.0f);
    CHECK(*desk.engine.get("/ch/2/fader") == -5.0f);
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("DCA mutes and mute groups mute their members and restore them without a click", "[routing][dca]") {
    test::RtViolationScope trap;
    Desk desk(2);
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/2/fader", 0.0f);
    desk.set("/ch/1/pan", -100.0f);
    desk.set("/ch/2/pan", 100.0f);
    desk.set("/ch/1/dca/3", 1.0f);
    desk.set("/ch/2/mgrp/2", 1.0f);
    desk.set("/ch/1/send/1/level", 0.0f);  // pre-fader: the wedge follows a DCA mute too
    const auto tone = test::sine(1000.0, kRate, 9600, 0.5);
    const double fadeStep = 0.5 * 2.0 * std::numbers::pi * 1000.0 / kRate + 0.5 / (0.010 * kRate);
    auto check = [&](const std::string& mute, float on, bool expectSilentL, bool expectSilentR) {
        desk.set(mute, on);
        const auto out = desk.render({tone, tone}, tone.size());
        INFO(mute << " = " << on);
        CHECK(test::maxStep(out[0], 1, out[0].size()) <= fadeStep * 1.01);
        CHECK(test::maxStep(out[1], 1, out[1].size()) <= fadeStep * 1.01);
        const double l = test::peak(out[0], 4800, tone.size()), r = test::peak(out[1], 4800, tone.size());
        CHECK((l == 0.0) == expectSilentL);
        CHECK((r == 0.0) == expectSilentR);
        if (!expectSilentL) CHECK(l == Approx(0.5).margin(1e-4));
        if (!expectSilentR) CHECK(r == Approx(0.5).margin(1e-4));
        CHECK((test::peak(out[static_cast<std::size_t>(desk.bus(1))], 4800, tone.size()) == 0.0) == expectSilentL);
    };
    check("/dca/3/mute", 1.0f, true, false);
    check("/mgrp/2/mute", 1.0f, true, true);
    check("/dca/3/mute", 0.0f, false, true);
    check("/mgrp/2/mute", 0.0f, false, false);
    CHECK(*desk.engine.get("/ch/1/mute") == 0.0f);  // the channel's own mute was never touched
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("PFL puts exactly the soloed channels' pre-fader signal on the solo bus and leaves main alone",
          "[routing][solo]") {
    test::RtViolationScope trap;
    Desk desk(3);
    desk.set("/ch/1/fader", -20.0f);
    desk.set("/ch/2/fader", 0.0f);
    desk.set("/ch/3/fader", 0.0f);
    const auto a = test::noise(24000, 0.25f, 1), b = test::noise(24000, 0.25f, 2), c = test::noise(24000, 0.25f, 3);
    const auto before = desk.render({a, b, c}, a.size());
    // Nothing soloed: the solo bus plays main (the engineer's headphones follow the mix).
    for (std::size_t i = 4800; i < a.size(); ++i) {
        REQUIRE(before[OutputLayout::kSoloL][i] == before[OutputLayout::kMainL][i]);
        REQUIRE(before[OutputLayout::kSoloR][i] == before[OutputLayout::kMainR][i]);
    }
    desk.set("/ch/1/solo", 1.0f);
    desk.set("/ch/3/solo", 1.0f);
    const auto after = desk.render({a, b, c}, a.size());
    for (std::size_t i = 4800; i < a.size(); ++i) {
        const float want = a[i] + c[i];  // pre-fader: channel 1's -20 dB fader does not apply
        REQUIRE(after[OutputLayout::kSoloL][i] == Approx(want).margin(1e-6));
        REQUIRE(after[OutputLayout::kSoloR][i] == Approx(want).margin(1e-6));
        REQUIRE(after[OutputLayout::kMainL][i] == before[OutputLayout::kMainL][i]);
        REQUIRE(after[OutputLayout::kMainR][i] == before[OutputLayout::kMainR][i]);
    }
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("AFL hears the channel after its fader and pan; solo in place takes the rest out of main",
          "[routing][solo]") {
    Desk desk(2);
    desk.set("/solo/mode", 1.0f);  // afl
    desk.set("/ch/1/fader", -6.0f);
    desk.set("/ch/1/pan", 40.0f);
    desk.set("/ch/2/fader", 0.0f);
    desk.set("/ch/1/solo", 1.0f);
    const auto a = test::noise(24000, 0.25f, 1), b = test::noise(24000, 0.25f, 2);
    auto out = desk.render({a, b}, a.size());
    CHECK(gainOver(out[OutputLayout::kSoloL], a) == Approx(db(-6.0) * panLeft(40.0)).margin(1e-5));
    CHECK(gainOver(out[OutputLayout::kSoloR], a) == Approx(db(-6.0) * panRight(40.0)).margin(1e-5));
    // Main still carries both channels.
    CHECK(test::rms(out[0], 4800, a.size()) > 1.2 * db(-6.0) * panLeft(40.0) * test::rms(a, 4800, a.size()));
    desk.set("/solo/inplace", 1.0f);
    out = desk.render({a, b}, a.size());
    CHECK(gainOver(out[0], a) == Approx(db(-6.0) * panLeft(40.0)).margin(1e-5));  // channel 2 left main
    desk.set("/solo/inplace", 0.0f);
    desk.set("/ch/1/solo", 0.0f);
    out = desk.render({a, b}, a.size());
    for (std::size_t i = 4800; i < a.size(); ++i) REQUIRE(out[OutputLayout::kSoloL][i] == out[0][i]);
}

TEST_CASE("de-esser listen puts the detector band on the solo bus and leaves the channel untouched",
          "[routing][solo][deess]") {
    Desk desk(1);
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/1/pan", -100.0f);
    desk.set("/ch/1/deess/on", 1.0f);
    desk.set("/ch/1/deess/threshold", 0.0f);  // never reduces: the channel stays exactly the input
    const std::size_t n = 24000;
    auto x = test::sine(500.0, kRate, n, 0.3);
    const auto ess = test::sine(7000.0, kRate, n, 0.05);
    for (std::size_t i = 0; i < n; ++i) x[i] += ess[i];
    desk.set("/ch/1/deess/listen", 1.0f);
    desk.set("/ch/1/deess/freq", 7000.0f);
    const auto out = desk.render({x}, n);
    for (std::size_t i = 4800; i < n; ++i) REQUIRE(out[0][i] == x[i]);
    const double band7k = test::toneAmplitude(out[OutputLayout::kSoloL], 7000.0, kRate, 9600, n);
    const double band500 = test::toneAmplitude(out[OutputLayout::kSoloL], 500.0, kRate, 9600, n);
    CHECK(band7k == Approx(0.05).margin(0.005));  // the band-pass is 0 dB at its centre
    CHECK(band500 < 0.1 * 0.3);
}

TEST_CASE("matrices mix buses and main with delay; main mono is (L + R) / 2", "[routing][matrix]") {
    Desk desk(1, 2, 1);
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/1/pan", -100.0f);
    desk.set("/ch/1/send/1/level", 0.0f);
    desk.set("/main/mono/on", 1.0f);
    desk.set("/mtx/1/bus/1/level", -6.0f);
    desk.set("/mtx/1/main/level", 0.0f);
    desk.set("/mtx/2/main/level", 0.0f);
    desk.set("/mtx/2/delay/on", 1.0f);
    desk.set("/mtx/2/delay/ms", 10.0f);
    const std::size_t n = 9600, at = 4800;
    std::vector<float> x(n, 0.0f);
    x[at] = 0.8f;
    const auto out = desk.render({x}, n);
    CHECK(out[OutputLayout::kMainMono][at] == Approx(0.4f).margin(1e-7));
    CHECK(out[static_cast<std::size_t>(desk.mtx(1))][at] == Approx(0.8 * db(-6.0) + 0.4).margin(1e-6));
    CHECK(out[static_cast<std::size_t>(desk.mtx(2))][at] == 0.0f);
    CHECK(out[static_cast<std::size_t>(desk.mtx(2))][at + 480] == Approx(0.4f).margin(1e-7));
}

TEST_CASE("direct outs take the channel at their tap", "[routing][direct]") {
    Desk desk(2);
    desk.set("/ch/1/trim", 6.0f);
    desk.set("/ch/1/fader", -10.0f);
    desk.set("/ch/2/fader", -10.0f);
    desk.set("/ch/2/direct/tap", 2.0f);  // post-fader
    const auto x = test::noise(24000, 0.25f);
    const auto out = desk.render({x, x}, x.size());
    CHECK(test::toDb(gainOver(out[static_cast<std::size_t>(desk.direct(1))], x)) == Approx(6.0).margin(0.001));
    CHECK(test::toDb(gainOver(out[static_cast<std::size_t>(desk.direct(2))], x)) == Approx(-10.0).margin(0.001));
}

TEST_CASE("every path is time-aligned: direct to main and through a subgroup bus arrive on the same sample",
          "[routing][latency]") {
    Desk desk(2);
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/1/pan", -100.0f);
    desk.set("/ch/2/fader", 0.0f);
    desk.set("/ch/2/main/on", 0.0f);
    desk.set("/ch/2/send/1/level", 0.0f);
    desk.set("/ch/2/send/1/tap", static_cast<float>(Tap::PostFader));
    desk.set("/bus/1/main/on", 1.0f);
    desk.set("/bus/1/pan", 100.0f);
    desk.set("/bus/1/eq/2/gain", 3.0f);  // a bus EQ and compressor add no delay
    desk.set("/bus/1/comp/on", 1.0f);
    const std::size_t n = 9600, at = 5000;
    std::vector<float> x(n, 0.0f);
    x[at] = 0.5f;
    const auto out = desk.render({x, x}, n);
    std::size_t firstL = n, firstR = n;
    for (std::size_t i = 0; i < n; ++i) {
        if (firstL == n && out[0][i] != 0.0f) firstL = i;
        if (firstR == n && out[1][i] != 0.0f) firstR = i;
    }
    CHECK(firstL == at);
    CHECK(firstR == at);
    CHECK(desk.engine.latencyFrames() == 0);
}

TEST_CASE("routing changes while audio runs never allocate or lock on the audio thread", "[routing][rt]") {
    test::RtViolationScope trap;
    GraphConfig config{16, kRate, kBlock, 8, 4};
    Engine engine(config);
    DummyBackend backend(engine, kRate, kBlock);
    std::string error;
    REQUIRE(backend.start(error));
    CommandQueue* q = engine.openQueue("routing");
    auto set = [&](const std::string& a, float v) { (void)engine.set(*q, a, v); };
    for (int round = 0; round < 200; ++round) {
        const std::string ch = "/ch/" + std::to_string(round % 16 + 1);
        set(ch + "/fader", static_cast<float>(round % 20) - 20.0f);
        set(ch + "/send/" + std::to_string(round % 8 + 1) + "/level", static_cast<float>(round % 30) - 30.0f);
        set(ch + "/send/" + std::to_string(round % 8 + 1) + "/tap", static_cast<float>(round % 3));
        set(ch + "/fxsend/" + std::to_string(round % 4 + 1) + "/level", -10.0f);
        set(ch + "/dca/" + std::to_string(round % 8 + 1), static_cast<float>(round % 2));
        set(ch + "/solo", static_cast<float>(round % 2));
        set("/bus/" + std::to_string(round % 8 + 1) + "/link", static_cast<float>(round % 2));
        set("/dca/" + std::to_string(round % 8 + 1) + "/fader", static_cast<float>(round % 10) - 10.0f);
        set("/mgrp/" + std::to_string(round % 6 + 1) + "/mute", static_cast<float>(round % 2));
        set("/fx/" + std::to_string(round % 4 + 1) + "/type", static_cast<float>(round % 2));
        set("/fx/1/fxsend/" + std::to_string(round % 3 + 2) + "/on", static_cast<float>(round % 2));
        set("/solo/mode", static_cast<float>(round % 2));
        if (round % 50 == 25) {
            config.buses = config.buses == 8 ? 12 : 8;  // a structural change: a new graph swapped in
            engine.reconfigure(config);
        }
        engine.housekeeping();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    backend.stop();
    engine.housekeeping();
    CHECK(backend.cycles() > 100);
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("buses, FX returns, matrices, main mono and the solo bus come back with the meters", "[routing][meters]") {
    Desk desk(1, 4, 2);
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/1/pan", -100.0f);
    desk.set("/ch/1/send/2/level", -6.0f);
    desk.set("/ch/1/fxsend/1/level", 0.0f);
    desk.set("/fx/1/type", 1.0f);
    desk.set("/fx/1/delay/feedback", 0.0f);
    desk.set("/fx/1/main/on", 0.0f);
    desk.set("/mtx/3/bus/2/level", -6.0f);
    desk.set("/main/mono/on", 1.0f);
    desk.set("/bus/2/solo", 1.0f);  // AFL of bus 2 on both sides (PFL = AFL at a 0 dB bus fader)
    const int reader = desk.engine.addMeterReader();
    const auto x = test::constant(24000, 0.5f);
    (void)desk.render({x}, x.size());
    (void)desk.engine.readMeters(reader);  // past the 20 ms ramps
    (void)desk.render({x}, x.size());
    const MeterReading m = desk.engine.readMeters(reader);
    CHECK(m.busPeak[1] == Approx(0.5 * db(-6.0)).margin(1e-5));
    CHECK(m.busRms[1] == Approx(0.5 * db(-6.0)).margin(1e-3));
    CHECK(m.busPeak[0] == 0.0f);
    CHECK(m.fxPeak[0] == Approx(0.5).margin(1e-5));  // the echo of the input, both sides
    CHECK(m.fxPeak[1] == Approx(0.5).margin(1e-5));
    CHECK(m.mtxPeak[2] == Approx(0.5 * db(-12.0)).margin(1e-5));
    CHECK(m.monoPeak == Approx(0.25).margin(1e-5));
    CHECK(m.soloPeak[0] == Approx(0.5 * db(-6.0)).margin(1e-5));
    CHECK(m.soloPeak[1] == Approx(0.5 * db(-6.0)).margin(1e-5));
}

TEST_CASE("solo never reaches the direct outs", "[routing][solo][direct]") {
    Desk desk(2);
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/2/direct/tap", 2.0f);
    const auto a = test::noise(9600, 0.25f, 1), b = test::noise(9600, 0.25f, 2);
    const auto before = desk.render({a, b}, a.size());
    desk.set("/ch/1/solo", 1.0f);
    desk.set("/ch/2/solo", 1.0f);
    desk.set("/solo/inplace", 1.0f);
    const auto after = desk.render({a, b}, a.size());
    for (int c = 1; c <= 2; ++c)
        for (std::size_t i = 0; i < a.size(); ++i)
            REQUIRE(after[static_cast<std::size_t>(desk.direct(c))][i] == before[static_cast<std::size_t>(desk.direct(c))][i]);
}

TEST_CASE("every pre-fader tap of a channel fades with the same mute ramp, without a click", "[routing][mute]") {
    Desk desk(1, 4, 1);
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/1/send/1/level", 0.0f);  // pre-fader
    desk.set("/ch/1/send/2/level", 0.0f);
    desk.set("/ch/1/send/2/tap", static_cast<float>(Tap::PreEq));
    desk.set("/ch/1/direct/tap", 1.0f);  // pre-fader direct out
    const auto tone = test::sine(1000.0, kRate, 9600, 0.5);
    (void)desk.render({tone}, tone.size());
    desk.set("/mgrp/1/mute", 1.0f);
    desk.set("/ch/1/mgrp/1", 1.0f);
    const auto out = desk.render({tone}, tone.size());
    // The tone's own slope plus one step of the 10 ms fade: each tap moves by no more than that per sample.
    const double bound = 0.5 * 2.0 * std::numbers::pi * 1000.0 / kRate + 0.5 / (0.010 * kRate);
    for (int o : {desk.bus(1), desk.bus(2), desk.direct(1)}) {
        const auto& y = out[static_cast<std::size_t>(o)];
        INFO("output " << o);
        CHECK(test::maxStep(y, 1, y.size()) <= bound * 1.01);
        CHECK(test::peak(y, 480, y.size()) == 0.0);  // silent once the 10 ms fade is over, all three
        CHECK(test::peak(y, 0, 200) > 0.2);          // and still sounding early in the fade
    }
}

TEST_CASE("switching an FX-to-FX feed off fades it instead of cutting it", "[routing][fx]") {
    Desk desk(1, 2, 2);
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/1/main/on", 0.0f);
    desk.set("/ch/1/fxsend/1/level", 0.0f);
    desk.set("/fx/1/type", 1.0f);  // an echo with a short time, so its output is the tone itself
    desk.set("/fx/1/delay/ms", 1.0f);
    desk.set("/fx/1/delay/feedback", 0.0f);
    desk.set("/fx/1/main/on", 0.0f);
    desk.set("/fx/2/type", 1.0f);
    desk.set("/fx/2/delay/ms", 1.0f);
    desk.set("/fx/2/delay/feedback", 0.0f);
    desk.set("/fx/1/fxsend/2/on", 1.0f);
    const auto tone = test::sine(500.0, kRate, 9600, 0.5);
    (void)desk.render({tone}, tone.size());
    desk.set("/fx/1/fxsend/2/on", 0.0f);
    const auto out = desk.render({tone}, tone.size());
    const double slope = 0.5 * 2.0 * std::numbers::pi * 500.0 / kRate;
    CHECK(test::maxStep(out[0], 1, out[0].size()) <= slope + 0.5 / (0.020 * kRate) + 1e-4);
    CHECK(test::peak(out[0], 0, 200) > 0.1);                   // still there as the fade begins
    CHECK(test::peak(out[0], 2400, out[0].size()) < 1e-6);  // gone after it
}

TEST_CASE("de-esser listen claims the solo bus only while it runs and never empties main", "[routing][solo][deess]") {
    Desk desk(2);
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/2/fader", 0.0f);
    desk.set("/ch/1/deess/on", 1.0f);
    desk.set("/ch/1/deess/listen", 1.0f);
    desk.set("/solo/inplace", 1.0f);
    const auto a = test::noise(9600, 0.25f, 1), b = test::noise(9600, 0.25f, 2);
    auto out = desk.render({a, b}, a.size());
    // Listen is not a solo: with solo in place both channels stay in main.
    CHECK(gainOver(out[0], a) > 0.9 * std::sqrt(2.0) * panLeft(0.0) * 0.9);
    desk.set("/ch/1/deess/on", 0.0f);
    out = desk.render({a, b}, a.size());
    // The de-esser is out: the solo bus plays main again.
    for (std::size_t i = 4800; i < a.size(); ++i) REQUIRE(out[OutputLayout::kSoloL][i] == out[0][i]);
}
