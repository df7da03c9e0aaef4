// The stereo imager measured with mid (L = R) and side (L = -R) sines: mono bass against the analytic LR8 high-pass
// (the Butterworth prototype through the bilinear transform, written out here) with the mid untouched; width 0, 100
// and 200 %; each band's width against the analytic LR4 split; no parameter change steps the waveform.
// The correlation meter against r = <LR> / sqrt(<L^2><R^2>) for signals whose r is known, and its time constant
// against the documented 300 ms.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "dsp/CorrelationMeter.h"
#include "dsp/StereoImager.h"
#include "rt/Realtime.h"
#include "support/LinkwitzRiley.h"
#include "support/Signals.h"
#include "support/Stereo.h"

using namespace foh;
using test::cd;

namespace {
using test::allpass2;
using test::analogS;
using test::lr4High;
using test::lr4Low;
using test::phasor;
using test::Stereo;

/// The 4th-order Butterworth denominator from its poles: sections s^2 + 2 sin(theta) s + 1, theta = pi/8, 3pi/8.
cd butterworth4(cd s) {
    return (s * s + 2.0 * std::sin(std::numbers::pi / 8.0) * s + 1.0) *
           (s * s + 2.0 * std::sin(3.0 * std::numbers::pi / 8.0) * s + 1.0);
}
cd lr8High(cd s) {
    const cd h = s * s * s * s / butterworth4(s);
    return h * h;
}
cd allpass8(cd s) { return butterworth4(-s) / butterworth4(s); }
/// |LR8 high-pass| in dB: the Butterworth |H|^2 = 1 / (1 + W^-8), squared.
double lr8HighDb(double f, double fc, double rate) {
    const double w = std::tan(std::numbers::pi * f / rate) / std::tan(std::numbers::pi * fc / rate);
    return -20.0 * std::log10(1.0 + std::pow(w, -8.0));
}

void run(dsp::StereoImager& im, Stereo& x, std::size_t from, std::size_t to) { test::runInPlace(im, x, from, to, 128); }
void run(dsp::StereoImager& im, Stereo& x) { run(im, x, 0, x.l.size()); }

dsp::StereoImager makeImager(double rate, float split, float low, float high, float monoHz) {
    dsp::StereoImager im;
    im.setSplitFrequency(split, true);
    im.setLowWidth(low, true);
    im.setHighWidth(high, true);
    im.setMonoBass(monoHz, true);
    im.prepare(rate, 256);
    return im;
}

/// L = ampL sin(wt), R = ampR sin(wt + phaseR).
Stereo tone(double f, double rate, std::size_t frames, double ampL, double ampR, double phaseR) {
    Stereo x{std::vector<float>(frames), std::vector<float>(frames)};
    for (std::size_t i = 0; i < frames; ++i) {
        const double ph = 2.0 * std::numbers::pi * f * static_cast<double>(i) / rate;
        x.l[i] = static_cast<float>(ampL * std::sin(ph));
        x.r[i] = static_cast<float>(ampR * std::sin(ph + phaseR));
    }
    return x;
}
/// The complex amplitudes at the tone of both inputs and outputs, after settling.
struct Measured {
    cd inL, inR, outL, outR;
    [[nodiscard]] cd mid() const { return 0.5 * (outL + outR); }
    [[nodiscard]] cd side() const { return 0.5 * (outL - outR); }
};
Measured measure(dsp::StereoImager& im, double f, double rate, double ampL, double ampR, double phaseR,
                 double settleSeconds = 0.1) {
    const auto settle = static_cast<std::size_t>(settleSeconds * rate);
    const std::size_t span = test::wholePeriods(f, rate, 0.05);
    Stereo x = tone(f, rate, settle + span, ampL, ampR, phaseR);
    Measured m;
    m.inL = phasor(x.l, f, rate, settle, settle + span);
    m.inR = phasor(x.r, f, rate, settle, settle + span);
    run(im, x);
    m.outL = phasor(x.l, f, rate, settle, settle + span);
    m.outR = phasor(x.r, f, rate, settle, settle + span);
    return m;
}
double db(double x) { return 20.0 * std::log10(x); }

std::vector<double> thirdOctaves() { return test::octaveSteps(3); }
}  // namespace

