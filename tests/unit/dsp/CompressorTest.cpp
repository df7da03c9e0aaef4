// The compressor's static curve against the soft-knee formula (written out here), its attack and release time
// constants against the set values, and bypass transparency.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "dsp/Compressor.h"
#include "support/Signals.h"

using namespace foh;

namespace {
// Giannoulis, Massberg & Reiss (2012), eq. 4, as an independent reference.
double curveDb(double x, double t, double r, double w) {
    if (2.0 * (x - t) < -w) return x;
    if (w > 0.0 && 2.0 * std::fabs(x - t) <= w) return x + (1.0 / r - 1.0) * std::pow(x - t + w / 2.0, 2.0) / (2.0 * w);
    return t + (x - t) / r;
}

dsp::Compressor make(double rate, float threshold, float ratio, float knee, int detector) {
    dsp::Compressor c;
    c.prepare(rate);
    c.setThreshold(threshold);
    c.setRatio(ratio);
    c.setKnee(knee);
    c.setAttack(5.0f);
    c.setRelease(50.0f);
    c.setDetector(detector);
    c.setOn(true, true);
    return c;
}

void run(dsp::Compressor& c, std::vector<float>& x) {
    std::vector<float> scratch(3 * 64);
    for (std::size_t pos = 0; pos < x.size(); pos += 64) {
        const int n = static_cast<int>(std::min<std::size_t>(64, x.size() - pos));
        c.process(x.data() + pos, x.data() + pos, nullptr, scratch.data(), n);
    }
}
}  // namespace

TEST_CASE("the static curve from steady tones matches the formula within 0.2 dB", "[dsp][comp]") {
    const double rate = 48000.0;
    struct Setting {
        float threshold, ratio, knee;
    };
    for (const Setting s : {Setting{-20, 4, 0}, Setting{-30, 2, 10}, Setting{-10, 100, 6}, Setting{-24, 8, 24}}) {
        for (double level = -50.0; level <= 0.0; level += 5.0) {
            // Peak detector: a 1 kHz sine reads its peak, so the curve applies to the sine's peak level.
            auto c = make(rate, s.threshold, s.ratio, s.knee, 0);
            const double amp = std::pow(10.0, level / 20.0);
            auto x = test::sine(1000.0, rate, 24000, amp);
            run(c, x);
            const double outDb = test::toDb(test::toneAmplitude(x, 1000.0, rate, 19200, 24000));
            const double ratio = s.ratio >= 100.0f ? 1e9 : s.ratio;
            INFO("T " << s.threshold << " R " << s.ratio << " W " << s.knee << " at " << level << " dB");
            CHECK(outDb == Approx(curveDb(level, s.threshold, ratio, s.knee)).margin(0.2));
            CHECK(level + c.staticGainDb(static_cast<float>(level)) == Approx(curveDb(level, s.threshold, ratio, s.knee)).margin(0.01));
        }
    }
}

TEST_CASE("the RMS detector applies the curve to the RMS level", "[dsp][comp]") {
    const double rate = 48000.0;
    auto c = make(rate, -30.0f, 4.0f, 0.0f, 1);
    auto x = test::sine(1000.0, rate, 48000, std::pow(10.0, -6.0 / 20.0));  // RMS -9.01 dBFS
    run(c, x);
    const double rmsIn = -6.0 - 3.0103;
    const double wantGain = curveDb(rmsIn, -30.0, 4.0, 0.0) - rmsIn;
    CHECK(test::toDb(test::toneAmplitude(x, 1000.0, rate, 38400, 48000)) == Approx(-6.0 + wantGain).margin(0.2));
}

TEST_CASE("attack and release time constants are within 10 % of the set values", "[dsp][comp]") {
    const double rate = 48000.0;
    for (float attackMs : {2.0f, 10.0f, 50.0f}) {
        for (float releaseMs : {50.0f, 200.0f, 800.0f}) {
            auto c = make(rate, -40.0f, 100.0f, 0.0f, 0);  // inf:1, hard knee: reduction = level - threshold
            c.setAttack(attackMs);
            c.setRelease(releaseMs);
            // DC steps: -60 dBFS (no reduction) -> -10 dBFS (30 dB) -> -60 dBFS.
            const std::size_t lowA = 24000, high = 96000, lowB = 192000;
            std::vector<float> x(lowA + high + lowB, 0.001f);
            std::fill(x.begin() + static_cast<long>(lowA), x.begin() + static_cast<long>(lowA + high), 0.316228f);
            const auto in = x;
            run(c, x);
            auto grAt = [&](std::size_t i) { return -test::toDb(x[i] / in[i]); };
            // Attack: time for the reduction to reach 63.2 % of its 30 dB.
            std::size_t i = lowA;
            while (grAt(i) < 0.632 * 30.0) ++i;
            const double attack = static_cast<double>(i - lowA) / rate * 1e3;
            // Release: from 30 dB (reached by the end of the loud part) down to 36.8 % of it.
            std::size_t j = lowA + high;
            while (grAt(j) > 0.368 * grAt(lowA + high - 1)) ++j;
            // The peak detector's 5.3 ms window (16 control blocks) holds the loud level before release can start.
            const double release = static_cast<double>(j - lowA - high) / rate * 1e3 - 16.0 * 16.0 / rate * 1e3;
            INFO("attack set " << attackMs << " measured " << attack << "; release set " << releaseMs << " measured " << release);
            CHECK(attack == Approx(attackMs).epsilon(0.10));
            CHECK(release == Approx(releaseMs).epsilon(0.10));
        }
    }
}

TEST_CASE("makeup and automatic makeup add the documented gain", "[dsp][comp]") {
    auto c = make(48000.0, -20.0f, 4.0f, 0.0f, 0);
    c.setMakeup(6.0f);
    CHECK(c.makeupDb() == 6.0f);
    c.setAutoMakeup(true);
    CHECK(c.makeupDb() == Approx(6.0f + 0.5f * 15.0f));  // 0 dBFS at T -20, 4:1 loses 15 dB; half comes back
}

TEST_CASE("a compressor that is off is bit-transparent, and one below threshold with no makeup too", "[dsp][comp]") {
    auto c = make(48000.0, -10.0f, 4.0f, 0.0f, 0);
    auto x = test::noise(9600, 0.05f);  // far below -10 dBFS with a hard knee
    const auto original = x;
    run(c, x);
    CHECK(x == original);
    c.setOn(false, true);
    auto loud = test::noise(9600, 0.9f);
    const auto loudOriginal = loud;
    run(c, loud);
    CHECK(loud == loudOriginal);
}
