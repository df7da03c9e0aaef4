// The high-pass against the analytic Butterworth magnitude |H|^2 = 1 / (1 + (fc/f)^(2n)), measured through process().
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "dsp/HighPass.h"
#include "support/Signals.h"

using namespace foh;

namespace {
double measuredGainDb(double fc, int slope, double f, double rate) {
    dsp::HighPass hpf;
    hpf.prepare(rate);
    hpf.setSlope(slope);
    hpf.setFrequency(static_cast<float>(fc), true);
    hpf.setOn(true, true);
    const std::size_t settle = static_cast<std::size_t>(rate * 0.5);
    const std::size_t span = test::wholePeriods(f, rate, 0.5);
    auto x = test::sine(f, rate, settle + span, 0.5);
    std::vector<float> scratch(x.size());
    hpf.process(x.data(), scratch.data(), static_cast<int>(x.size()));
    return test::toDb(test::toneAmplitude(x, f, rate, settle, settle + span) / 0.5);
}
double butterworthDb(double fc, int order, double f) { return -10.0 * std::log10(1.0 + std::pow(fc / f, 2.0 * order)); }
}  // namespace

TEST_CASE("the high-pass is -3 dB at its corner and follows Butterworth at 12, 18 and 24 dB/oct", "[dsp][hpf]") {
    const double rate = 48000.0;
    for (int slope : {0, 1, 2}) {
        const int order = 2 + slope;
        for (double fc : {40.0, 100.0, 400.0}) {
            INFO("order " << order << ", corner " << fc << " Hz");
            CHECK(measuredGainDb(fc, slope, fc, rate) == Approx(-3.0103).margin(0.1));
            for (double ratio : {0.25, 0.5, 2.0, 4.0, 16.0}) {
                const double f = fc * ratio;
                INFO("at " << f << " Hz");
                CHECK(measuredGainDb(fc, slope, f, rate) == Approx(butterworthDb(fc, order, f)).margin(0.1));
            }
        }
    }
}

TEST_CASE("well below the corner the slope is 6 dB/oct per order", "[dsp][hpf]") {
    for (int slope : {0, 1, 2}) {
        const double perOctave = measuredGainDb(400.0, slope, 50.0, 48000.0) - measuredGainDb(400.0, slope, 25.0, 48000.0);
        CHECK(perOctave == Approx(6.0 * (2 + slope)).margin(0.15));
    }
}

TEST_CASE("the high-pass responseDb is the curve process() produces", "[dsp][hpf]") {
    dsp::HighPass hpf;
    hpf.prepare(48000.0);
    hpf.setFrequency(120.0f, true);
    hpf.setSlope(1);
    hpf.setOn(true, true);
    for (double f : {30.0, 120.0, 500.0}) CHECK(hpf.responseDb(f) == Approx(measuredGainDb(120.0, 1, f, 48000.0)).margin(0.05));
}

TEST_CASE("a high-pass that is off is bit-transparent", "[dsp][hpf]") {
    dsp::HighPass hpf;
    hpf.prepare(48000.0);
    hpf.setFrequency(300.0f, true);
    auto x = test::noise(4096, 0.5f);
    const auto original = x;
    std::vector<float> scratch(x.size());
    hpf.process(x.data(), scratch.data(), 4096);
    CHECK(x == original);
}
