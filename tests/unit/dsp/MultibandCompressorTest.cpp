// The multiband compressor measured from its output: idle, the output equals the input in magnitude (the crossover's
// allpass sum); a soloed band is the analytic LR4 band; a steady tone is reduced by the static curve (the soft-knee
// formula, written out here) applied to its band's level, with the other bands' share of the tone added back with
// their analytic complex responses; attack and release time constants against the set values; bypass, gain and the
// gain-reduction meter; no parameter change steps the waveform.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "dsp/MultibandCompressor.h"
#include "rt/Realtime.h"
#include "support/LinkwitzRiley.h"
#include "support/Signals.h"
#include "support/Stereo.h"

using namespace foh;
using test::cd;

namespace {
using test::bandDb;
using test::Points;
using test::phasor;
using test::Stereo;

constexpr double kKnee = 6.0;  // the unit's documented fixed knee

/// The output gain at f when band k is multiplied by g[k].
double outputDb(int bands, const std::array<double, 4>& g, double f, const Points& fc, double rate) {
    cd sum = 0.0;
    for (int k = 0; k < bands; ++k) sum += g[static_cast<std::size_t>(k)] * test::bandResponse(bands, k, f, fc, rate);
    return 20.0 * std::log10(std::abs(sum));
}

/// Giannoulis, Massberg & Reiss (2012), eq. 4: output level for input level x (dB).
double curveDb(double x, double t, double r, double w) {
    if (2.0 * (x - t) < -w) return x;
    if (2.0 * std::fabs(x - t) <= w) return x + (1.0 / r - 1.0) * std::pow(x - t + w / 2.0, 2.0) / (2.0 * w);
    return t + (x - t) / r;
}
double dbToGain(double db) { return std::pow(10.0, db / 20.0); }

void run(dsp::MultibandCompressor& mb, Stereo& x, std::size_t from, std::size_t to) { test::runInPlace(mb, x, from, to, 128); }
void run(dsp::MultibandCompressor& mb, Stereo& x) { run(mb, x, 0, x.l.size()); }

/// A unit with every band idle (threshold 0 dB: a signal 10 dB under it never reaches the knee) at these points.
dsp::MultibandCompressor makeIdle(double rate, int bands, const Points& fc) {
    dsp::MultibandCompressor mb;
    mb.setBandCount(bands, true);
    for (int i = 0; i < 3; ++i) mb.setCrossover(i, static_cast<float>(fc[static_cast<std::size_t>(i)]), true);
    for (int k = 0; k < 4; ++k) mb.setThreshold(k, 0.0f);
    mb.prepare(rate, 256);
    return mb;
}

/// Sixth-octave frequencies from 20 Hz to 20 kHz, plus the crossover points.
std::vector<double> sixthOctaves(const Points& fc) {
    std::vector<double> f = test::octaveSteps(6);
    for (double p : fc) f.push_back(p);
    return f;
}

/// Gain (dB) of a sine through the unit: L at -20 dBFS, R at -26 dBFS in another phase; returns the worse side.
std::array<double, 2> sineGainDb(dsp::MultibandCompressor& mb, double f, double rate) {
    const std::size_t settle = static_cast<std::size_t>(0.05 * rate);
    const std::size_t span = test::wholePeriods(f, rate, 0.05);
    Stereo x{test::sine(f, rate, settle + span, 0.1), std::vector<float>(settle + span)};
    for (std::size_t i = 0; i < x.r.size(); ++i)
        x.r[i] = static_cast<float>(0.05 * std::cos(2.0 * std::numbers::pi * f * static_cast<double>(i) / rate + 0.7));
    const Stereo in = x;
    run(mb, x);
    const auto gain = [&](const std::vector<float>& out, const std::vector<float>& ref) {
        return test::toDb(std::abs(phasor(out, f, rate, settle, settle + span)) /
                          std::abs(phasor(ref, f, rate, settle, settle + span)));
    };
    return {gain(x.l, in.l), gain(x.r, in.r)};
}

/// Two steady tones (f1 at a1 on the left and a1 * rightShare on the right, f2 at a2 on both) for `seconds`.
Stereo twoTones(double f1, double a1, double f2, double a2, double rate, std::size_t frames, double rightShare = 1.0) {
    Stereo x{std::vector<float>(frames), std::vector<float>(frames)};
    for (std::size_t i = 0; i < frames; ++i) {
        const double t = static_cast<double>(i) / rate;
        const double s1 = std::sin(2.0 * std::numbers::pi * f1 * t), s2 = std::sin(2.0 * std::numbers::pi * f2 * t);
        x.l[i] = static_cast<float>(a1 * s1 + a2 * s2);
        x.r[i] = static_cast<float>(a1 * rightShare * s1 + a2 * s2);
    }
    return x;
}
}  // namespace