TEST_CASE("mono bass takes the side down at least 40 dB an octave below its frequency", "[dsp][imager]") {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (double fm : {40.0, 100.0, 250.0, 500.0}) {
            auto im = makeImager(rate, 300.0f, 100.0f, 100.0f, static_cast<float>(fm));
            INFO(rate << " Hz, mono bass at " << fm << " Hz");
            // A side signal (L = -R) an octave below: LR8 is -48.2 dB there.
            const Measured below = measure(im, fm / 2.0, rate, 0.5, 0.5, std::numbers::pi, 0.3);
            const double attenuation = db(std::abs(below.side()) / 0.5);
            CHECK(attenuation < -40.0);
            CHECK(attenuation == Approx(lr8HighDb(fm / 2.0, fm, rate)).margin(0.5));
            CHECK(std::abs(below.mid()) < 1e-6);  // a side input never leaks into the mid
            // At the frequency -6.02 dB, an octave above nearly all of it.
            CHECK(db(std::abs(measure(im, fm, rate, 0.5, 0.5, std::numbers::pi).side()) / 0.5) ==
                  Approx(-6.0206).margin(0.05));
            CHECK(db(std::abs(measure(im, 2.0 * fm, rate, 0.5, 0.5, std::numbers::pi).side()) / 0.5) ==
                  Approx(lr8HighDb(2.0 * fm, fm, rate)).margin(0.05));
        }
    }
}

TEST_CASE("with mono bass on a mid signal at any frequency is untouched within 0.01 dB", "[dsp][imager]") {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (double fm : {40.0, 120.0, 500.0}) {
            auto im = makeImager(rate, 300.0f, 100.0f, 100.0f, static_cast<float>(fm));
            for (double f : thirdOctaves()) {
                // LR8's slowest section at 40 Hz (Q 1.31) decays with a 10 ms time constant: 0.25 s leaves 1e-11.
                const auto settle = static_cast<std::size_t>(0.25 * rate);
                const std::size_t span = test::wholePeriods(f, rate, 0.05);
                Stereo x = tone(f, rate, settle + span, 0.5, 0.5, 0.0);
                const Stereo in = x;
                run(im, x);
                const double g = test::toDb(std::abs(phasor(x.l, f, rate, settle, settle + span)) /
                                            std::abs(phasor(in.l, f, rate, settle, settle + span)));
                INFO(rate << " Hz, mono bass " << fm << " Hz, mid at " << f << " Hz");
                CHECK(std::fabs(g) < 0.01);
                CHECK(x.l == x.r);  // a mid input stays exactly mid
            }
        }
    }
}

TEST_CASE("width 0 makes both sides identical", "[dsp][imager]") {
    for (float monoHz : {20.0f, 150.0f}) {
        auto im = makeImager(48000.0, 300.0f, 0.0f, 0.0f, monoHz);
        Stereo x{test::noise(9600, 0.5f, 11), test::noise(9600, 0.5f, 12)};
        run(im, x);
        CHECK(x.l == x.r);
    }
}

TEST_CASE("width 100 % is transparent in magnitude: both sides pass the split's allpass", "[dsp][imager]") {
    // Documented: the LR4 split of the side sums to the allpass of its point, and the mid goes through the same
    // allpass so mid and side stay aligned. So L and R come out through AP(split): magnitude flat, phase turned.
    for (double rate : {44100.0, 96000.0}) {
        const double split = 300.0;
        auto im = makeImager(rate, static_cast<float>(split), 100.0f, 100.0f, 20.0f);
        for (double f : thirdOctaves()) {
            const Measured m = measure(im, f, rate, 0.5, 0.3, 1.0);
            const cd ap = allpass2(analogS(f, split, rate));
            INFO(rate << " Hz at " << f << " Hz");
            CHECK(std::fabs(db(std::abs(m.outL / m.inL))) < 0.01);
            CHECK(std::fabs(db(std::abs(m.outR / m.inR))) < 0.01);
            CHECK(std::abs(m.outL / m.inL - ap) < 2e-3);
            CHECK(std::abs(m.outR / m.inR - ap) < 2e-3);
        }
    }
}

