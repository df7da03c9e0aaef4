// The EQ against the analytic responses of its analog prototypes (cookbook forms) under the bilinear transform:
// the digital response at f equals the prototype's at Omega = tan(pi f / fs) / tan(pi f0 / fs). The reference is
// written here independently of engine/dsp/FilterDesign.cpp and compared with what process() does to sines.
#include <catch2/catch.hpp>

#include <complex>
#include <vector>

#include "dsp/ParametricEq.h"
#include "support/Signals.h"

using namespace foh;
using dsp::FilterShape;
using cd = std::complex<double>;

namespace {
double prototypeDb(FilterShape shape, double f0, double gainDb, double q, double f, double rate) {
    const double omega = std::tan(std::numbers::pi * f / rate) / std::tan(std::numbers::pi * f0 / rate);
    const cd s(0.0, omega);
    const double A = std::pow(10.0, gainDb / 40.0);
    const double sa = std::sqrt(A);
    cd h;
    switch (shape) {
        case FilterShape::Peak: h = (s * s + s * (A / q) + 1.0) / (s * s + s / (A * q) + 1.0); break;
        case FilterShape::LowShelf: h = A * (s * s + (sa / q) * s + A) / (A * s * s + (sa / q) * s + 1.0); break;
        case FilterShape::HighShelf: h = A * (A * s * s + (sa / q) * s + 1.0) / (s * s + (sa / q) * s + A); break;
        case FilterShape::LowCut: h = s * s / (s * s + s / q + 1.0); break;
        case FilterShape::HighCut: h = 1.0 / (s * s + s / q + 1.0); break;
        case FilterShape::BandPass: h = (s / q) / (s * s + s / q + 1.0); break;
    }
    return 20.0 * std::log10(std::abs(h));
}

double measuredDb(dsp::ParametricEq& eq, double f, double rate) {
    eq.reset();
    const std::size_t settle = static_cast<std::size_t>(rate * 0.25);
    const std::size_t span = test::wholePeriods(f, rate, 0.25);
    auto x = test::sine(f, rate, settle + span, 0.25);
    std::vector<float> scratch(2 * x.size());
    eq.process(x.data(), scratch.data(), static_cast<int>(x.size()));
    return test::toDb(test::toneAmplitude(x, f, rate, settle, settle + span) / 0.25);
}
}  // namespace

TEST_CASE("every EQ type matches its analytic response within 0.05 dB from 20 Hz to 20 kHz at 44.1, 48 and 96 kHz",
          "[dsp][eq]") {
    struct Case {
        int band;
        int type;  // the registry's choice index for that band
        FilterShape shape;
        double f0, gain, q;
    };
    const Case cases[] = {
        {0, 0, FilterShape::LowShelf, 120.0, 9.0, 0.707},  {1, 1, FilterShape::Peak, 1000.0, -12.0, 2.0},
        {2, 1, FilterShape::Peak, 3150.0, 6.0, 0.5},       {3, 2, FilterShape::HighShelf, 8000.0, -6.0, 0.707},
        {0, 3, FilterShape::LowCut, 150.0, 0.0, 0.707},    {3, 3, FilterShape::HighCut, 6000.0, 0.0, 1.2},
        {1, 0, FilterShape::LowShelf, 400.0, -15.0, 1.0},  {2, 2, FilterShape::HighShelf, 2500.0, 15.0, 0.4},
    };
    const double freqs[] = {20, 45, 100, 220, 500, 1000, 2200, 4700, 10000, 15000, 20000};
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (const Case& c : cases) {
            dsp::ParametricEq eq;
            eq.prepare(rate);
            eq.setOn(true, true);
            for (int b = 0; b < 4; ++b) eq.setBandOn(b, b == c.band, true);
            eq.setBandShape(c.band, c.shape);
            eq.setBandFrequency(c.band, static_cast<float>(c.f0), true);
            eq.setBandGain(c.band, static_cast<float>(c.gain), true);
            eq.setBandQ(c.band, static_cast<float>(c.q), true);
            for (double f : freqs) {
                if (f >= 0.49 * rate) continue;
                const double want = prototypeDb(c.shape, c.f0, c.gain, c.q, f, rate);
                if (want < -60.0) continue;  // deep in a cut's stopband the sine measurement is noise-bound
                INFO("rate " << rate << ", band " << c.band + 1 << " type " << c.type << ", f0 " << c.f0 << ", at " << f);
                CHECK(measuredDb(eq, f, rate) == Approx(want).margin(0.05));
                CHECK(eq.bandResponseDb(c.band, f) == Approx(want).margin(0.05));  // the curve the GUI draws
            }
        }
    }
}

TEST_CASE("band gain 0 dB, a band off and the EQ off are bit-transparent", "[dsp][eq]") {
    dsp::ParametricEq eq;
    eq.prepare(48000.0);
    eq.setOn(true, true);
    for (int b = 0; b < 4; ++b) eq.setBandOn(b, true, true);  // every band in, all at 0 dB (peaks and shelves)
    auto x = test::noise(8192, 0.8f);
    const auto original = x;
    std::vector<float> scratch(2 * x.size());
    eq.process(x.data(), scratch.data(), 8192);
    CHECK(x == original);
    eq.setBandGain(1, 6.0f, true);
    eq.setBandOn(1, false, true);
    eq.process(x.data(), scratch.data(), 8192);
    CHECK(x == original);
    eq.setBandOn(1, true, true);
    eq.setOn(false, true);
    eq.process(x.data(), scratch.data(), 8192);
    CHECK(x == original);
}

TEST_CASE("sweeping EQ gain and frequency does not zip", "[dsp][eq]") {
    // A 200 Hz sine through a band swept in big jumps: no step larger than the sine's own, scaled by the largest gain.
    const double rate = 48000.0;
    dsp::ParametricEq eq;
    eq.prepare(rate);
    eq.setOn(true, true);
    eq.setBandShape(1, FilterShape::Peak);
    eq.setBandFrequency(1, 200.0f, true);
    eq.setBandQ(1, 1.0f, true);
    eq.setBandGain(1, 0.0f, true);
    const auto x = test::sine(200.0, rate, 48000, 0.5);
    std::vector<float> y(x.size()), scratch(2 * 64);
    const double sineStep = 0.5 * 2.0 * std::numbers::pi * 200.0 / rate;
    for (std::size_t pos = 0; pos < x.size(); pos += 64) {
        const std::size_t block = pos / 64;
        if (block % 40 == 0) eq.setBandGain(1, block % 80 == 0 ? 15.0f : -15.0f, false);
        if (block % 60 == 0) eq.setBandFrequency(1, block % 120 == 0 ? 2000.0f : 100.0f, false);
        std::copy_n(x.begin() + static_cast<long>(pos), 64, y.begin() + static_cast<long>(pos));
        eq.process(y.data() + pos, scratch.data(), 64);
    }
    const double maxGain = std::pow(10.0, 15.0 / 20.0);
    CHECK(test::maxStep(y, 1, y.size()) <= sineStep * maxGain * 1.2);
}
