#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "dsp/Gate.h"
#include "support/Signals.h"

using namespace foh;

namespace {
dsp::Gate make(double rate) {
    dsp::Gate g;
    g.prepare(rate);
    g.setThreshold(-40.0f);
    g.setRange(30.0f);
    g.setAttack(1.0f);
    g.setHold(50.0f);
    g.setRelease(100.0f);
    g.setOn(true, true);
    return g;
}
void run(dsp::Gate& g, std::vector<float>& x, const std::vector<float>* key = nullptr) {
    std::vector<float> scratch(3 * 64);
    for (std::size_t pos = 0; pos < x.size(); pos += 64) {
        const int n = static_cast<int>(std::min<std::size_t>(64, x.size() - pos));
        g.process(x.data() + pos, (key ? key->data() : x.data()) + pos, nullptr, scratch.data(), n);
    }
}
}  // namespace

TEST_CASE("the gate closes by its range below threshold and opens above it", "[dsp][gate]") {
    const double rate = 48000.0;
    auto quiet = test::sine(1000.0, rate, 48000, std::pow(10.0, -50.0 / 20.0));
    auto g = make(rate);
    run(g, quiet);
    CHECK(test::toDb(test::toneAmplitude(quiet, 1000.0, rate, 38400, 48000)) == Approx(-50.0 - 30.0).margin(0.1));
    CHECK_FALSE(g.isOpen());

    auto loud = test::sine(1000.0, rate, 48000, std::pow(10.0, -30.0 / 20.0));
    auto g2 = make(rate);
    run(g2, loud);
    CHECK(test::toDb(test::toneAmplitude(loud, 1000.0, rate, 38400, 48000)) == Approx(-30.0).margin(0.01));
    CHECK(g2.isOpen());
}

TEST_CASE("the expander takes (ratio - 1) dB per dB below threshold, down to the range", "[dsp][gate]") {
    const double rate = 48000.0;
    for (double level : {-45.0, -50.0, -70.0}) {
        auto g = make(rate);
        g.setMode(dsp::Gate::ExpanderMode);
        g.setRatio(2.0f);
        auto x = test::sine(1000.0, rate, 48000, std::pow(10.0, level / 20.0));
        run(g, x);
        const double want = level + std::max(-30.0, (level + 40.0) * (2.0 - 1.0));
        CHECK(test::toDb(test::toneAmplitude(x, 1000.0, rate, 38400, 48000)) == Approx(want).margin(0.1));
    }
}

TEST_CASE("hold keeps the gate open after the key falls; then it closes within release", "[dsp][gate]") {
    const double rate = 48000.0;
    auto g = make(rate);
    g.setHold(100.0f);
    std::vector<float> x(96000, 0.0f);
    std::fill(x.begin(), x.begin() + 24000, 0.1f);  // -20 dBFS DC, then a -60 dBFS floor to watch
    std::fill(x.begin() + 24000, x.end(), 0.001f);
    const auto in = x;
    run(g, x);
    auto gainDb = [&](std::size_t i) { return test::toDb(x[i] / in[i]); };
    std::size_t closing = 24000;
    while (gainDb(closing) > -0.01) ++closing;
    const double heldMs = static_cast<double>(closing - 24000) / rate * 1e3;
    // Hold, plus the detector's 5.3 ms look-back window, within a control block.
    CHECK(heldMs >= 100.0);
    CHECK(heldMs <= 100.0 + 5.4 + 0.4);
    std::size_t closed = closing;
    while (gainDb(closed) > -29.99) ++closed;
    CHECK(static_cast<double>(closed - closing) / rate * 1e3 == Approx(100.0).margin(1.0));  // the whole range in release
}

TEST_CASE("opening and closing never step faster than the set attack and release allow", "[dsp][gate]") {
    const double rate = 48000.0;
    auto g = make(rate);
    g.setAttack(5.0f);
    g.setRelease(20.0f);
    g.setHold(0.0f);
    std::vector<float> key(48000, 0.0f);
    std::fill(key.begin() + 12000, key.begin() + 24000, 0.5f);  // the key opens it for 250 ms
    std::vector<float> x(48000, 0.5f);  // DC through the gate shows the gain itself
    run(g, x, &key);
    // Per sample at most (1 - 10^(-step/20)) / 16 of full gain, step = range dB per control block at that rate.
    const double block = 16.0;
    const double openStep = (1.0 - std::pow(10.0, -30.0 * block / (5.0e-3 * rate) / 20.0)) / block * 0.5;
    CHECK(test::maxStep(x, 1, x.size()) <= openStep * 1.01);
    CHECK(x[23999] == 0.5f);
    CHECK(x.back() == Approx(0.5 * std::pow(10.0, -30.0 / 20.0)).epsilon(1e-4));
}

TEST_CASE("the key filter and an external key decide when it opens", "[dsp][gate]") {
    const double rate = 48000.0;
    // The key is a 100 Hz tone at -30 dB: it opens the gate, unless the key filter is tuned to 5 kHz.
    const auto key = test::sine(100.0, rate, 48000, std::pow(10.0, -30.0 / 20.0));
    auto x = test::sine(1000.0, rate, 48000, 0.01);  // -40 dB program, just at threshold on its own
    auto g = make(rate);
    run(g, x, &key);
    CHECK(g.isOpen());
    auto y = test::sine(1000.0, rate, 48000, 0.01);
    auto filtered = make(rate);
    filtered.setKeyFilter(true);
    filtered.setKeyFrequency(5000.0f);
    run(filtered, y, &key);
    CHECK_FALSE(filtered.isOpen());
}