TEST_CASE("with every band idle the output equals the input in magnitude within 0.01 dB from 20 Hz to 20 kHz",
          "[dsp][multiband]") {
    const Points fc = {120.0, 1000.0, 6000.0};
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (int bands : {3, 4}) {
            auto mb = makeIdle(rate, bands, fc);
            for (double f : sixthOctaves(fc)) {
                const auto g = sineGainDb(mb, f, rate);
                INFO(rate << " Hz, " << bands << " bands, at " << f << " Hz");
                CHECK(std::fabs(g[0]) < 0.01);
                CHECK(std::fabs(g[1]) < 0.01);
            }
        }
    }
}

TEST_CASE("a soloed band is heard alone as its analytic LR4 band, -6.02 dB at its crossover points",
          "[dsp][multiband]") {
    const Points fc = {120.0, 1000.0, 6000.0};
    for (double rate : {44100.0, 48000.0}) {
        for (int bands : {3, 4}) {
            for (int k = 0; k < bands; ++k) {
                auto mb = makeIdle(rate, bands, fc);
                mb.setSolo(k, true, true);
                std::vector<double> freqs;
                for (int j = 0; j <= 30; j += 2) freqs.push_back(20.0 * std::pow(2.0, j / 3.0));
                for (double p : fc) freqs.push_back(p);
                for (double f : freqs) {
                    const double want = bandDb(bands, k, f, fc, rate);
                    if (want < -40.0) continue;
                    const auto g = sineGainDb(mb, f, rate);
                    INFO(rate << " Hz, " << bands << " bands, band " << k << " soloed, at " << f << " Hz");
                    CHECK(g[0] == Approx(want).margin(0.05));
                    CHECK(g[1] == Approx(want).margin(0.05));
                }
                // At its own crossover points a band is at -6.02 dB (the other points add < 0.01 dB here).
                for (int p : {k - 1, k}) {
                    if (p < 0 || p >= bands - 1) continue;
                    const auto g = sineGainDb(mb, fc[static_cast<std::size_t>(p)], rate);
                    INFO("band " << k << " at point " << p);
                    CHECK(g[0] == Approx(-6.0206).margin(0.05));
                }
            }
        }
    }
}

TEST_CASE("soloing two bands gives their sum; solo beyond the band count is ignored", "[dsp][multiband]") {
    const Points fc = {120.0, 1000.0, 6000.0};
    const double rate = 48000.0;
    auto mb = makeIdle(rate, 4, fc);
    mb.setSolo(1, true, true);
    mb.setSolo(2, true, true);
    for (double f : {60.0, 300.0, 1000.0, 3000.0, 12000.0}) {
        INFO("at " << f << " Hz");
        CHECK(sineGainDb(mb, f, rate)[0] == Approx(outputDb(4, {0, 1, 1, 0}, f, fc, rate)).margin(0.05));
    }
    auto three = makeIdle(rate, 3, fc);
    three.setSolo(3, true, true);  // no band 3 with three bands: nothing is soloed
    for (double f : {60.0, 1000.0, 12000.0}) CHECK(std::fabs(sineGainDb(three, f, rate)[0]) < 0.01);
}

