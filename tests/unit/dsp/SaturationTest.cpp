// The saturator measured from its output: aliasing as the level at every frequency where a harmonic of the tone
// folds back (each on a DFT bin of a Hann-windowed span of whole periods, measured with a single-bin DFT), the
// anti-aliased curve's antiderivative and equaliser against their formulas, the dry path against the input
// delayed, transparency and mix coherence against the delayed input, odd symmetry by negating the input, and
// sample-to-sample steps against the slope a band-limited signal can have (Bernstein).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <numeric>
#include <random>
#include <vector>

#include "dsp/Saturation.h"
#include "rt/Realtime.h"
#include "support/Signals.h"

using namespace foh;

namespace {
struct Stereo {
    std::vector<float> l, r;
};

constexpr int kBlock = 256;

struct Settings {
    float driveDb = 0.0f;
    float mix = 100.0f;
    float trimDb = 0.0f;
    int oversampling = dsp::Saturation::kAutoOversampling;
};

dsp::Saturation makeSaturation(double rate, const Settings& s) {
    dsp::Saturation sat;
    sat.setDriveDb(s.driveDb);
    sat.setMix(s.mix);
    sat.setOutputTrimDb(s.trimDb);
    sat.prepare(rate, kBlock, s.oversampling);  // set before prepare: starts on these values, no ramp
    return sat;
}

Stereo render(dsp::Saturation& sat, Stereo x, int block = kBlock) {
    for (std::size_t pos = 0; pos < x.l.size(); pos += static_cast<std::size_t>(block)) {
        const int n = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(block), x.l.size() - pos));
        rt::RealtimeScope scope;
        sat.process(x.l.data() + pos, x.r.data() + pos, n);
    }
    return x;
}

double dbOf(double linear) { return 20.0 * std::log10(linear); }

/// Where harmonic n of `f` lands after folding into 0..fs/2.
double folded(double f, int n, double rate) {
    const double g = std::fmod(f * n, rate);
    return g > rate / 2.0 ? rate - g : g;
}

/// The amplitude of the component at `freq` in y[from, from + span), Hann-windowed (a steady component on a DFT bin
/// reads exactly, and one elsewhere leaks at most into the next bin and under -31 dB beyond).
double windowedAmplitude(const std::vector<float>& y, double freq, double rate, std::size_t from, std::size_t span) {
    std::complex<double> sum = 0.0;
    for (std::size_t i = 0; i < span; ++i) {
        const double t = static_cast<double>(i);
        const double w = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * t / static_cast<double>(span));
        sum += w * static_cast<double>(y[from + i]) * std::polar(1.0, -2.0 * std::numbers::pi * freq * t / rate);
    }
    return 4.0 * std::abs(sum) / static_cast<double>(span);  // the Hann window's mean is 1/2
}

/// The worst folded harmonic of a tone at `f` (whole Hz, rate whole Hz) in y[from, from + span), in dB under the
/// tone, among those below `upTo`; `where` gets its frequency. Every harmonic above fs / 2 lands on one of the
/// multiples of gcd(f, fs) below fs / 2; harmonics 2 .. fs / gcd + 1 reach them all. A folded frequency that is
/// also a harmonic in the band (the tone itself; at 96 kHz also 30 and 45 kHz) cannot be told from it: left out.
double worstAlias(const std::vector<float>& y, double f, double rate, std::size_t from, std::size_t span, double upTo,
                  double* where) {
    const double fundamental = windowedAmplitude(y, f, rate, from, span);
    const long grid = std::gcd(std::lround(f), std::lround(rate));
    const int period = static_cast<int>(std::lround(rate) / grid);
    double worst = -1000.0;
    std::vector<double> seen;
    for (int n = 2; n <= period + 1; ++n) {
        if (f * n <= rate / 2.0) continue;  // a harmonic in the band, not folded
        const double g = folded(f, n, rate);
        const bool inBand = std::fabs(std::remainder(g, f)) < 1e-6 && g > 0.0;
        if (inBand || g > upTo || std::find(seen.begin(), seen.end(), g) != seen.end()) continue;
        seen.push_back(g);
        // At 0 Hz and fs / 2 the single-bin DFT reads twice the component: conservative.
        const double db = dbOf(windowedAmplitude(y, g, rate, from, span) / fundamental);
        if (db > worst) worst = db, *where = g;
    }
    return worst;
}
}  // namespace

