#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "dsp/DeEsser.h"
#include "support/Signals.h"

using namespace foh;

namespace {
// A 500 Hz tone throughout, with a loud 7 kHz burst from 0.5 s to 1.5 s.
std::vector<float> voiceWithSibilant(double rate) {
    auto x = test::sine(500.0, rate, static_cast<std::size_t>(2 * rate), 0.3);
    const auto s = test::sine(7000.0, rate, x.size(), 0.3);
    for (std::size_t i = static_cast<std::size_t>(0.5 * rate); i < static_cast<std::size_t>(1.5 * rate); ++i) x[i] += s[i];
    return x;
}
void run(dsp::DeEsser& d, std::vector<float>& x) {
    std::vector<float> scratch(2 * 64);
    for (std::size_t pos = 0; pos < x.size(); pos += 64)
        d.process(x.data() + pos, scratch.data(), static_cast<int>(std::min<std::size_t>(64, x.size() - pos)));
}
dsp::DeEsser make(double rate, int mode) {
    dsp::DeEsser d;
    d.prepare(rate);
    d.setFrequency(7000.0f);
    d.setThreshold(-40.0f);
    d.setRange(8.0f);
    d.setMode(mode);
    d.setOn(true, true);
    return d;
}
}  // namespace

TEST_CASE("split-band: a 7 kHz burst is reduced by the range and the 500 Hz tone is untouched", "[dsp][deess]") {
    const double rate = 48000.0;
    auto x = voiceWithSibilant(rate);
    const auto in = x;
    auto d = make(rate, dsp::DeEsser::SplitBand);
    run(d, x);
    const std::size_t from = static_cast<std::size_t>(1.0 * rate), to = static_cast<std::size_t>(1.4 * rate);
    const double sibilant = test::toDb(test::toneAmplitude(x, 7000.0, rate, from, to) / test::toneAmplitude(in, 7000.0, rate, from, to));
    const double tone = test::toDb(test::toneAmplitude(x, 500.0, rate, from, to) / test::toneAmplitude(in, 500.0, rate, from, to));
    CHECK(sibilant == Approx(-8.0).margin(0.3));
    CHECK(std::fabs(tone) < 0.05);
    CHECK(d.takeGainReductionDb() == Approx(8.0).margin(0.01));
    // Before the burst nothing is touched at all.
    const std::size_t quietTo = static_cast<std::size_t>(0.45 * rate);
    CHECK(test::toDb(test::toneAmplitude(x, 500.0, rate, 4800, quietTo) / test::toneAmplitude(in, 500.0, rate, 4800, quietTo)) ==
          Approx(0.0).margin(0.01));
}

TEST_CASE("wide-band: the whole signal goes down by the range during the burst", "[dsp][deess]") {
    const double rate = 48000.0;
    auto x = voiceWithSibilant(rate);
    const auto in = x;
    auto d = make(rate, dsp::DeEsser::WideBand);
    run(d, x);
    const std::size_t from = static_cast<std::size_t>(1.0 * rate), to = static_cast<std::size_t>(1.4 * rate);
    CHECK(test::toDb(test::toneAmplitude(x, 500.0, rate, from, to) / test::toneAmplitude(in, 500.0, rate, from, to)) ==
          Approx(-8.0).margin(0.3));
}

TEST_CASE("listen plays the detector band; off is bit-transparent", "[dsp][deess]") {
    const double rate = 48000.0;
    auto x = voiceWithSibilant(rate);
    auto d = make(rate, dsp::DeEsser::SplitBand);
    d.setListen(true);
    run(d, x);
    const std::size_t from = static_cast<std::size_t>(1.0 * rate), to = static_cast<std::size_t>(1.4 * rate);
    CHECK(test::toneAmplitude(x, 7000.0, rate, from, to) > 10.0 * test::toneAmplitude(x, 500.0, rate, from, to));

    auto y = voiceWithSibilant(rate);
    const auto original = y;
    auto off = make(rate, dsp::DeEsser::SplitBand);
    off.setOn(false, true);
    run(off, y);
    CHECK(y == original);
}
