// The LR4 crossover measured through process() with sines: each band against the analytic Linkwitz-Riley magnitude
// (the Butterworth prototype through the bilinear transform, written out here), -6.02 dB at every crossover point,
// and the sum against the allpass chain AP1 AP2 AP3 in magnitude and phase. Also the band-count fade and the glide.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <complex>
#include <numbers>
#include <vector>

#include "dsp/Crossover.h"
#include "rt/Realtime.h"
#include "support/LinkwitzRiley.h"
#include "support/Signals.h"

using namespace foh;
using test::cd;

namespace {
using test::allpass2;
using test::analogS;
using test::lr4Db;
using test::Points;
using test::phasor;

struct Split {
    std::array<std::vector<float>, 4> l, r;
};

Split render(dsp::Crossover& x, const std::vector<float>& inL, const std::vector<float>& inR, int block = 256) {
    Split out;
    for (auto& v : out.l) v.assign(inL.size(), 0.0f);
    for (auto& v : out.r) v.assign(inL.size(), 0.0f);
    for (std::size_t pos = 0; pos < inL.size(); pos += static_cast<std::size_t>(block)) {
        const int n = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(block), inL.size() - pos));
        float* bl[4];
        float* br[4];
        for (std::size_t k = 0; k < 4; ++k) {
            bl[k] = out.l[k].data() + pos;
            br[k] = out.r[k].data() + pos;
        }
        rt::RealtimeScope scope;
        x.process(inL.data() + pos, inR.data() + pos, bl, br, n);
    }
    return out;
}

dsp::Crossover makeCrossover(double rate, int bands, const Points& fc) {
    dsp::Crossover x;
    x.setBandCount(bands, true);
    for (int i = 0; i < 3; ++i) x.setFrequency(i, static_cast<float>(fc[static_cast<std::size_t>(i)]), true);
    x.prepare(rate, 256);
    return x;
}

/// Third-octave frequencies from 20 Hz to 20 kHz, plus the crossover points.
std::vector<double> testFrequencies(const Points& fc) {
    std::vector<double> f = test::octaveSteps(3);
    for (double p : fc) f.push_back(p);
    return f;
}

/// One sine through the crossover: each band's and the sum's complex gain (left side; the right carries the same
/// tone at another level and phase and is checked the same way).
struct Measured {
    std::array<cd, 4> band;
    cd sum;
    std::array<cd, 4> bandRight;
    cd sumRight;
};
Measured measure(dsp::Crossover& x, double f, double rate, double settleSeconds = 0.05) {
    // With the lowest point at 120 Hz the slowest section's transient is down 100 dB in 20 ms.
    const auto settle = static_cast<std::size_t>(settleSeconds * rate);
    const std::size_t span = test::wholePeriods(f, rate, 0.05);
    const std::size_t frames = settle + span;
    std::vector<float> inL(frames), inR(frames);
    for (std::size_t i = 0; i < frames; ++i) {
        const double ph = 2.0 * std::numbers::pi * f * static_cast<double>(i) / rate;
        inL[i] = static_cast<float>(0.5 * std::sin(ph));
        inR[i] = static_cast<float>(0.2 * std::cos(ph + 0.3));
    }
    const Split out = render(x, inL, inR);
    const cd refL = phasor(inL, f, rate, settle, frames), refR = phasor(inR, f, rate, settle, frames);
    Measured m;
    std::vector<float> sumL(frames, 0.0f), sumR(frames, 0.0f);
    for (std::size_t k = 0; k < 4; ++k) {
        m.band[k] = phasor(out.l[k], f, rate, settle, frames) / refL;
        m.bandRight[k] = phasor(out.r[k], f, rate, settle, frames) / refR;
        for (std::size_t i = 0; i < frames; ++i) {
            sumL[i] += out.l[k][i];
            sumR[i] += out.r[k][i];
        }
    }
    m.sum = phasor(sumL, f, rate, settle, frames) / refL;
    m.sumRight = phasor(sumR, f, rate, settle, frames) / refR;
    return m;
}

double db(cd h) { return 20.0 * std::log10(std::abs(h)); }
}  // namespace

TEST_CASE("each band matches the analytic LR4 magnitude within 0.05 dB and the sum is flat within 0.01 dB",
          "[dsp][crossover]") {
    const Points fc = {120.0, 1000.0, 6000.0};
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (int bands : {3, 4}) {
            auto x = makeCrossover(rate, bands, fc);
            for (double f : testFrequencies(fc)) {
                const Measured m = measure(x, f, rate);
                INFO(rate << " Hz, " << bands << " bands, at " << f << " Hz");
                CHECK(std::fabs(db(m.sum)) < 0.01);
                CHECK(std::fabs(db(m.sumRight)) < 0.01);
                for (int k = 0; k < bands; ++k) {
                    const double want = test::bandDb(bands, k, f, fc, rate);
                    if (want < -60.0) continue;  // deep in the stop band the float noise floor is near; see below
                    INFO("band " << k);
                    CHECK(db(m.band[static_cast<std::size_t>(k)]) == Approx(want).margin(0.05));
                    CHECK(db(m.bandRight[static_cast<std::size_t>(k)]) == Approx(want).margin(0.05));
                }
                if (bands == 3) CHECK(std::abs(m.band[3]) == 0.0);  // band 3 is silent with three bands
            }
        }
    }
}