TEST_CASE("a 15 kHz tone at full drive folds every harmonic back at least 60 dB under itself, up to 0 dBFS in",
          "[dsp][saturation]") {
    // At +24 dB of drive a 0 dBFS tone hits the curve at 16x its knee: the output is nearly a square wave, whose
    // harmonics fall as e^(-0.1 n) / A (the curve's poles at +-i pi / 2 seen through A sin t), so harmonic 27 of
    // 15 kHz is still only 37 dB down. At 8x (384 kHz) it lands at 405 kHz and folds to 21 kHz; the anti-aliased
    // curve's mean over each step takes a further 26 dB off it (sinc(405 / 384)), which is what leaves 60 dB.
    // At 96 kHz the curve runs at 4x, the same 384 kHz: what folds below 20 kHz is as at 48 kHz, but the band passed
    // reaches 40 kHz, and harmonic 23 (345 kHz) folds to 39 kHz, 52 dB under the tone: ultrasonic, so there only
    // the audio band is held to 60 dB (8x would take it to 70 dB at twice the cost).
    // 0.1 s to settle, then 0.2 s: a whole number of periods of the tone and of every folded harmonic at each rate.
    struct Case {
        double rate;
        int oversampling;
        double levelDb;
    };
    std::vector<Case> cases;
    for (double rate : {44100.0, 48000.0, 96000.0})
        for (double level : {0.0, -6.0, -12.0, -18.0})
            cases.push_back({rate, dsp::Saturation::kAutoOversampling, level});
    cases.push_back({48000.0, 4, -12.0});  // 4x when asked for: the same curve at half the rate holds to -12 dBFS
    const double f = 15000.0;
    for (const Case& c : cases) {
        Settings s;
        s.driveDb = 24.0f;
        s.oversampling = c.oversampling;
        dsp::Saturation sat = makeSaturation(c.rate, s);
        const auto from = static_cast<std::size_t>(0.1 * c.rate), span = test::wholePeriods(f, c.rate, 0.2);
        const auto x = test::sine(f, c.rate, from + span, std::pow(10.0, c.levelDb / 20.0));
        const Stereo y = render(sat, Stereo{x, x});
        double where = 0.0;
        const double upTo = c.rate > 50000.0 ? 20000.0 : c.rate / 2.0;
        const double worst = worstAlias(y.l, f, c.rate, from, span, upTo, &where);
        const double fundamental = dbOf(windowedAmplitude(y.l, f, c.rate, from, span));
        INFO(c.rate << " Hz, " << sat.oversampling() << "x, a " << c.levelDb << " dBFS tone: out at " << fundamental
                    << " dBFS, worst folded harmonic below " << upTo << " Hz " << worst << " dB (at " << where
                    << " Hz)");
        CHECK(fundamental > c.levelDb + 2.0);  // driven: well into the curve (and loud)
        CHECK(worst <= -60.0);
        CHECK(y.l == y.r);
    }
}

