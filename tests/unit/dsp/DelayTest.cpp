#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "dsp/Delay.h"
#include "support/Signals.h"

using namespace foh;

namespace {
void run(dsp::Delay& d, std::vector<float>& x, int block = 64) {
    std::vector<float> scratch(static_cast<std::size_t>(block));
    for (std::size_t pos = 0; pos < x.size(); pos += static_cast<std::size_t>(block))
        d.process(x.data() + pos, scratch.data(), static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(block), x.size() - pos)));
}
}  // namespace

TEST_CASE("the delay is exactly the set time in whole samples", "[dsp][delay]") {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (float ms : {0.0f, 0.5f, 3.7f, 125.0f, 500.0f}) {
            dsp::Delay d;
            d.prepare(rate, 64);
            d.setMilliseconds(ms, true);
            d.setOn(true, true);
            const auto expected = static_cast<std::size_t>(std::lround(ms * 1e-3 * rate));
            const auto x0 = test::noise(expected + 1000, 0.5f);
            auto x = x0;
            run(d, x);
            INFO(ms << " ms at " << rate);
            CHECK(d.delaySamples() == static_cast<int>(expected));
            for (std::size_t i = 0; i < expected; ++i) REQUIRE(x[i] == 0.0f);
            for (std::size_t i = expected; i < x.size(); ++i) REQUIRE(x[i] == x0[i - expected]);
        }
    }
}

TEST_CASE("changing the delay time crossfades without a click", "[dsp][delay]") {
    const double rate = 48000.0;
    dsp::Delay d;
    d.prepare(rate, 64);
    d.setMilliseconds(10.0f, true);
    d.setOn(true, true);
    auto x = test::sine(300.0, rate, 48000, 0.5);
    std::vector<float> scratch(64);
    for (std::size_t pos = 0; pos < x.size(); pos += 64) {
        if (pos == 9600) d.setMilliseconds(37.3f, false);
        if (pos == 19200) d.setMilliseconds(0.0f, false);
        if (pos == 19200 + 128) d.setMilliseconds(250.0f, false);  // during a crossfade
        d.process(x.data() + pos, scratch.data(), 64);
    }
    // A crossfade between two 300 Hz sines of amplitude 0.5 moves at most the sines' slope plus 1/480 of their gap.
    const double slope = 0.5 * 2.0 * std::numbers::pi * 300.0 / rate;
    CHECK(test::maxStep(x, 1, x.size()) <= slope + 1.0 / 480.0 + 1e-6);
}

TEST_CASE("a delay that is off is bit-transparent and keeps its line filled", "[dsp][delay]") {
    dsp::Delay d;
    d.prepare(48000.0, 64);
    d.setMilliseconds(1.0f, true);
    auto x = test::noise(4800, 0.5f);
    const auto original = x;
    run(d, x);
    CHECK(x == original);
}
