// The mastering chain on the main bus, through the whole engine: every stage in, under the RT trap; the limiter's
// ceiling at the main outputs; the chain's latency and the alignment of every other output; the loudness readouts
// in the meters. Expected values come from the signal definitions (and EBU Tech 3341's case 1), not the engine.
#include <catch2/catch.hpp>

#include <cmath>

#include <ebur128.h>

#include "core/Engine.h"
#include "support/Desk.h"
#include "support/RtTrap.h"
#include "support/Signals.h"

using namespace foh;

namespace {
constexpr double kRate = 48000.0;
constexpr int kBlock = 64;

struct Desk : test::Desk {
    explicit Desk(int channels = 2) : test::Desk({channels, kRate, kBlock, 4, 1}) {}
};

void engageChain(Desk& d) {
    d.set("/main/eq/on", 1.0f);
    d.set("/main/eq/1/gain", 2.0f);
    d.set("/main/eq/3/gain", -1.5f);
    d.set("/main/comp/on", 1.0f);
    d.set("/main/comp/threshold", -24.0f);
    d.set("/main/comp/mix", 70.0f);
    d.set("/main/comp/key/hpf", 100.0f);
    d.set("/main/mb/on", 1.0f);
    d.set("/main/mb/2/threshold", -30.0f);
    d.set("/main/image/on", 1.0f);
    d.set("/main/image/high/width", 130.0f);
    d.set("/main/image/monobass", 120.0f);
    d.set("/main/sat/on", 1.0f);
    d.set("/main/sat/drive", 6.0f);
    d.set("/main/limit/on", 1.0f);
    d.set("/main/limit/ceiling", -1.0f);
}
}  // namespace