TEST_CASE("width 200 % doubles the side and leaves the mid", "[dsp][imager]") {
    const double rate = 48000.0;
    auto im = makeImager(rate, 300.0f, 200.0f, 200.0f, 20.0f);
    for (double f : {40.0, 300.0, 1000.0, 8000.0}) {
        INFO("at " << f << " Hz");
        const Measured side = measure(im, f, rate, 0.25, 0.25, std::numbers::pi);
        CHECK(db(std::abs(side.side()) / 0.25) == Approx(db(2.0)).margin(0.01));
        CHECK(std::abs(side.mid()) < 1e-6);
        const Measured mid = measure(im, f, rate, 0.25, 0.25, 0.0);
        CHECK(std::fabs(db(std::abs(mid.mid()) / 0.25)) < 0.01);
        // L only: M = S = L/2, so L' = M + 2S = 1.5 L and R' = M - 2S = -0.5 L (both through the allpass).
        const Measured left = measure(im, f, rate, 0.4, 0.0, 0.0);
        CHECK(db(std::abs(left.outL) / 0.4) == Approx(db(1.5)).margin(0.01));
        CHECK(db(std::abs(left.outR) / 0.4) == Approx(db(0.5)).margin(0.01));
    }
}

TEST_CASE("each band's width follows the analytic LR4 split of the side", "[dsp][imager]") {
    const double rate = 48000.0, split = 400.0;
    for (const auto& [low, high] : {std::pair{0.0f, 200.0f}, std::pair{200.0f, 50.0f}, std::pair{150.0f, 0.0f}}) {
        auto im = makeImager(rate, static_cast<float>(split), low, high, 20.0f);
        for (double f : {30.0, 100.0, 200.0, 400.0, 800.0, 1600.0, 6000.0}) {
            const cd s = analogS(f, split, rate);
            const double wLow = static_cast<double>(low) / 100.0, wHigh = static_cast<double>(high) / 100.0;
            const cd want = wLow * lr4Low(s) + wHigh * lr4High(s);
            if (std::abs(want) < 0.01) continue;
            const Measured m = measure(im, f, rate, 0.25, 0.25, std::numbers::pi);
            INFO("low " << low << " %, high " << high << " % at " << f << " Hz");
            CHECK(db(std::abs(m.side()) / 0.25) == Approx(db(std::abs(want))).margin(0.05));
            CHECK(im.sideResponseDb(f) == Approx(db(std::abs(want))).margin(0.01));
            // The mid keeps its level.
            CHECK(std::fabs(db(std::abs(measure(im, f, rate, 0.25, 0.25, 0.0).mid()) / 0.25)) < 0.01);
        }
    }
}

TEST_CASE("the imager's mid and side responses are the analytic LR4 split and LR8 mono bass", "[dsp][imager]") {
    const double rate = 48000.0, split = 250.0, fm = 80.0;
    auto im = makeImager(rate, static_cast<float>(split), 50.0f, 150.0f, static_cast<float>(fm));
    for (double f : {20.0, 40.0, 80.0, 250.0, 1000.0, 10000.0}) {
        const cd s = analogS(f, split, rate), sm = analogS(f, fm, rate);
        INFO("at " << f << " Hz");
        CHECK(std::abs(im.midResponse(f) - allpass2(s) * allpass8(sm)) < 1e-4);
        CHECK(std::abs(im.sideResponse(f) - (0.5 * lr4Low(s) + 1.5 * lr4High(s)) * lr8High(sm)) < 1e-4);
    }
}

TEST_CASE("width, split, and mono bass changes never step the waveform", "[dsp][imager]") {
    const double rate = 48000.0, f = 200.0;
    auto im = makeImager(rate, 300.0f, 100.0f, 100.0f, 20.0f);
    const std::size_t seg = 4800;
    const std::vector<void (*)(dsp::StereoImager&)> changes = {
        [](dsp::StereoImager& m) { m.setLowWidth(0.0f, false); },
        [](dsp::StereoImager& m) { m.setLowWidth(200.0f, false); },
        [](dsp::StereoImager& m) { m.setSplitFrequency(100.0f, false); },  // the tone moves into the high band
        [](dsp::StereoImager& m) { m.setHighWidth(0.0f, false); },
        [](dsp::StereoImager& m) { m.setHighWidth(100.0f, false); },
        [](dsp::StereoImager& m) { m.setMonoBass(100.0f, false); },
        [](dsp::StereoImager& m) { m.setMonoBass(400.0f, false); },  // the tone's side goes
        [](dsp::StereoImager& m) { m.setMonoBass(20.0f, false); },   // off
    };
    Stereo x = tone(f, rate, (changes.size() + 1) * seg, 0.5, 0.5, std::numbers::pi / 2.0);  // mid and side
    test::runWithChanges(im, x, seg, 128, changes, [&](std::size_t c, std::size_t from) {
        INFO("change " << c);
        for (const auto* side : {&x.l, &x.r}) {
            const double amp = test::peak(*side, from - 100, from + seg);
            CHECK(test::maxStep(*side, from - 100, from + seg) < 1.1 * amp * 2.0 * std::numbers::pi * f / rate + 0.002);
        }
    });
    CHECK_FALSE(im.monoBassOn());
}