TEST_CASE("a steady tone in one band is reduced by the static curve within 0.3 dB; another band's tone is untouched",
          "[dsp][multiband]") {
    const Points fc = {100.0, 1000.0, 8000.0};
    const double rate = 48000.0;
    const double f1 = 300.0, f2 = 12000.0;  // band 1 and band 3; 160 and 4 samples a period
    struct Setting {
        float threshold, ratio, gain;
        double levelDb;
    };
    for (const Setting s : {Setting{-30, 4, 0, -10}, Setting{-20, 2, 3, -6}, Setting{-40, 20, 0, -10},
                            Setting{-24, 3, -4, -22.5}, Setting{-50, 8, 6, -20}}) {
        auto mb = makeIdle(rate, 4, fc);
        mb.setThreshold(1, s.threshold);
        mb.setRatio(1, s.ratio);
        mb.setGain(1, s.gain, true);
        const double a1 = dbToGain(s.levelDb), a2 = dbToGain(-10.0);
        const std::size_t settle = 24000, span = 9600;
        // The right side 6 dB lower: the linked detector follows the louder left, both sides get the same gain.
        Stereo x = twoTones(f1, a1, f2, a2, rate, settle + span, 0.5);
        const Stereo in = x;
        run(mb, x, 0, settle);
        (void)mb.takeGainReductionDb(1);  // forget the onset
        run(mb, x, settle, settle + span);
        const double bandLevel = s.levelDb + bandDb(4, 1, f1, fc, rate);  // what band 1's detector sees (peak)
        const double bandGainDb = curveDb(bandLevel, s.threshold, s.ratio, kKnee) - bandLevel;
        const std::array<double, 4> g = {1.0, dbToGain(bandGainDb + s.gain), 1.0, 1.0};
        INFO("T " << s.threshold << " R " << s.ratio << " gain " << s.gain << " at " << s.levelDb << " dBFS: band gain "
                  << bandGainDb << " dB");
        const auto level = [&](const std::vector<float>& out, const std::vector<float>& ref, double f) {
            return test::toDb(test::toneAmplitude(out, f, rate, settle, settle + span) /
                              test::toneAmplitude(ref, f, rate, settle, settle + span));
        };
        CHECK(level(x.l, in.l, f1) == Approx(outputDb(4, g, f1, fc, rate)).margin(0.3));
        CHECK(level(x.r, in.r, f1) == Approx(outputDb(4, g, f1, fc, rate)).margin(0.3));
        CHECK(std::fabs(level(x.l, in.l, f2)) < 0.05);  // band 3's tone: band 1 carries none of it
        CHECK(std::fabs(level(x.r, in.r, f2)) < 0.05);
        // The meter reads the reduction of the steady state; the idle bands none.
        CHECK(mb.takeGainReductionDb(1) == Approx(-bandGainDb).margin(0.3));
        CHECK(mb.takeGainReductionDb(0) < 0.01f);
        CHECK(mb.takeGainReductionDb(3) < 0.01f);
        CHECK(mb.staticGainDb(1, static_cast<float>(bandLevel)) == Approx(bandGainDb).margin(0.01));
    }
}