TEST_CASE("the whole mastering chain runs on the main bus without allocating or locking", "[mastering][rt]") {
    test::RtViolationScope trap;
    Desk desk;
    engageChain(desk);
    desk.set("/ch/1/fader", 6.0f);
    desk.set("/ch/2/fader", 6.0f);
    desk.set("/ch/1/pan", -60.0f);
    desk.set("/ch/2/pan", 60.0f);
    const auto a = test::noise(48000, 0.9f, 1), b = test::noise(48000, 0.9f, 2);
    const auto out = desk.renderer.render({a, b}, a.size());
    CHECK(test::peak(out[0], 4800, a.size()) > 0.1);
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("with the limiter in, main never exceeds its true-peak ceiling", "[mastering][limiter]") {
    Desk desk;
    desk.set("/main/limit/on", 1.0f);
    desk.set("/main/limit/ceiling", -1.0f);
    desk.set("/ch/1/fader", 10.0f);
    desk.set("/ch/2/fader", 10.0f);
    desk.set("/main/fader", 6.0f);  // the limiter comes after the fader: the ceiling holds anyway
    // Loud programme: noise plus a near-fs/4 sine whose inter-sample peaks exceed its samples.
    auto a = test::noise(24000, 0.7f, 3);
    const auto s = test::sine(11999.0, kRate, a.size(), 0.7);
    for (std::size_t i = 0; i < a.size(); ++i) a[i] += s[i];
    const auto out = desk.renderer.render({a, a}, a.size());
    const double ceiling = std::pow(10.0, -1.0 / 20.0);
    CHECK(test::peak(out[0], 2400, a.size()) > 0.5 * ceiling);  // it is loud
    // libebur128's true peak (BS.1770 Annex 2) over the output after the switch-in fade (50 ms).
    ebur128_state* st = ebur128_init(2, static_cast<unsigned long>(kRate), EBUR128_MODE_TRUE_PEAK);
    REQUIRE(st != nullptr);
    std::vector<float> frames;
    for (std::size_t i = 2400; i < a.size(); ++i) {
        frames.push_back(out[0][i]);
        frames.push_back(out[1][i]);
    }
    REQUIRE(ebur128_add_frames_float(st, frames.data(), frames.size() / 2) == EBUR128_SUCCESS);
    for (unsigned ch = 0; ch < 2; ++ch) {
        double tp = 0.0;
        REQUIRE(ebur128_true_peak(st, ch, &tp) == EBUR128_SUCCESS);
        INFO("channel " << ch << ": libebur128 true peak " << 20.0 * std::log10(tp) << " dBTP");
        CHECK(20.0 * std::log10(tp) <= -1.0 + 0.05);
    }
    ebur128_destroy(&st);
}

TEST_CASE("a latent stage on main delays every output alike, and only while it is in", "[mastering][latency]") {
    Desk desk;
    CHECK(desk.engine.latencyFrames() == 0);  // a console with nothing latent switched in is not late
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/1/pan", -100.0f);
    desk.set("/ch/1/send/1/level", 0.0f);
    desk.set("/ch/1/direct/tap", 0.0f);
    const std::size_t n = 9600, at = 4800;
    std::vector<float> x(n, 0.0f);
    x[at] = 0.25f;
    // Where the impulse lands: its largest sample (the oversamplers' linear-phase filters ring a little before it).
    auto firstAbove = [&](const std::vector<float>& y) {
        std::size_t best = 0;
        for (std::size_t i = 0; i < y.size(); ++i)
            if (std::fabs(y[i]) > std::fabs(y[best])) best = i;
        return best;
    };
    const std::vector<float> silence(n, 0.0f);
    for (float on : {1.0f, 0.0f}) {
        desk.set("/main/limit/on", on);
        desk.set("/main/sat/on", on);
        (void)desk.renderer.render({silence}, n);  // the switch and the alignment crossfades settle
        const int latency = desk.engine.latencyFrames();
        INFO("limiter and saturation " << on << ", latency " << latency);
        if (on > 0.5f) {
            CHECK(latency > 0);
            CHECK(latency <= static_cast<int>(0.0015 * kRate) + 64);  // lookahead <= 1.5 ms plus the oversamplers
        } else {
            CHECK(latency == 0);
        }
        const auto out = desk.renderer.render({x}, n);
        const std::size_t want = at + static_cast<std::size_t>(latency);
        CHECK(firstAbove(out[OutputLayout::kMainL]) == want);
        CHECK(firstAbove(out[static_cast<std::size_t>(desk.config.outputs().busOut(0))]) == want);
        CHECK(firstAbove(out[static_cast<std::size_t>(desk.config.outputs().directOut(0))]) == want);
        CHECK(firstAbove(out[OutputLayout::kSoloL]) == want);
    }
}

TEST_CASE("the loudness readouts and the platform target come back with the meters", "[mastering][loudness]") {
    // EBU Tech 3341 case 1: a stereo pair of 1 kHz sines at -23 dBFS peak reads -23.0 LUFS (M, S, I).
    Desk desk;
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/2/fader", 0.0f);
    desk.set("/ch/1/pan", -100.0f);
    desk.set("/ch/2/pan", 100.0f);
    desk.set("/main/loud/target", 2.0f);  // spotify: -14 LUFS, -1 dBTP
    const int reader = desk.engine.addMeterReader();
    const auto x = test::sine(1000.0, kRate, static_cast<std::size_t>(5.0 * kRate), std::pow(10.0, -23.0 / 20.0));
    (void)desk.renderer.render({x, x}, x.size());
    const MeterReading m = desk.engine.readMeters(reader);
    CHECK(m.master.momentary == Approx(-23.0).margin(0.1));
    CHECK(m.master.shortTerm == Approx(-23.0).margin(0.1));
    CHECK(m.master.integrated == Approx(-23.0).margin(0.1));
    CHECK(m.master.truePeakMax == Approx(-23.0).margin(0.2));
    CHECK(m.master.targetLufs == -14.0f);
    CHECK(m.master.targetCeiling == -1.0f);
    CHECK(m.master.fromTargetLu == Approx(-23.0 + 14.0).margin(0.1));  // 9 LU below Spotify's target
    CHECK(m.master.overCeilingDb == Approx(-23.0 + 1.0).margin(0.2));
    // Reset starts the integration over; pause holds it.
    desk.set("/main/loud/reset", 1.0f);
    desk.set("/main/loud/reset", 0.0f);
    const std::vector<float> silence(static_cast<std::size_t>(kRate), 0.0f);
    (void)desk.renderer.render({silence, silence}, silence.size());
    CHECK(desk.engine.readMeters(reader).master.integrated < -70.0f);  // nothing above the absolute gate yet
}
