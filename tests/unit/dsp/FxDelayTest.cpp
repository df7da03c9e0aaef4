// The echo measured from its output: echo times and gains against k N and feedback^(k-1), each echo's spectrum
// against the analytic 12 dB/oct Butterworth magnitude per pass, and sample-to-sample steps against the slope of the
// tone plus the crossfade's share.
#include <catch2/catch.hpp>

#include <cmath>
#include <complex>
#include <numbers>
#include <utility>
#include <vector>

#include "dsp/FxDelay.h"
#include "rt/Realtime.h"
#include "support/EffectContracts.h"
#include "support/Signals.h"
#include "support/Stereo.h"

using namespace foh;

namespace {
using test::impulse;
using test::Stereo;

struct Settings {
    float ms = 100.0f;
    float feedback = 50.0f;
    float lowCut = 20.0f;
    float highCut = 20000.0f;
    bool pingPong = false;
    float mix = 100.0f;
};

dsp::FxDelay makeDelay(double rate, const Settings& s) {
    dsp::FxDelay d;
    d.setTimeMs(s.ms);
    d.setFeedback(s.feedback);
    d.setLowCut(s.lowCut);
    d.setHighCut(s.highCut);
    d.setPingPong(s.pingPong);
    d.setMix(s.mix);
    d.prepare(rate, 256);  // set before prepare: starts on these values, no ramp
    return d;
}

Stereo render(dsp::FxDelay& d, const std::vector<float>& x) { return test::renderMonoToStereo(d, x); }

/// |X(f)| of x[from, to) with the time origin at `from` (one DFT bin at any frequency).
double spectrum(const std::vector<float>& x, std::size_t from, std::size_t to, double freq, double rate) {
    std::complex<double> acc = 0.0;
    for (std::size_t i = from; i < to; ++i)
        acc += static_cast<double>(x[i]) * std::polar(1.0, -2.0 * std::numbers::pi * freq * static_cast<double>(i - from) / rate);
    return std::abs(acc);
}

/// A second-order Butterworth through the bilinear transform prewarped at fc: |H|^2 = 1 / (1 + (w / wc)^4) with
/// w = tan(pi f / fs) (low-pass), or (wc / w)^4 (high-pass).
double butterworthDb(bool highPass, double fc, double f, double rate) {
    const double ratio = std::tan(std::numbers::pi * f / rate) / std::tan(std::numbers::pi * fc / rate);
    return -10.0 * std::log10(1.0 + std::pow(highPass ? 1.0 / ratio : ratio, 4.0));
}
}  // namespace

TEST_CASE("with the filters off echo k falls at exactly k N samples with gain feedback^(k-1)", "[dsp][fxdelay]") {
    struct Case {
        double rate;
        float ms;
    };
    for (const Case c : {Case{44100.0, 1.0f}, Case{48000.0, 1.0f}, Case{48000.0, 3.7f}, Case{44100.0, 125.0f},
                         Case{96000.0, 125.0f}, Case{48000.0, 500.0f}, Case{48000.0, 2000.0f}}) {
        for (float feedback : {0.0f, 60.0f, 95.0f}) {
            Settings s{.ms = c.ms, .feedback = feedback};
            dsp::FxDelay d = makeDelay(c.rate, s);
            const auto n = static_cast<std::size_t>(std::lround(c.ms * 1e-3 * c.rate));
            INFO(c.ms << " ms at " << c.rate << " Hz (N = " << n << "), feedback " << feedback << " %");
            CHECK(d.delaySamples() == static_cast<int>(n));
            const std::size_t echoes = 6;
            const auto out = render(d, impulse(echoes * n + n / 2 + 1));
            const double g = static_cast<double>(feedback) / 100.0;
            double worst = 0.0;
            bool silentBetween = true;
            for (std::size_t i = 0; i < out.l.size(); ++i) {
                const bool echo = i > 0 && i % n == 0;
                const double expected = echo ? std::pow(g, static_cast<double>(i / n - 1)) : 0.0;
                if (echo) {
                    worst = std::max({worst, std::fabs(out.l[i] - expected), std::fabs(out.r[i] - expected)});
                } else {
                    silentBetween = silentBetween && out.l[i] == 0.0f && out.r[i] == 0.0f;
                }
            }
            CHECK(worst < 1e-6);
            CHECK(silentBetween);
        }
    }
}