TEST_CASE("the anti-aliased curve's parts match their formulas", "[dsp][saturation]") {
    // The antiderivative against log cosh (where cosh does not overflow) and |x| - log 2 far out; even.
    for (double v : {0.0, 1e-3, 0.3, 1.0, 4.0, 15.0, 300.0}) {
        const double expected = v < 300.0 ? std::log(std::cosh(v)) : v - std::numbers::ln2;
        CHECK(dsp::Saturation::curveAntiderivative(v) == Approx(expected).epsilon(1e-12).margin(1e-15));
        CHECK(dsp::Saturation::curveAntiderivative(-v) == dsp::Saturation::curveAntiderivative(v));
    }
    // The equaliser after the difference quotient's (1 + z^-1) / 2: J samples of delay, flat to sin^2J(w / 2),
    // so within 1e-6 up to 20 kHz at 4x of 44.1 kHz (w = 0.71; 5e-8 there) and symmetric.
    const int order = 8;
    const std::vector<double> e = dsp::Saturation::equaliserTaps(order);
    REQUIRE(e.size() == 2 * order);
    for (std::size_t k = 0; k < e.size(); ++k) CHECK(e[k] == Approx(e[e.size() - 1 - k]).margin(1e-12));
    for (double w = 0.0; w <= 2.0 * std::numbers::pi * 20000.0 / 176400.0; w += 0.01) {
        std::complex<double> h = 0.0;
        for (std::size_t k = 0; k < e.size(); ++k) h += e[k] * std::polar(1.0, -w * static_cast<double>(k));
        h *= 0.5 * (1.0 + std::polar(1.0, -w));
        CHECK(std::abs(h - std::polar(1.0, -w * order)) <= 1e-6);
    }
}

TEST_CASE("at 0 % mix the output is the input delayed by latencySamples(), exactly", "[dsp][saturation]") {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        Settings s;
        s.driveDb = 24.0f;  // the wet path is busy and loud, and must not leak
        s.mix = 0.0f;
        dsp::Saturation sat = makeSaturation(rate, s);
        const auto latency = static_cast<std::size_t>(sat.latencySamples());
        INFO(rate << " Hz: latency " << latency << " samples");
        CHECK(latency == 40);  // the oversampler's round trip and the curve's stage together, at any rate
        const Stereo x{test::noise(8000, 0.9f, 1), test::noise(8000, 0.9f, 2)};
        const Stereo y = render(sat, x, 100);
        for (std::size_t i = 0; i < latency; ++i) REQUIRE((y.l[i] == 0.0f && y.r[i] == 0.0f));
        for (std::size_t i = latency; i < x.l.size(); ++i)
            REQUIRE((y.l[i] == x.l[i - latency] && y.r[i] == x.r[i - latency]));
    }
}

TEST_CASE("at 0 dB drive a small signal comes through nearly unchanged at any mix: the dry path is in phase",
          "[dsp][saturation]") {
    // Five tones up to 19 kHz, -40 dBFS together. Against the input delayed by latencySamples(): the curve's x^3 / 3
    // is 1e-4 of a -40 dBFS peak (-90 dB), the filters' ripple 1e-5; a dry path one sample off would leave -6 dB of
    // 19 kHz at 50 % mix.
    const double rate = 48000.0;
    const std::size_t frames = 9600;
    std::vector<float> x(frames, 0.0f);
    for (double f : {100.0, 1000.0, 5000.0, 15000.0, 19000.0}) {
        const auto t = test::sine(f, rate, frames, 0.002);
        for (std::size_t i = 0; i < frames; ++i) x[i] += t[i];
    }
    const double peak = test::peak(x, 0, frames);
    for (float mix : {100.0f, 50.0f, 20.0f}) {
        Settings s;
        s.mix = mix;
        dsp::Saturation sat = makeSaturation(rate, s);
        const auto latency = static_cast<std::size_t>(sat.latencySamples());
        const Stereo y = render(sat, Stereo{x, x});
        double worst = 0.0;
        for (std::size_t i = 2 * latency; i < frames; ++i)  // past the filters' start-up
            worst = std::max(worst, static_cast<double>(std::fabs(y.l[i] - x[i - latency])));
        INFO("mix " << mix << " %: largest difference from the delayed input " << dbOf(worst / peak) << " dB re its peak");
        CHECK(dbOf(worst / peak) <= -70.0);
    }
}

