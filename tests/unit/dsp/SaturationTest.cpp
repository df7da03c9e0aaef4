// The saturator measured from its output: aliasing as the level at every frequency where a harmonic of the tone
// folds back (each on a DFT bin of the span, measured with a single-bin DFT), the dry path against the input
// delayed, transparency and mix coherence against the delayed input, odd symmetry by negating the input, and
// sample-to-sample steps against the slope a band-limited signal can have (Bernstein).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
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
    int oversampling = 4;
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

/// The worst folded harmonic of a tone at `f` in y[from, from + span), in dB under the tone; `where` gets its
/// frequency. Harmonics 2..99 (the curve's harmonics at these levels are below float noise long before that).
double worstAlias(const std::vector<float>& y, double f, double rate, std::size_t from, std::size_t span, double* where) {
    const double fundamental = test::toneAmplitude(y, f, rate, from, from + span);
    double worst = -1000.0;
    std::vector<double> seen;
    for (int n = 2; n < 100; ++n) {
        const double g = folded(f, n, rate);
        if (std::fabs(g - f) < 1e-6 || std::find(seen.begin(), seen.end(), g) != seen.end()) continue;
        seen.push_back(g);
        // At 0 Hz and fs / 2 the single-bin DFT reads twice the component: conservative.
        const double db = dbOf(test::toneAmplitude(y, g, rate, from, from + span) / fundamental);
        if (db > worst) worst = db, *where = g;
    }
    return worst;
}
}  // namespace

TEST_CASE("a 15 kHz tone at full drive folds every harmonic back at least 60 dB under itself", "[dsp][saturation]") {
    // 15 kHz at 48 kHz: harmonic 3 is at 45 kHz, 5 at 75 kHz, ... At the 4x rate (192 kHz) everything up to the
    // 6th harmonic is represented and the downsampler removes it; from the 13th (195 kHz -> 3 kHz) on they fold
    // within the oversampled signal itself, which no filter can undo. So what 4x can take depends on how hard the
    // tone hits the curve: at -18 dBFS and +24 dB of drive it reaches 2x the curve's knee (its peaks 6.3 dB under a
    // linear gain's, harmonic 3 at -15.5 dB, 5 at -28 dB). 8x takes -12 dBFS (4x the knee, harmonic 3 at -11 dB).
    // The span is 0.2 s: 9600 samples, a whole number of periods of every multiple of 5 Hz, so the tone and all
    // folded harmonics (multiples of 3 kHz) sit on DFT bins.
    const double rate = 48000.0, f = 15000.0;
    struct Case {
        int oversampling;
        double levelDb;
    };
    for (const Case c : {Case{4, -18.0}, Case{8, -12.0}}) {
        Settings s;
        s.driveDb = 24.0f;
        s.oversampling = c.oversampling;
        dsp::Saturation sat = makeSaturation(rate, s);
        const auto x = test::sine(f, rate, 14400, std::pow(10.0, c.levelDb / 20.0));
        const Stereo y = render(sat, Stereo{x, x});
        double where = 0.0;
        const double worst = worstAlias(y.l, f, rate, 4800, 9600, &where);
        const double fundamental = dbOf(test::toneAmplitude(y.l, f, rate, 4800, 14400));
        INFO(c.oversampling << "x, a " << c.levelDb << " dBFS tone: out at " << fundamental << " dBFS, worst folded "
                            << "harmonic " << worst << " dB (at " << where << " Hz)");
        CHECK(fundamental > c.levelDb + 10.0);  // driven: well into the curve (and loud)
        CHECK(worst <= -60.0);
        CHECK(y.l == y.r);
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
        CHECK(static_cast<double>(latency) / rate <= 0.001);
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
