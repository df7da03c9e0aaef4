// The whole channel strip inside the engine: sidechain keys across channels, linked pairs, every stage's bypass,
// click-free parameter sweeps, and the dynamics meters. Runs under the RT trap.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <numbers>

#include "dsp/CascadeBank.h"
#include "core/Engine.h"
#include "support/Desk.h"
#include "support/RtTrap.h"
#include "support/Signals.h"

using namespace foh;

namespace {
constexpr double kRate = 48000.0;
/// Blocks of 64, the two main outputs.
struct Rig : test::Desk {
    explicit Rig(int channels = 4) : test::Desk(GraphConfig{channels, kRate, 64}, 2) {}
};
}  // namespace

TEST_CASE("a compressor keyed from another channel ducks only while that channel is loud", "[strip][sidechain]") {
    test::RtViolationScope trap;
    Rig rig;
    // Channel 1: the kick (key only, fader down). Channel 2: the bass, keyed from channel 1, hard left.
    rig.set("/ch/2/fader", 0.0f);
    rig.set("/ch/2/pan", -100.0f);
    rig.set("/ch/2/comp/on", 1.0f);
    rig.set("/ch/2/comp/threshold", -30.0f);
    rig.set("/ch/2/comp/ratio", 100.0f);
    rig.set("/ch/2/comp/knee", 0.0f);
    rig.set("/ch/2/comp/key/src", 1.0f);
    const std::size_t n = 96000;
    std::vector<float> kick(n, 0.0f);
    const auto loudKick = test::sine(60.0, kRate, n, 0.5);  // -6 dBFS: 24 dB over the threshold
    std::copy(loudKick.begin() + 48000, loudKick.end(), kick.begin() + 48000);
    const auto bass = test::sine(110.0, kRate, n, 0.1);  // -20 dBFS: over the threshold itself, but not the key
    const auto out = rig.renderer.render({kick, bass}, n);
    const double quiet = test::toneAmplitude(out[0], 110.0, kRate, 24000, 44000);
    const double ducked = test::toneAmplitude(out[0], 110.0, kRate, 72000, 92000);
    CHECK(test::toDb(quiet / 0.1) == Approx(0.0).margin(0.05));   // kick silent: bass untouched
    CHECK(test::toDb(ducked / 0.1) == Approx(-24.0).margin(0.5));  // kick loud: the bass ducks by its overshoot
    const MeterReading m = rig.engine.readMeters(rig.engine.addMeterReader());
    CHECK(trap.violations().total() == 0);
    (void)m;
}

TEST_CASE("a key source that does not exist is refused", "[strip][sidechain]") {
    Rig rig(4);
    CHECK_FALSE(rig.engine.set(*rig.queue, "/ch/1/comp/key/src", 5.0f).ok);
    CHECK_FALSE(rig.engine.set(*rig.queue, "/ch/1/gate/key/src", 1.5f).ok);
    CHECK(rig.engine.set(*rig.queue, "/ch/1/gate/key/src", 4.0f).ok);
}

TEST_CASE("linked channels move together and share one detector", "[strip][link]") {
    Rig rig;
    rig.set("/ch/1/comp/threshold", -12.0f);
    rig.set("/ch/1/link", 1.0f);
    CHECK(rig.engine.get("/ch/2/link") == 1.0f);
    CHECK(rig.engine.get("/ch/2/comp/threshold") == -12.0f);  // linking copied channel 1 onto 2
    rig.set("/ch/2/comp/on", 1.0f);
    CHECK(rig.engine.get("/ch/1/comp/on") == 1.0f);
    rig.set("/ch/1/pan", -100.0f);
    rig.set("/ch/2/pan", 100.0f);
    CHECK(rig.engine.get("/ch/2/pan") == 100.0f);  // pan stays each channel's own
    rig.set("/ch/1/fader", 0.0f);
    CHECK(rig.engine.get("/ch/2/fader") == 0.0f);
    rig.set("/ch/1/comp/ratio", 100.0f);
    rig.set("/ch/1/comp/knee", 0.0f);
    // Only the left side is loud; both sides get the same reduction (the image does not shift).
    const std::size_t n = 48000;
    const auto loud = test::sine(1000.0, kRate, n, 0.5);   // -6 dBFS: 6 dB over
    const auto soft = test::sine(1000.0, kRate, n, 0.05);  // -26 dBFS: under
    const auto out = rig.renderer.render({loud, soft}, n);
    const double left = test::toDb(test::toneAmplitude(out[0], 1000.0, kRate, 24000, 48000) / 0.5);
    const double right = test::toDb(test::toneAmplitude(out[1], 1000.0, kRate, 24000, 48000) / 0.05);
    CHECK(left == Approx(-6.0).margin(0.2));
    CHECK(right == Approx(left).margin(0.01));
    rig.set("/ch/1/link", 0.0f);
    CHECK(rig.engine.get("/ch/2/link") == 0.0f);
    rig.set("/ch/1/comp/threshold", -3.0f);
    CHECK(rig.engine.get("/ch/2/comp/threshold") == -12.0f);  // unlinked: no longer follows
}