TEST_CASE("each band's attack and release time constants are within 10 % of the set values", "[dsp][multiband]") {
    const double rate = 48000.0;
    const Points fc = {50.0, 15000.0, 16000.0};
    const double f = 2000.0;  // 24 samples a period at 48 kHz
    const double hBand = dbToGain(bandDb(3, 1, f, fc, rate));
    for (const auto& [attackMs, releaseMs] : {std::pair{5.0f, 50.0f}, std::pair{20.0f, 200.0f}, std::pair{80.0f, 800.0f},
                                              std::pair{5.0f, 800.0f}, std::pair{80.0f, 50.0f}}) {
        auto mb = makeIdle(rate, 3, fc);
        mb.setSolo(1, true, true);  // the output is band 1 times its gain: nothing else to subtract
        mb.setThreshold(1, -40.0f);
        mb.setRatio(1, 20.0f);
        mb.setAttack(1, attackMs);
        mb.setRelease(1, releaseMs);
        // -60 dBFS (no reduction) -> -10 dBFS -> -60 dBFS, each edge a 1 ms raised cosine (the tone's spectrum stays
        // far inside band 1, so the band filters add no transient of their own).
        const auto quiet0 = static_cast<std::size_t>(0.1 * rate);
        const auto loudLen = static_cast<std::size_t>((0.05 + 8.0 * attackMs * 1e-3) * rate);
        const auto quietLen = static_cast<std::size_t>((0.05 + 2.5 * releaseMs * 1e-3) * rate);
        const auto edge = static_cast<std::size_t>(0.001 * rate);
        const std::size_t frames = quiet0 + loudLen + quietLen;
        const double lo = 0.001, hi = dbToGain(-10.0);
        std::vector<double> amp(frames);
        for (std::size_t i = 0; i < frames; ++i) {
            const auto ramp = [&](std::size_t start) {
                if (i < start) return 0.0;
                if (i >= start + edge) return 1.0;
                const double t = static_cast<double>(i - start) / static_cast<double>(edge);
                return 0.5 - 0.5 * std::cos(std::numbers::pi * t);
            };
            amp[i] = lo + (hi - lo) * (ramp(quiet0) - ramp(quiet0 + loudLen));
        }
        Stereo x{std::vector<float>(frames), std::vector<float>(frames)};
        for (std::size_t i = 0; i < frames; ++i) {
            const double ph = 2.0 * std::numbers::pi * f * static_cast<double>(i) / rate;
            x.l[i] = x.r[i] = static_cast<float>(amp[i] * std::sin(ph));
        }
        run(mb, x);
        // Reduction from the output envelope: a DFT over two periods (48 samples) centred on i, every 4 samples.
        const std::size_t half = 24;
        const auto grAt = [&](std::size_t i) {
            double re = 0.0, im = 0.0;
            for (std::size_t j = i - half; j < i + half; ++j) {
                const double ph = 2.0 * std::numbers::pi * f * static_cast<double>(j) / rate;
                re += x.l[j] * std::cos(ph);
                im += x.l[j] * std::sin(ph);
            }
            const double env = 2.0 * std::sqrt(re * re + im * im) / (2.0 * half);
            return -test::toDb(env / (amp[i] * hBand));
        };
        const double bandLevel = -10.0 + test::toDb(hBand);
        const double finalGr = bandLevel - curveDb(bandLevel, -40.0, 20.0, kKnee);
        // tau from two points of the exponential (independent of where it starts): the reduction goes 30 % -> 80 %
        // of its way in tau ln(0.7 / 0.2).
        const auto crossing = [&](std::size_t from, std::size_t to, double level, bool rising) {
            double prev = grAt(from);
            if (rising ? prev >= level : prev <= level) return -1.0;  // already past: the window starts too late
            for (std::size_t i = from + 4; i < to; i += 4) {
                const double g = grAt(i);
                if (rising ? g >= level : g <= level) {
                    const double frac = (level - prev) / (g - prev);
                    return (static_cast<double>(i) - 4.0 + 4.0 * frac) / rate;
                }
                prev = g;
            }
            return -1.0;
        };
        const std::size_t attackFrom = quiet0 + edge + half, attackTo = quiet0 + loudLen - half;
        const double ta = crossing(attackFrom, attackTo, 0.3 * finalGr, true);
        const double tb = crossing(attackFrom, attackTo, 0.8 * finalGr, true);
        const std::size_t releaseFrom = quiet0 + loudLen + edge + half, releaseTo = frames - half;
        const double startGr = grAt(quiet0 + loudLen - half);
        const double tc = crossing(releaseFrom, releaseTo, 0.7 * startGr, false);
        const double td = crossing(releaseFrom, releaseTo, 0.2 * startGr, false);
        const double attack = (tb - ta) / std::log(0.7 / 0.2) * 1e3;
        const double release = (td - tc) / std::log(0.7 / 0.2) * 1e3;
        INFO("attack set " << attackMs << " measured " << attack << " ms; release set " << releaseMs << " measured "
                           << release << " ms; reduction " << startGr << " dB (static curve " << finalGr << ")");
        CHECK(startGr == Approx(finalGr).margin(0.3));
        CHECK(attack == Approx(attackMs).epsilon(0.10));
        CHECK(release == Approx(releaseMs).epsilon(0.10));
    }
}