TEST_CASE("feedback is limited to 95 %", "[dsp][fxdelay]") {
    Settings s{.ms = 10.0f, .feedback = 150.0f};
    dsp::FxDelay d = makeDelay(48000.0, s);
    const auto out = render(d, impulse(1500));
    CHECK(out.l[960] == Approx(0.95).margin(1e-6));
}

TEST_CASE("ping-pong puts the odd echoes left and the even echoes right", "[dsp][fxdelay]") {
    const double rate = 48000.0;
    Settings s{.ms = 250.0f, .feedback = 70.0f, .pingPong = true};
    dsp::FxDelay d = makeDelay(rate, s);
    const std::size_t n = 12000;
    const auto out = render(d, impulse(8 * n + 1));
    for (std::size_t k = 1; k <= 8; ++k) {
        const double g = std::pow(0.7, static_cast<double>(k - 1));
        INFO("echo " << k);
        const float own = k % 2 == 1 ? out.l[k * n] : out.r[k * n];
        const float other = k % 2 == 1 ? out.r[k * n] : out.l[k * n];
        CHECK(own == Approx(g).margin(1e-6));
        CHECK(other == 0.0f);
    }
    // Nothing anywhere else.
    for (std::size_t i = 1; i < out.l.size(); ++i)
        if (i % n != 0) REQUIRE((out.l[i] == 0.0f && out.r[i] == 0.0f));
}

TEST_CASE("each echo passes the loop filters once more: the high cut darkens every repeat", "[dsp][fxdelay]") {
    const double rate = 48000.0;
    struct Case {
        bool highPass;
        float corner;
    };
    for (const Case c : {Case{false, 2000.0f}, Case{true, 300.0f}}) {
        Settings s{.ms = 100.0f, .feedback = 80.0f};
        (c.highPass ? s.lowCut : s.highCut) = c.corner;
        dsp::FxDelay d = makeDelay(rate, s);
        const std::size_t n = 4800;
        const auto out = render(d, impulse(6 * n));
        double previousHighShare = 1.0;
        for (std::size_t k = 1; k <= 4; ++k) {
            // Echo k is the impulse through k passes, times 0.8^(k-1); it has died away long before the next.
            double below = 0.0, above = 0.0;
            for (double f : {62.5, 125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0}) {
                const double expected = test::toDb(std::pow(0.8, static_cast<double>(k - 1))) +
                                        static_cast<double>(k) * butterworthDb(c.highPass, c.corner, f, rate);
                const double measured = test::toDb(spectrum(out.l, k * n, (k + 1) * n, f, rate));
                INFO((c.highPass ? "low cut " : "high cut ") << c.corner << " Hz, echo " << k << " at " << f << " Hz");
                // Within 0.05 dB down to -40 dB. Below that the float recursion's own rounding shows: a 300 Hz
                // high-pass at 48 kHz has poles 0.03 from z = 1, so its rounding noise is raised ~56 dB near DC
                // (1 / |A(1)|) and reaches ~-80 dB after three passes; allow 1 dB down to -70 dB.
                if (expected > -40.0) CHECK(measured == Approx(expected).margin(0.05));
                else if (expected > -70.0) CHECK(measured == Approx(expected).margin(1.0));
                const double power = std::pow(10.0, measured / 10.0);
                (f > c.corner ? above : below) += power;
            }
            const double highShare = above / (above + below);
            if (!c.highPass) CHECK(highShare < previousHighShare);  // later echoes lose high frequencies
            previousHighShare = highShare;
        }
        // responseDb reports the same single pass.
        for (double f : {100.0, 300.0, 2000.0, 6000.0}) CHECK(d.responseDb(f) == Approx(butterworthDb(c.highPass, c.corner, f, rate)).margin(0.01));
    }
}