TEST_CASE("every stage switched in and out again leaves the strip bit-transparent", "[strip][bypass]") {
    test::RtViolationScope trap;
    const std::vector<std::pair<std::string, std::vector<std::pair<std::string, float>>>> stages = {
        {"hpf", {{"hpf/freq", 200.0f}}},
        {"gate", {{"gate/threshold", -20.0f}}},
        {"eq", {{"eq/2/gain", 9.0f}, {"eq/1/type", 3.0f}}},
        {"comp", {{"comp/threshold", -40.0f}, {"comp/makeup", 6.0f}}},
        {"deess", {{"deess/threshold", -50.0f}, {"deess/freq", 4000.0f}}},
        {"delay", {{"delay/ms", 3.0f}}},
    };
    for (const auto& [stage, settings] : stages) {
        INFO("stage " << stage);
        Rig rig;
        rig.set("/ch/1/fader", 0.0f);
        rig.set("/ch/1/pan", -100.0f);
        for (const auto& [key, value] : settings) rig.set("/ch/1/" + key, value);
        rig.set("/ch/1/" + stage + "/on", 1.0f);
        const auto noise = test::noise(9600, 0.5f, 5);
        (void)rig.renderer.render({noise}, noise.size());
        rig.set("/ch/1/" + stage + "/on", 0.0f);
        (void)rig.renderer.render({noise}, noise.size());  // past the 5 ms crossfade
        const auto in = test::noise(9600, 0.5f, 6);
        const auto out = rig.renderer.render({in}, in.size());
        CHECK(std::memcmp(in.data(), out[0].data(), in.size() * sizeof(float)) == 0);
    }
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("sweeping EQ, high-pass, delay and fader on a running strip is click-free", "[strip][sweep]") {
    test::RtViolationScope trap;
    Rig rig;
    rig.set("/ch/1/fader", 0.0f);
    rig.set("/ch/1/pan", -100.0f);
    rig.set("/ch/1/hpf/on", 1.0f);
    rig.set("/ch/1/delay/on", 1.0f);
    rig.set("/ch/1/eq/3/freq", 300.0f);
    const auto tone = test::sine(300.0, kRate, 64, 0.25);
    std::vector<float> out;
    std::vector<float> in;
    for (int block = 0; block < 1500; ++block) {
        if (block % 50 == 0) rig.set("/ch/1/eq/3/gain", block % 100 == 0 ? 12.0f : -12.0f);
        if (block % 70 == 0) rig.set("/ch/1/eq/3/freq", block % 140 == 0 ? 250.0f : 400.0f);
        if (block % 90 == 0) rig.set("/ch/1/hpf/freq", block % 180 == 0 ? 150.0f : 40.0f);
        if (block % 110 == 0) rig.set("/ch/1/delay/ms", static_cast<float>(block % 7));
        if (block % 130 == 0) rig.set("/ch/1/fader", block % 260 == 0 ? -20.0f : 0.0f);
        const auto x = test::sine(300.0, kRate, static_cast<std::size_t>(block + 1) * 64, 0.25);
        const std::vector<float> chunk(x.end() - 64, x.end());
        const auto y = rig.renderer.render({chunk}, 64);
        out.insert(out.end(), y[0].begin(), y[0].end());
    }
    (void)tone;
    (void)in;
    // The sine's own largest step, at the largest gain any setting reaches (+12 dB), with 20 % for the glides.
    const double sineStep = 0.25 * 2.0 * std::numbers::pi * 300.0 / kRate;
    CHECK(test::maxStep(out, 1, out.size()) <= sineStep * std::pow(10.0, 12.0 / 20.0) * 1.2);
    CHECK(trap.violations().total() == 0);
}

TEST_CASE("gate and compressor gain reduction come back with the meters", "[strip][meters]") {
    Rig rig;
    rig.set("/ch/1/gate/on", 1.0f);
    rig.set("/ch/1/gate/threshold", -20.0f);
    rig.set("/ch/1/gate/range", 25.0f);
    rig.set("/ch/2/comp/on", 1.0f);
    rig.set("/ch/2/comp/threshold", -30.0f);
    rig.set("/ch/2/comp/ratio", 100.0f);
    rig.set("/ch/2/comp/knee", 0.0f);
    const int reader = rig.engine.addMeterReader();
    (void)rig.renderer.render({test::sine(1000.0, kRate, 48000, 0.01), test::sine(1000.0, kRate, 48000, 0.1)}, 48000);
    (void)rig.renderer.render({std::vector<float>(960, 0.0f)}, 960);
    const MeterReading m = rig.engine.readMeters(reader);
    CHECK(m.chGateGrDb[0] == Approx(25.0f).margin(0.01));
    CHECK(m.chCompGrDb[1] == Approx(10.0f).margin(0.2));
    CHECK(m.chGateOpen[1]);  // a gate that is off counts as open
    CHECK(m.chCompGrDb[0] == 0.0f);
}

TEST_CASE("the strip's responseDb is what its high-pass and EQ do to a sine", "[strip][response]") {
    // A strip on its own, driven through its stages as the graph drives them (steady filters run as lane jobs).
    ChannelStrip strip;
    strip.prepare(kRate, 1024);
    strip.setParam_rt(ChannelParam::HpfOn, 1.0f, true);
    strip.setParam_rt(ChannelParam::HpfFreq, 120.0f, true);
    strip.setParam_rt(ChannelParam::HpfSlope, 1.0f, true);
    strip.setParam_rt(ChannelParam::Eq2Gain, -8.0f, true);
    strip.setParam_rt(ChannelParam::Eq2Freq, 700.0f, true);
    strip.setParam_rt(ChannelParam::Eq4Gain, 5.0f, true);
    for (double f : {40.0, 120.0, 700.0, 3000.0, 12000.0}) {
        const std::size_t n = test::wholePeriods(f, kRate, 0.5) + 24000;
        const auto in = test::sine(f, kRate, n, 0.25);
        std::vector<float> out(n), scratch(3 * 1024), lanes(dsp::kLanes * 1024);
        ChannelLevels levels;
        for (std::size_t pos = 0; pos < n; pos += 1024) {
            const int m = static_cast<int>(std::min<std::size_t>(1024, n - pos));
            float* buf = out.data() + pos;
            strip.trim_rt(in.data() + pos, buf, m, levels);
            dsp::CascadeJob job;
            if (strip.highPass_rt(buf, scratch.data(), m, job)) dsp::runCascades(&job, 1, m, lanes.data());
            if (strip.eq_rt(buf, scratch.data(), m, job)) dsp::runCascades(&job, 1, m, lanes.data());
        }
        INFO(f << " Hz");
        CHECK(test::toDb(test::toneAmplitude(out, f, kRate, 24000, n) / 0.25) == Approx(strip.responseDb(f)).margin(0.05));
    }
}

TEST_CASE("setting by parameter id is the same as setting by address, linking included", "[strip][link]") {
    Rig rig;
    const auto registry = rig.engine.registry();
    REQUIRE(rig.engine.set(*rig.queue, *registry->find("/ch/3/link"), 1.0f).ok);
    REQUIRE(rig.engine.set(*rig.queue, *registry->find("/ch/3/comp/ratio"), 8.0f).ok);
    CHECK(rig.engine.get("/ch/4/comp/ratio") == 8.0f);
    CHECK_FALSE(rig.engine.set(*rig.queue, static_cast<ParamId>(registry->size()), 0.0f).ok);
}
