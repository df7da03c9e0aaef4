// Whole-engine tests through the offline renderer: levels against the pan law, mute fades, fader ramps, bit-exact
// pass-through. Everything here runs process_rt under the RT trap.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <numbers>

#include "backend/OfflineRenderer.h"
#include "core/ChannelStrip.h"
#include "core/Engine.h"
#include "support/RtTrap.h"
#include "support/Signals.h"

using namespace foh;
using test::toDb;

namespace {
constexpr double kRate = 48000.0;
constexpr int kBlock = 64;

struct Rig {
    explicit Rig(int channels = 8) : engine(GraphConfig{channels, kRate, kBlock}), renderer(engine, kBlock) {
        queue = engine.openQueue("test");
    }
    void set(const char* address, float value) { REQUIRE(engine.set(*queue, address, value).ok); }
    Engine engine;
    OfflineRenderer renderer;
    CommandQueue* queue;
};
}  // namespace

TEST_CASE("a -20 dBFS sine at fader -6 dB panned centre lands where the pan law says", "[engine][levels]") {
    test::RtViolationScope trap;
    Rig rig;
    rig.set("/ch/1/fader", -6.0f);
    rig.set("/ch/1/pan", 0.0f);
    const std::size_t frames = 48000;
    const auto in = test::sine(1000.0, kRate, frames, std::pow(10.0, -20.0 / 20.0));
    const auto out = rig.renderer.render({in}, frames);

    // After the 20 ms fader ramp, over a whole number of 1 kHz periods (48 samples each).
    const std::size_t from = 4800, to = 4800 + 48 * 800;
    const double inDb = toDb(test::rms(in, from, to));
    const double expected = inDb - 6.0 + toDb(std::cos(std::numbers::pi / 4));  // -3.01 dB at centre
    CHECK(toDb(test::rms(out[0], from, to)) == Approx(expected).margin(0.01));
    CHECK(toDb(test::rms(out[1], from, to)) == Approx(expected).margin(0.01));
    CHECK(toDb(test::peak(out[0], from, to)) == Approx(-20.0 - 6.0 - 3.0103).margin(0.01));
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("pan positions follow the constant-power law", "[engine][levels]") {
    for (float pan : {-100.0f, -50.0f, -10.0f, 25.0f, 75.0f, 100.0f}) {
        Rig rig;
        rig.set("/ch/1/fader", 0.0f);
        rig.set("/ch/1/pan", pan);
        const auto out = rig.renderer.render({test::constant(4096, 0.5f)}, 4096);
        const double theta = (pan + 100.0) / 200.0 * std::numbers::pi / 2.0;
        CHECK(out[0].back() == Approx(0.5 * std::cos(theta)).margin(1e-6));
        CHECK(out[1].back() == Approx(0.5 * std::sin(theta)).margin(1e-6));
        // L^2 + R^2 is constant: the source keeps its power wherever it is panned.
        CHECK(out[0].back() * out[0].back() + out[1].back() * out[1].back() == Approx(0.25).margin(1e-6));
    }
}

TEST_CASE("unity gain panned hard left is bit-exact to the input on main L", "[engine][levels]") {
    Rig rig;
    rig.set("/ch/1/fader", 0.0f);
    rig.set("/ch/1/pan", -100.0f);
    (void)rig.renderer.render({test::constant(4800, 0.1f)}, 4800);  // let the 20 ms ramps from the defaults finish
    const auto in = test::noise(20000, 0.9f, 42);
    const auto out = rig.renderer.render({in}, in.size());
    CHECK(std::memcmp(in.data(), out[0].data(), in.size() * sizeof(float)) == 0);
    CHECK(test::peak(out[1], 0, out[1].size()) == 0.0);
}

TEST_CASE("polarity is an exact negation and trim an exact gain", "[engine][levels]") {
    Rig rig;
    rig.set("/ch/1/fader", 0.0f);
    rig.set("/ch/1/pan", -100.0f);
    rig.set("/ch/1/polarity", 1.0f);
    rig.set("/ch/1/trim", 6.0f);
    (void)rig.renderer.render({test::constant(4800, 0.1f)}, 4800);
    const auto in = test::noise(8192, 0.25f, 3);
    const auto out = rig.renderer.render({in}, in.size());
    const float g = static_cast<float>(std::pow(10.0, 6.0 / 20.0));
    for (std::size_t i = 0; i < in.size(); ++i) REQUIRE(out[0][i] == -(in[i] * g));
}

TEST_CASE("mute silences within its fade time and unmute comes back the same way", "[engine][levels]") {
    test::RtViolationScope trap;
    Rig rig;
    rig.set("/ch/1/fader", 0.0f);
    rig.set("/ch/1/pan", -100.0f);
    const std::size_t block = 4800;
    const auto dc = test::constant(block, 0.5f);
    (void)rig.renderer.render({dc}, block);
    rig.set("/ch/1/mute", 1.0f);
    const auto muted = rig.renderer.render({dc}, block);
    const auto fade = static_cast<std::size_t>(ChannelStrip::kMuteFadeSeconds * kRate);
    CHECK(muted[0][0] > 0.49f);               // a fade, not a cut
    CHECK(muted[0][fade - 2] > 0.0f);                     // still fading just before the end
    CHECK(test::peak(muted[0], fade - 1, block) == 0.0);  // silent from the end of the fade on
    CHECK(test::maxStep(muted[0], 0, block) <= 0.5 / static_cast<double>(fade) * 1.001);
    rig.set("/ch/1/mute", 0.0f);
    const auto back = rig.renderer.render({dc}, block);
    CHECK(back[0][fade - 2] < 0.5f);
    CHECK(back[0][fade - 1] == 0.5f);
    CHECK(test::maxStep(back[0], 0, block) <= 0.5 / static_cast<double>(fade) * 1.001);
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("a fader jump never steps by more than the ramp allows", "[engine][levels]") {
    test::RtViolationScope trap;
    Rig rig;
    rig.set("/ch/1/pan", -100.0f);
    rig.set("/ch/1/fader", 0.0f);
    const std::size_t block = 9600;
    const auto dc = test::constant(block, 0.5f);
    (void)rig.renderer.render({dc}, block);
    const auto ramp = static_cast<double>(ChannelStrip::kGainRampSeconds * kRate);

    rig.set("/ch/1/fader", -std::numeric_limits<float>::infinity());  // 0 dB -> -inf
    auto out = rig.renderer.render({dc}, block);
    CHECK(test::maxStep(out[0], 0, block) <= 0.5 * 1.0 / ramp * 1.001);
    CHECK(out[0][block - 1] == 0.0f);

    rig.set("/ch/1/fader", 10.0f);  // -inf -> +10 dB
    out = rig.renderer.render({dc}, block);
    const double top = std::pow(10.0, 10.0 / 20.0);
    CHECK(test::maxStep(out[0], 0, block) <= 0.5 * top / ramp * 1.001);
    CHECK(out[0][block - 1] == Approx(0.5 * top));

    // Under a full-scale sine the step is bounded by the sine's own slope plus the ramp's.
    const auto tone = test::sine(1000.0, kRate, block, 1.0);
    rig.set("/ch/1/fader", -40.0f);
    out = rig.renderer.render({tone}, block);
    const double sineSlope = 2.0 * std::numbers::pi * 1000.0 / kRate;  // max |x[n]-x[n-1]| of a unit sine
    CHECK(test::maxStep(out[0], 0, block) <= top * sineSlope + top / ramp + 1e-6);
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("the main fader and mute act on the sum", "[engine][levels]") {
    Rig rig;
    rig.set("/ch/1/fader", 0.0f);
    rig.set("/ch/1/pan", -100.0f);
    rig.set("/ch/2/fader", 0.0f);
    rig.set("/ch/2/pan", -100.0f);
    rig.set("/main/fader", -6.0f);
    const auto out = rig.renderer.render({test::constant(4800, 0.25f), test::constant(4800, 0.25f)}, 4800);
    CHECK(out[0].back() == Approx(0.5 * std::pow(10.0, -6.0 / 20.0)).epsilon(1e-6));
    rig.set("/main/mute", 1.0f);
    const auto muted = rig.renderer.render({test::constant(4800, 0.25f), test::constant(4800, 0.25f)}, 4800);
    CHECK(muted[0].back() == 0.0f);
}

TEST_CASE("channel faders start at -inf, so a new console is silent", "[engine][levels]") {
    Rig rig;
    const auto out = rig.renderer.render({test::constant(1024, 0.5f)}, 1024);
    CHECK(test::peak(out[0], 0, 1024) == 0.0);
}