TEST_CASE("the saturator is odd-symmetric: the negated input gives exactly the negated output", "[dsp][saturation]") {
    Settings s;
    s.driveDb = 12.0f;
    s.mix = 60.0f;
    s.trimDb = -4.0f;
    dsp::Saturation a = makeSaturation(48000.0, s), b = makeSaturation(48000.0, s);
    const Stereo x{test::noise(6000, 0.8f, 3), test::noise(6000, 0.8f, 4)};
    Stereo minus = x;
    for (float& v : minus.l) v = -v;
    for (float& v : minus.r) v = -v;
    const Stereo y = render(a, x), z = render(b, minus);
    bool odd = true;
    for (std::size_t i = 0; i < x.l.size(); ++i) odd = odd && z.l[i] == -y.l[i] && z.r[i] == -y.r[i];
    CHECK(odd);
    CHECK(test::peak(y.l, 0, y.l.size()) > 0.1);
    // And the curve itself: odd, unit slope at 0, bounded by 1 and reaching it smoothly.
    for (float v : {1e-6f, 0.01f, 0.5f, 1.0f, 3.0f, 20.0f}) {
        CHECK(dsp::Saturation::curve(-v) == -dsp::Saturation::curve(v));
        CHECK(dsp::Saturation::curve(v) == Approx(std::tanh(static_cast<double>(v))).epsilon(1e-6));
        CHECK(std::fabs(dsp::Saturation::curve(v)) <= 1.0f);
    }
    CHECK(dsp::Saturation::curve(0.0f) == 0.0f);
}

TEST_CASE("drive, mix and trim changes while a tone plays do not click", "[dsp][saturation]") {
    // A 100 Hz tone at -40 dBFS: even at +24 dB of drive it meets the curve at 0.16 (harmonic 3 at -40 dB), so the
    // output has nothing above 400 Hz that matters, and Bernstein's inequality bounds a sample-to-sample step by
    // 2 pi 400 / fs of the peak. Each change ramps over 20 ms: at most the whole peak spread over 960 samples per
    // sample. A jump would be of the order of the peak itself.
    const double rate = 48000.0;
    Settings s;
    dsp::Saturation sat = makeSaturation(rate, s);
    const auto x = test::sine(100.0, rate, static_cast<std::size_t>(0.6 * rate), 0.01);
    Stereo y{x, x};
    for (std::size_t pos = 0; pos < x.size(); pos += kBlock) {
        rt::RealtimeScope scope;  // the setters run on the audio thread too
        if (pos == 20 * kBlock) sat.setDriveDb(24.0f);                            // 0.11 s: +24 dB
        if (pos == 60 * kBlock) sat.setMix(0.0f);                                 // 0.32 s: back to the dry tone
        if (pos == 80 * kBlock) sat.setMix(100.0f), sat.setOutputTrimDb(-12.0f);  // 0.43 s: both at once
        sat.process(y.l.data() + pos, y.r.data() + pos, static_cast<int>(std::min<std::size_t>(kBlock, x.size() - pos)));
    }
    const double peak = test::peak(y.l, 0, y.l.size());
    const double bound = 2.0 * std::numbers::pi * 400.0 / rate * peak + peak / (0.020 * rate);
    const double step = test::maxStep(y.l, 0, y.l.size());
    INFO("largest step " << step << ", bound " << bound << ", peak " << peak);
    CHECK(peak > 0.1);  // the drive took effect
    CHECK(step <= bound);
}

TEST_CASE("reset clears the filters and the dry delay and keeps the settings", "[dsp][saturation]") {
    Settings s;
    s.driveDb = 9.0f;
    s.mix = 70.0f;
    s.trimDb = -2.0f;
    dsp::Saturation fresh = makeSaturation(48000.0, s), used = makeSaturation(48000.0, s);
    (void)render(used, Stereo{test::noise(3000, 0.9f, 5), test::noise(3000, 0.9f, 6)});
    {
        rt::RealtimeScope scope;
        used.reset();
    }
    const Stereo x{test::noise(4000, 0.5f, 7), test::noise(4000, 0.5f, 8)};
    const Stereo a = render(fresh, x), b = render(used, x);
    CHECK(a.l == b.l);
    CHECK(a.r == b.r);
    CHECK(used.driveDb() == 9.0f);
    CHECK(used.mixPercent() == 70.0f);
    CHECK(used.outputTrimDb() == -2.0f);
}