TEST_CASE("a bypassed band passes at unity without its gain while the other bands keep compressing",
          "[dsp][multiband]") {
    const Points fc = {100.0, 1000.0, 8000.0};
    const double rate = 48000.0;
    const double f1 = 300.0, f2 = 3000.0;  // band 1 and band 2
    auto mb = makeIdle(rate, 4, fc);
    for (int k : {1, 2}) {
        mb.setThreshold(k, -40.0f);
        mb.setRatio(k, 20.0f);
    }
    mb.setGain(1, 6.0f, true);
    mb.setBypass(1, true, true);
    const double a = dbToGain(-10.0);
    const std::size_t settle = 24000, span = 9600;
    Stereo x = twoTones(f1, a, f2, a, rate, 2 * (settle + span));
    const Stereo in = x;
    const auto level = [&](std::size_t from, double f) {
        return test::toDb(test::toneAmplitude(x.l, f, rate, from, from + span) /
                          test::toneAmplitude(in.l, f, rate, from, from + span));
    };
    // Band 2's detector: its own tone plus band 1's leaking into it (peaks add: the window holds a whole period).
    const double level2 = test::toDb(a * (dbToGain(bandDb(4, 2, f2, fc, rate)) + dbToGain(bandDb(4, 2, f1, fc, rate))));
    const double g2 = dbToGain(curveDb(level2, -40.0, 20.0, kKnee) - level2);

    run(mb, x, 0, settle);
    (void)mb.takeGainReductionDb(1);
    (void)mb.takeGainReductionDb(2);
    run(mb, x, settle, settle + span);
    CHECK(level(settle, f1) == Approx(outputDb(4, {1, 1, g2, 1}, f1, fc, rate)).margin(0.3));
    CHECK(level(settle, f2) == Approx(outputDb(4, {1, 1, g2, 1}, f2, fc, rate)).margin(0.3));
    CHECK(mb.takeGainReductionDb(1) == 0.0f);  // bypassed: nothing applied
    CHECK(mb.takeGainReductionDb(2) == Approx(-test::toDb(g2)).margin(0.3));

    // Back in: band 1 compresses its tone by the curve and adds its 6 dB.
    {
        rt::RealtimeScope scope;
        mb.setBypass(1, false, false);
    }
    const std::size_t second = settle + span;
    run(mb, x, second, second + settle + span);
    const double level1 = test::toDb(a * (dbToGain(bandDb(4, 1, f1, fc, rate)) + dbToGain(bandDb(4, 1, f2, fc, rate))));
    const double g1 = dbToGain(curveDb(level1, -40.0, 20.0, kKnee) - level1 + 6.0);
    CHECK(level(second + settle, f1) == Approx(outputDb(4, {1, g1, g2, 1}, f1, fc, rate)).margin(0.3));
}

TEST_CASE("the gain-reduction meter reports the largest reduction since it was last read", "[dsp][multiband]") {
    const Points fc = {100.0, 1000.0, 8000.0};
    const double rate = 48000.0;
    auto mb = makeIdle(rate, 4, fc);
    mb.setThreshold(1, -30.0f);
    mb.setRatio(1, 4.0f);
    mb.setRelease(1, 100.0f);
    Stereo loud = twoTones(300.0, dbToGain(-10.0), 12000.0, 0.0, rate, 48000);
    run(mb, loud, 0, 24000);
    (void)mb.takeGainReductionDb(1);
    run(mb, loud, 24000, 48000);
    const double bandLevel = -10.0 + bandDb(4, 1, 300.0, fc, rate);
    const double gr = bandLevel - curveDb(bandLevel, -30.0, 4.0, kKnee);
    CHECK(mb.takeGainReductionDb(1) == Approx(gr).margin(0.3));
    Stereo silence{std::vector<float>(48000, 0.0f), std::vector<float>(48000, 0.0f)};
    Stereo more = silence;
    run(mb, silence);
    CHECK(mb.takeGainReductionDb(1) == Approx(gr).margin(0.3));  // the start of the release is since the last read
    run(mb, more);
    CHECK(mb.takeGainReductionDb(1) < 0.01f);  // a second of silence later: released
    // With three bands, band 3 reads nothing.
    mb.setBandCount(3, true);
    CHECK(mb.takeGainReductionDb(3) == 0.0f);
}