TEST_CASE("the sum stays flat within 0.01 dB with points at 20 and 40 Hz at 96 and 192 kHz", "[dsp][crossover]") {
    // The case a float biquad cannot do: its low-frequency gain hangs on 1 + a1 + a2, about (2 pi f / fs)^2.
    for (const Points& fc : {Points{20.0, 200.0, 16000.0}, Points{40.0, 80.0, 2000.0}}) {
        for (double rate : {96000.0, 192000.0}) {
            auto x = makeCrossover(rate, 4, fc);
            for (double f : {20.0, 25.0, 31.5, 40.0, 50.0, 63.0, 80.0, 100.0, 200.0, 1000.0, 16000.0}) {
                const Measured m = measure(x, f, rate, 0.5);  // a 20 Hz point's transient takes ~0.2 s to vanish
                INFO(rate << " Hz, points " << fc[0] << " " << fc[1] << " " << fc[2] << " Hz, at " << f << " Hz");
                CHECK(std::fabs(db(m.sum)) < 0.01);
                if (test::bandDb(4, 0, f, fc, rate) > -60.0)
                    CHECK(db(m.band[0]) == Approx(test::bandDb(4, 0, f, fc, rate)).margin(0.05));
            }
        }
    }
}

TEST_CASE("at each crossover point both bands that meet there are at -6.02 dB", "[dsp][crossover]") {
    const Points fc = {100.0, 1000.0, 8000.0};
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        auto x = makeCrossover(rate, 4, fc);
        for (std::size_t i = 0; i < 3; ++i) {
            const Measured m = measure(x, fc[i], rate);
            INFO(rate << " Hz, point " << i << " at " << fc[i] << " Hz");
            // 20 log10(1/2): each LR4 branch is the square of a Butterworth section that is -3.01 dB there.
            CHECK(db(m.band[i]) == Approx(-6.0206).margin(0.05));
            CHECK(db(m.band[i + 1]) == Approx(-6.0206).margin(0.05));
            // ...and in phase with each other: an LR4 branch is always in phase with its point's allpass
            // (L / AP = 1 / (1 + s^4) and H / AP = s^4 / (1 + s^4) are real on s = j W).
            CHECK(std::abs(std::arg(m.band[i] / m.band[i + 1])) < 0.02);
        }
    }
}

TEST_CASE("the bands sum to the allpass chain AP1 AP2 AP3, in magnitude and phase", "[dsp][crossover]") {
    const Points fc = {150.0, 1500.0, 9000.0};
    const double rate = 48000.0;
    for (int bands : {3, 4}) {
        auto x = makeCrossover(rate, bands, fc);
        for (double f : {25.0, 150.0, 400.0, 1500.0, 4000.0, 9000.0, 15000.0}) {
            const cd want = allpass2(analogS(f, fc[0], rate)) * allpass2(analogS(f, fc[1], rate)) *
                            allpass2(analogS(f, fc[2], rate));
            const Measured m = measure(x, f, rate);
            INFO(bands << " bands at " << f << " Hz");
            CHECK(std::abs(m.sum - want) < 2e-3);
            CHECK(std::abs(m.sumRight - want) < 2e-3);
            // The responses computed from the coefficients say the same.
            CHECK(std::abs(x.sumResponse(f) - want) < 1e-4);
            CHECK(std::fabs(x.sumResponseDb(f)) < 0.001);
        }
    }
}

TEST_CASE("bandResponse and responseDb follow the analytic LR4 tree", "[dsp][crossover]") {
    const Points fc = {120.0, 1000.0, 6000.0};
    for (double rate : {44100.0, 96000.0}) {
        for (int bands : {3, 4}) {
            auto x = makeCrossover(rate, bands, fc);
            for (double f : testFrequencies(fc)) {
                for (int k = 0; k < 4; ++k) {
                    INFO(rate << " Hz, " << bands << " bands, band " << k << " at " << f << " Hz");
                    const cd want = test::bandResponse(bands, k, f, fc, rate);
                    CHECK(std::abs(x.bandResponse(k, f) - want) < 1e-4);
                    if (k < bands && test::bandDb(bands, k, f, fc, rate) > -60.0)
                        CHECK(x.responseDb(k, f) == Approx(test::bandDb(bands, k, f, fc, rate)).margin(0.01));
                }
            }
        }
    }
}