TEST_CASE("a time change while a tone plays crossfades without a click", "[dsp][fxdelay]") {
    const double rate = 48000.0;
    const double f = 440.0;
    const double fadeSamples = dsp::FxDelay::kTimeFadeSeconds * rate;
    const double slope = 2.0 * std::numbers::pi * f / rate;  // largest step of a unit sine at f
    const auto x = test::sine(f, rate, static_cast<std::size_t>(3.0 * rate), 0.5);

    const auto play = [&](dsp::FxDelay& d) {
        Stereo out{std::vector<float>(x.size()), std::vector<float>(x.size())};
        const int block = 64;
        for (std::size_t pos = 0; pos < x.size(); pos += block) {
            rt::RealtimeScope scope;  // setters run on the audio thread too
            if (pos == 750 * block) d.setTimeMs(420.0f);
            if (pos == 1125 * block) d.setTimeMs(137.0f);
            if (pos == 1125 * block + 256) d.setTimeMs(1000.0f);  // during a crossfade: waits for it
            d.process(x.data() + pos, out.l.data() + pos, out.r.data() + pos, block);
        }
        return out;
    };

    SECTION("without feedback: two sines of amplitude 0.5, their slope plus 1/960 of their gap") {
        Settings s{.ms = 300.0f, .feedback = 0.0f};
        dsp::FxDelay d = makeDelay(rate, s);
        const auto out = play(d);
        CHECK(d.delaySamples() == 48000);
        const double bound = 0.5 * slope + 1.0 / fadeSamples + 1e-6;
        CHECK(test::maxStep(out.l, 1, out.l.size()) <= bound);
        CHECK(test::maxStep(out.r, 1, out.r.size()) <= bound);
    }
    SECTION("with feedback and ping-pong: each side's slope plus 1/960 of the gap between its two taps") {
        // Each side is one line read through a crossfade; both taps hold the same 440 Hz signal the side plays, so
        // each is bounded by the side's peak and their gap by twice it (10 % margin for the peak between samples
        // and the fade's own sidebands).
        Settings s{.ms = 300.0f, .feedback = 60.0f, .pingPong = true};
        dsp::FxDelay d = makeDelay(rate, s);
        const auto out = play(d);
        for (const std::vector<float>* y : {&out.l, &out.r}) {
            const double peak = test::peak(*y, 0, y->size());
            const double bound = 1.1 * (slope + 2.0 / fadeSamples) * peak;
            INFO("largest step " << test::maxStep(*y, 1, y->size()) << ", bound " << bound);
            CHECK(test::maxStep(*y, 1, y->size()) <= bound);
        }
    }
}

TEST_CASE("switching and sweeping the loop filters and ping-pong while a tone plays do not click", "[dsp][fxdelay]") {
    // Switching crosses dry and filtered over 5 ms (a step of 1/240 of their gap, at most twice the peak);
    // everything else keeps the signal in band: the tone's slope times the peak (10 % margin).
    const double rate = 48000.0;
    const double f = 440.0;
    Settings s{.ms = 180.0f, .feedback = 70.0f};
    dsp::FxDelay d = makeDelay(rate, s);
    const auto x = test::sine(f, rate, static_cast<std::size_t>(3.0 * rate), 0.5);
    Stereo out{std::vector<float>(x.size()), std::vector<float>(x.size())};
    const int block = 64;
    for (std::size_t pos = 0; pos < x.size(); pos += block) {
        rt::RealtimeScope scope;
        if (pos == 750 * block) d.setHighCut(1000.0f);    // in
        if (pos == 900 * block) d.setHighCut(5000.0f);    // glide
        if (pos == 1000 * block) d.setLowCut(600.0f);     // in
        if (pos == 1100 * block) d.setPingPong(true);
        if (pos == 1300 * block) d.setLowCut(20.0f);      // out
        if (pos == 1500 * block) d.setHighCut(20000.0f);  // out
        if (pos == 1700 * block) d.setPingPong(false);
        d.process(x.data() + pos, out.l.data() + pos, out.r.data() + pos, block);
    }
    const double fadeSamples = dsp::FxDelay::kFilterFadeSeconds * rate;
    for (const std::vector<float>* y : {&out.l, &out.r}) {
        const double peak = test::peak(*y, 0, y->size());
        const double bound = 1.1 * (2.0 * std::numbers::pi * f / rate + 2.0 / fadeSamples) * peak;
        INFO("largest step " << test::maxStep(*y, 1, y->size()) << ", bound " << bound);
        CHECK(test::maxStep(*y, 1, y->size()) <= bound);
    }
}