TEST_CASE("switching between 3 and 4 bands with idle bands leaves the output as it was", "[dsp][multiband]") {
    const Points fc = {120.0, 1000.0, 6000.0};
    const double rate = 48000.0;
    Stereo ref{test::noise(24000, 0.1f, 5), test::noise(24000, 0.1f, 6)};
    Stereo x = ref;
    auto steady = makeIdle(rate, 4, fc);
    run(steady, ref);
    auto mb = makeIdle(rate, 4, fc);
    for (std::size_t pos = 0; pos < x.l.size(); pos += 200) {
        rt::RealtimeScope scope;
        if (pos == 4000) mb.setBandCount(3, false);
        if (pos == 14000) mb.setBandCount(4, false);
        mb.process(x.l.data() + pos, x.r.data() + pos, 200);
    }
    double err = 0.0;
    for (std::size_t i = 0; i < x.l.size(); ++i) {
        err = std::max(err, std::fabs(static_cast<double>(x.l[i] - ref.l[i])));
        err = std::max(err, std::fabs(static_cast<double>(x.r[i] - ref.r[i])));
    }
    CHECK(err < 1e-5);
}

TEST_CASE("gain, solo, bypass, threshold, crossover and band-count changes never step the waveform",
          "[dsp][multiband]") {
    const Points fc = {120.0, 1000.0, 6000.0};
    const double rate = 48000.0;
    const double f = 500.0;
    auto mb = makeIdle(rate, 4, fc);
    const std::size_t seg = 4800;
    Stereo x = twoTones(f, 0.25, 3000.0, 0.0, rate, 10 * seg);
    const std::vector<void (*)(dsp::MultibandCompressor&)> changes = {
        [](dsp::MultibandCompressor& m) { m.setGain(1, 12.0f, false); },
        [](dsp::MultibandCompressor& m) { m.setSolo(2, true, false); },  // band 1 (the tone) drops out
        [](dsp::MultibandCompressor& m) { m.setSolo(2, false, false); },
        [](dsp::MultibandCompressor& m) { m.setBypass(1, true, false); },
        [](dsp::MultibandCompressor& m) { m.setBypass(1, false, false); },
        [](dsp::MultibandCompressor& m) { m.setCrossover(1, 400.0f, false); },  // the tone moves into band 2
        [](dsp::MultibandCompressor& m) { m.setBandCount(3, false); },
        [](dsp::MultibandCompressor& m) { m.setThreshold(2, -40.0f); m.setRatio(2, 20.0f); },  // 20 ms attack
        [](dsp::MultibandCompressor& m) { m.setSolo(0, true, false); },
    };
    test::runWithChanges(mb, x, seg, 128, changes, [&](std::size_t c, std::size_t from) {
        // A sine of amplitude A moves at most A 2 pi f / fs per sample; a gain that ramps adds |dA| per sample.
        const double amp = std::max(test::peak(x.l, from - 100, from + seg), 1e-3);
        INFO("change " << c);
        CHECK(test::maxStep(x.l, from - 100, from + seg) < 1.1 * amp * 2.0 * std::numbers::pi * f / rate + 0.002);
        CHECK(test::maxStep(x.r, from - 100, from + seg) < 1.1 * amp * 2.0 * std::numbers::pi * f / rate + 0.002);
    });
}

TEST_CASE("a unit that continues from another produces the samples the other would have", "[dsp][multiband]") {
    const Points fc = {120.0, 1000.0, 6000.0};
    const double rate = 48000.0;
    auto make = [&] {
        auto m = makeIdle(rate, 4, fc);
        for (int k = 0; k < 4; ++k) {
            m.setThreshold(k, -30.0f);
            m.setRatio(k, 3.0f);
        }
        return m;
    };
    Stereo ref{test::noise(9600, 0.5f, 7), test::noise(9600, 0.5f, 8)};
    Stereo x = ref;
    auto a = make();
    run(a, ref);
    auto first = make();
    run(first, x, 0, 4800);
    auto second = make();
    {
        rt::RealtimeScope scope;
        second.continueFrom(first);
    }
    run(second, x, 4800, 9600);
    CHECK(x.l == ref.l);
    CHECK(x.r == ref.r);
}