TEST_CASE("a band-count change fades band 3 into band 2 while the sum stays exactly as it was", "[dsp][crossover]") {
    const double rate = 48000.0;
    const Points fc = {120.0, 1000.0, 6000.0};
    const auto inL = test::noise(24000, 0.5f, 3);
    const auto inR = test::noise(24000, 0.5f, 4);
    auto steady = makeCrossover(rate, 4, fc);
    const Split ref = render(steady, inL, inR);

    auto x = makeCrossover(rate, 4, fc);
    Split out;
    for (auto& v : out.l) v.assign(inL.size(), 0.0f);
    for (auto& v : out.r) v.assign(inL.size(), 0.0f);
    const std::size_t switchAt = 6000, backAt = 15000, block = 100;
    for (std::size_t pos = 0; pos < inL.size(); pos += block) {
        rt::RealtimeScope scope;
        if (pos == switchAt) x.setBandCount(3, false);
        if (pos == backAt) x.setBandCount(4, false);
        float* bl[4];
        float* br[4];
        for (std::size_t k = 0; k < 4; ++k) {
            bl[k] = out.l[k].data() + pos;
            br[k] = out.r[k].data() + pos;
        }
        x.process(inL.data() + pos, inR.data() + pos, bl, br, static_cast<int>(block));
    }
    const auto fade = static_cast<std::size_t>(dsp::Crossover::kBandCountSeconds * rate);
    double sumErr = 0.0, lowErr = 0.0;
    for (std::size_t i = 0; i < inL.size(); ++i) {
        const double a = out.l[0][i] + out.l[1][i] + out.l[2][i] + out.l[3][i];
        const double b = ref.l[0][i] + ref.l[1][i] + ref.l[2][i] + ref.l[3][i];
        sumErr = std::max(sumErr, std::fabs(a - b));
        for (std::size_t k = 0; k < 2; ++k)
            lowErr = std::max(lowErr, std::fabs(static_cast<double>(out.r[k][i] - ref.r[k][i])));
    }
    CHECK(sumErr < 1e-5);  // float rounding of band 2 + band 3 only
    CHECK(lowErr == 0.0);  // bands 0 and 1 never change
    // After the fade: band 3 silent, band 2 carries both; band 3's share moved smoothly (no step larger than its
    // own signal's plus the fade's).
    for (std::size_t i = switchAt + fade + 1; i < backAt; ++i) {
        REQUIRE(out.l[3][i] == 0.0f);
        REQUIRE(out.l[2][i] == Approx(ref.l[2][i] + ref.l[3][i]).margin(1e-6));
    }
    for (std::size_t i = backAt + fade + 1; i < inL.size(); ++i) REQUIRE(out.l[3][i] == ref.l[3][i]);
    CHECK(x.bandCount() == 4);
}

TEST_CASE("a crossover frequency change glides: no step in the bands, the target is reached in 20 ms",
          "[dsp][crossover]") {
    const double rate = 48000.0;
    const Points fc = {120.0, 1000.0, 6000.0};
    auto x = makeCrossover(rate, 4, fc);
    const std::size_t frames = 19200, changeAt = 9600;
    const auto in = test::sine(800.0, rate, frames, 0.5);
    Split out;
    for (auto& v : out.l) v.assign(frames, 0.0f);
    for (auto& v : out.r) v.assign(frames, 0.0f);
    for (std::size_t pos = 0; pos < frames; pos += 64) {
        rt::RealtimeScope scope;
        if (pos == changeAt) x.setFrequency(1, 2000.0f, false);  // band 1 grows over the tone: +6 dB for it
        float* bl[4];
        float* br[4];
        for (std::size_t k = 0; k < 4; ++k) {
            bl[k] = out.l[k].data() + pos;
            br[k] = out.r[k].data() + pos;
        }
        x.process(in.data() + pos, in.data() + pos, bl, br, 64);
    }
    // A sine of amplitude a at 800 Hz moves at most a 2 pi 800 / fs per sample; the bands' amplitudes change over
    // 20 ms, which adds only a small fraction of that.
    const double sineStep = 0.5 * 2.0 * std::numbers::pi * 800.0 / rate;
    for (std::size_t k = 0; k < 4; ++k) {
        INFO("band " << k);
        CHECK(test::maxStep(out.l[k], changeAt - 2000, frames) < 1.1 * sineStep);
    }
    CHECK(x.frequency(1) == 2000.0f);
    CHECK(x.responseDb(1, 2000.0) == Approx(-6.0206 + lr4Db(true, 2000.0, 120.0, rate)).margin(0.01));
    // 20 ms after the change the glide is over: band 1 holds the tone at its new analytic level.
    const std::size_t from = changeAt + 2400, span = test::wholePeriods(800.0, rate, 0.1);
    const double level = test::toDb(test::toneAmplitude(out.l[1], 800.0, rate, from, from + span) / 0.5);
    CHECK(level == Approx(lr4Db(true, 800.0, 120.0, rate) + lr4Db(false, 800.0, 2000.0, rate)).margin(0.05));
}