TEST_CASE("at maximum feedback with the filters in, noise stays bounded", "[dsp][fxdelay]") {
    // With |F| <= 1, white noise of RMS s comes back at most s / sqrt(1 - 0.95^2) = 3.2 s (the mean of
    // 1 / |1 - g F e^-jwN|^2 over the comb's teeth).
    const double rate = 48000.0;
    Settings s{.ms = 50.0f, .feedback = 95.0f, .lowCut = 80.0f, .highCut = 12000.0f};
    dsp::FxDelay d = makeDelay(rate, s);
    const auto x = test::noise(static_cast<std::size_t>(10.0 * rate), 0.5f, 5);
    const auto out = render(d, x);
    bool finite = true;
    for (float v : out.l) finite = finite && std::isfinite(v);
    CHECK(finite);
    const double in = test::rms(x, 0, x.size());
    CHECK(test::rms(out.l, x.size() / 2, x.size()) <= 3.21 * in);
}

TEST_CASE("mix 0 is the dry input exactly, 50 is half of each", "[dsp][fxdelay]") {
    const double rate = 48000.0;
    const auto x = test::noise(24000, 0.5f);
    const auto [d, w, h] = test::renderAtMixes([&](float mix) {
        return makeDelay(rate, Settings{.ms = 20.0f, .highCut = 3000.0f, .mix = mix});
    }, x);
    CHECK(d.l == x);
    CHECK(d.r == x);
    CHECK(test::halfMixError(h.l, x, w.l) < 1e-6);
}

TEST_CASE("reset silences the delay and keeps its settings", "[dsp][fxdelay]") {
    const double rate = 48000.0;
    Settings s{.ms = 33.0f, .feedback = 80.0f, .lowCut = 150.0f, .highCut = 6000.0f, .pingPong = true};
    test::checkResetIsFresh([&] { return makeDelay(rate, s); }, 20000);
}

TEST_CASE("msFromTempo gives a note's length at a tempo", "[dsp][fxdelay]") {
    CHECK(dsp::FxDelay::msFromTempo(120.0f, 1.0f / 4.0f) == 500.0f);
    CHECK(dsp::FxDelay::msFromTempo(120.0f, 1.0f / 8.0f) == 250.0f);
    CHECK(dsp::FxDelay::msFromTempo(90.0f, 3.0f / 16.0f) == Approx(500.0));  // dotted eighth
    CHECK(dsp::FxDelay::msFromTempo(100.0f, 1.0f / 6.0f) == Approx(400.0));  // quarter-note triplet
    CHECK(dsp::FxDelay::msFromTempo(60.0f, 1.0f) == 4000.0f);
    CHECK(dsp::FxDelay::msFromTempo(0.0f, 0.25f) == 0.0f);
}

TEST_CASE("the delay may process in place (input buffer as an output)", "[dsp][fxdelay]") {
    const double rate = 48000.0;
    // 2 ms is shorter than a block: the loop runs in pieces
    Settings s{.ms = 2.0f, .feedback = 60.0f, .highCut = 5000.0f, .mix = 40.0f};
    test::checkProcessesInPlace([&] { return makeDelay(rate, s); }, test::InPlaceSide::Right);
}

TEST_CASE("swapping two delays on the audio thread allocates nothing and carries the echoes over", "[dsp][fxdelay]") {
    const double rate = 48000.0;
    Settings s{.ms = 60.0f, .highCut = 4000.0f};
    test::checkSwapCarriesState([&] { return makeDelay(rate, s); });
}