// ---- the correlation meter ----

namespace {
float correlation(const std::vector<float>& l, const std::vector<float>& r, double rate = 48000.0) {
    dsp::CorrelationMeter m;
    m.prepare(rate, 256);
    for (std::size_t pos = 0; pos < l.size(); pos += 256) {
        rt::RealtimeScope scope;
        m.process(l.data() + pos, r.data() + pos, static_cast<int>(std::min<std::size_t>(256, l.size() - pos)));
    }
    return m.value();
}
}  // namespace

TEST_CASE("the correlation meter reads +1 for identical sides, -1 for inverted, ~0 for independent noise",
          "[dsp][correlation]") {
    const auto a = test::noise(96000, 0.5f, 21);
    const auto b = test::noise(96000, 0.5f, 22);
    std::vector<float> minusA(a.size()), sum(a.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        minusA[i] = -a[i];
        sum[i] = a[i] + b[i];
    }
    CHECK(correlation(a, a) == Approx(1.0).margin(1e-6));
    CHECK(correlation(a, minusA) == Approx(-1.0).margin(1e-6));
    CHECK(std::fabs(correlation(a, b)) < 0.05);
    // L = a, R = a + b with a and b independent and equally loud: r = 1 / sqrt 2.
    CHECK(correlation(a, sum) == Approx(1.0 / std::sqrt(2.0)).margin(0.03));
    // Sine and cosine: 90 degrees apart, uncorrelated.
    const auto s = test::sine(1000.0, 48000.0, 48000, 0.5);
    std::vector<float> c(s.size());
    for (std::size_t i = 0; i < c.size(); ++i)
        c[i] = static_cast<float>(0.5 * std::cos(2.0 * std::numbers::pi * 1000.0 * static_cast<double>(i) / 48000.0));
    CHECK(std::fabs(correlation(s, c)) < 0.05);
    // Silence: nothing to correlate.
    const std::vector<float> zero(4800, 0.0f);
    CHECK(correlation(zero, zero) == 0.0f);
}

TEST_CASE("the correlation meter integrates with the documented 300 ms time constant", "[dsp][correlation]") {
    // Identical sides, then R inverted: <LR> goes from +P to -P as 2 e^(-t/tau) - 1 while <L^2> = <R^2> stay, so r
    // crosses 2/e - 1 at t = tau.
    for (double rate : {48000.0, 96000.0}) {
        const auto before = static_cast<std::size_t>(2.0 * rate), after = static_cast<std::size_t>(1.0 * rate);
        const auto l = test::noise(before + after, 0.5f, 31);
        std::vector<float> r = l;
        for (std::size_t i = before; i < r.size(); ++i) r[i] = -r[i];
        dsp::CorrelationMeter m;
        m.prepare(rate, 64);
        double crossed = -1.0;
        float prev = 1.0f;
        const double level = 2.0 / std::numbers::e - 1.0;
        for (std::size_t pos = 0; pos < l.size(); pos += 64) {
            {
                rt::RealtimeScope scope;
                m.process(l.data() + pos, r.data() + pos, 64);
            }
            const float v = m.value();
            if (pos >= before && crossed < 0.0 && v <= level) {
                const double frac = (prev - level) / (prev - v);  // between the last two reads
                crossed = (static_cast<double>(pos - before) + 64.0 * frac) / rate;
            }
            prev = v;
        }
        INFO(rate << " Hz: crossed 2/e - 1 after " << crossed * 1e3 << " ms");
        CHECK(crossed == Approx(dsp::CorrelationMeter::kIntegrationSeconds).epsilon(0.10));
        const double afterOneSecond = 2.0 * std::exp(-1.0 / dsp::CorrelationMeter::kIntegrationSeconds) - 1.0;
        CHECK(m.value() == Approx(afterOneSecond).margin(0.01));
    }
}
