// The oversampler measured with sines: the passband through up then down (gain against the input, tone by tone),
// the stopband as the images the upsampler leaves and the aliases the downsampler lets fold back (each tone placed
// on a DFT bin of the span, so a single-bin DFT measures it with no leakage down to float noise), the latency with
// an impulse, and linear phase as the symmetry of that impulse's response.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "dsp/Oversampler.h"
#include "rt/Realtime.h"
#include "support/Signals.h"

using namespace foh;

namespace {
constexpr int kBlock = 256;
constexpr int kFactors[] = {2, 4, 8};
constexpr double kRates[] = {44100.0, 48000.0, 96000.0};

/// An oversampler by `factor` prepared for `rate` and blocks of kBlock.
dsp::Oversampler prepared(double rate, int factor) {
    dsp::Oversampler os;
    os.prepare(rate, kBlock, factor);
    return os;
}

/// Base-rate samples to skip before measuring: twice the round-trip latency, past the filters' start-up transient.
std::size_t settled(const dsp::Oversampler& os) { return 2 * static_cast<std::size_t>(os.latency()); }

/// Up then down, the same signal in both channels; returns the left output (the right is checked equal).
std::vector<float> roundTrip(dsp::Oversampler& os, const std::vector<float>& x, int block = kBlock) {
    std::vector<float> l = x, r = x;
    for (std::size_t pos = 0; pos < x.size(); pos += static_cast<std::size_t>(block)) {
        const int n = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(block), x.size() - pos));
        rt::RealtimeScope scope;
        os.upsample(l.data() + pos, r.data() + pos, n);
        os.downsample(l.data() + pos, r.data() + pos, n);
    }
    REQUIRE(l == r);
    return l;
}

/// Up only: the oversampled left channel.
std::vector<float> upOnly(dsp::Oversampler& os, const std::vector<float>& x) {
    const auto f = static_cast<std::size_t>(os.factor());
    std::vector<float> out(x.size() * f);
    for (std::size_t pos = 0; pos < x.size(); pos += kBlock) {
        const int n = static_cast<int>(std::min<std::size_t>(kBlock, x.size() - pos));
        rt::RealtimeScope scope;
        os.upsample(x.data() + pos, x.data() + pos, n);
        std::copy(os.oversampled(0), os.oversampled(0) + static_cast<std::size_t>(n) * f, out.begin() + static_cast<std::ptrdiff_t>(pos * f));
    }
    return out;
}

/// Down only: `hi` (at the oversampled rate) put straight into the oversampled buffers.
std::vector<float> downOnly(dsp::Oversampler& os, const std::vector<float>& hi) {
    const auto f = static_cast<std::size_t>(os.factor());
    std::vector<float> l(hi.size() / f), r(hi.size() / f);
    for (std::size_t pos = 0; pos < l.size(); pos += kBlock) {
        const int n = static_cast<int>(std::min<std::size_t>(kBlock, l.size() - pos));
        const auto* from = hi.data() + pos * f;
        std::copy(from, from + static_cast<std::size_t>(n) * f, os.oversampled(0));
        std::copy(from, from + static_cast<std::size_t>(n) * f, os.oversampled(1));
        rt::RealtimeScope scope;
        os.downsample(l.data() + pos, r.data() + pos, n);
    }
    return l;
}

std::vector<float> tone(double freq, double rate, std::size_t frames, double peak) { return test::sine(freq, rate, frames, peak); }

/// Amplitude at `freq` over [from, from + span): exact for tones on a bin of the span (a whole number of periods).
double amplitude(const std::vector<float>& x, double freq, double rate, std::size_t from, std::size_t span) {
    return test::toneAmplitude(x, freq, rate, from, from + span);
}
}  // namespace

TEST_CASE("up then down is flat within 0.01 dB from 10 Hz to 20 kHz at 48 kHz (and to 0.4167 fs at 44.1 and 96 kHz)",
          "[dsp][oversampler]") {
    for (int factor : kFactors) {
        for (double rate : kRates) {
            auto os = prepared(rate, factor);
            // Tones on the bins of a span of `span` samples (rate / span Hz apart), up to the flat band's edge.
            const std::size_t span = static_cast<std::size_t>(rate / 10.0);  // 10 Hz bins
            const std::size_t skip = settled(os);
            double lo = 1e9, hi = -1e9, worstAt = 0.0;
            // Every two octaves from 10 Hz, then closer together towards the edge, where the ripple is largest.
            for (double at48 : {10.0, 40.0, 160.0, 640.0, 2560.0, 6000.0, 10000.0, 14000.0, 17000.0, 18500.0, 19300.0,
                                19700.0, 19900.0, 20000.0}) {
                const double f = std::max(10.0, std::floor(at48 / 48000.0 * rate / 10.0) * 10.0);  // on a 10 Hz bin
                const auto x = tone(f, rate, skip + span, 0.5);
                const auto y = roundTrip(os, x);
                const double db = test::toDb(amplitude(y, f, rate, skip, span) / 0.5);
                if (std::fabs(db) > std::max(std::fabs(lo), std::fabs(hi))) worstAt = f;
                lo = std::min(lo, db);
                hi = std::max(hi, db);
                os.reset();
            }
            INFO(factor << "x at " << rate << " Hz: gain from " << lo << " to " << hi << " dB (largest at " << worstAt << " Hz)");
            CHECK(lo >= -0.01);
            CHECK(hi <= 0.01);
        }
    }
}

TEST_CASE("the upsampler's images of in-band tones are at least 90 dB down", "[dsp][oversampler]") {
    const double rate = 48000.0;
    for (int factor : kFactors) {
        auto os = prepared(rate, factor);
        const double hiRate = rate * factor;
        const std::size_t span = 4800;  // 10 Hz bins at the base rate, the same bins at the high rate
        const std::size_t skip = settled(os);
        double worst = -1e9, worstTone = 0.0, worstImage = 0.0;
        for (double f : {1000.0, 7000.0, 15000.0, 19000.0, 20000.0}) {
            os.reset();
            const auto hi = upOnly(os, tone(f, rate, skip + span, 0.5));
            const auto from = skip * static_cast<std::size_t>(factor), hiSpan = span * static_cast<std::size_t>(factor);
            const double a = amplitude(hi, f, hiRate, from, hiSpan);
            CHECK(test::toDb(a / 0.5) == Approx(0.0).margin(0.01));
            // The images: k fs +- f for every k up to the high rate's Nyquist.
            for (int k = 1; k <= factor / 2; ++k)
                for (double image : {k * rate - f, k * rate + f}) {
                    if (image >= hiRate / 2.0) continue;
                    const double db = test::toDb(amplitude(hi, image, hiRate, from, hiSpan) / a);
                    if (db > worst) worst = db, worstTone = f, worstImage = image;
                }
        }
        INFO(factor << "x: worst image " << worst << " dB (" << worstImage << " Hz, of a tone at " << worstTone << " Hz)");
        CHECK(worst <= -90.0);
    }
}

TEST_CASE("the downsampler folds nothing back from above fs - 20 kHz louder than -90 dB", "[dsp][oversampler]") {
    const double rate = 48000.0;
    for (int factor : kFactors) {
        auto os = prepared(rate, factor);
        const double hiRate = rate * factor;
        const std::size_t span = 4800;
        const std::size_t skip = settled(os);
        double worst = -1e9, worstTone = 0.0;
        // Tones from the stopband's edge (28 kHz) to the high rate's Nyquist, where the saturator's harmonics land.
        for (double f = 28000.0; f < hiRate / 2.0; f += factor == 2 ? 4000.0 : 9970.0) {
            os.reset();
            const auto hi = tone(f, hiRate, (skip + span) * static_cast<std::size_t>(factor), 0.5);
            const auto y = downOnly(os, hi);
            double folded = std::fmod(f, rate);
            if (folded > rate / 2.0) folded = rate - folded;
            const double db = test::toDb(amplitude(y, folded, rate, skip, span) / 0.5);
            if (db > worst) worst = db, worstTone = f;
        }
        INFO(factor << "x: worst alias " << worst << " dB (a tone at " << worstTone << " Hz)");
        CHECK(worst <= -90.0);
    }
}

TEST_CASE("an impulse comes out of up then down exactly latency() samples later, with a symmetric response",
          "[dsp][oversampler]") {
    for (int factor : kFactors) {
        for (double rate : kRates) {
            auto os = prepared(rate, factor);
            const int latency = os.latency();
            std::vector<float> x(1024, 0.0f);
            x[100] = 1.0f;
            const auto y = roundTrip(os, x, 37);  // an odd block size on purpose
            const auto peak = static_cast<std::size_t>(std::max_element(y.begin(), y.end(), [](float a, float b) {
                                                         return std::fabs(a) < std::fabs(b);
                                                     }) - y.begin());
            INFO(factor << "x at " << rate << " Hz: latency() " << latency << ", peak at " << peak - 100);
            CHECK(peak == 100 + static_cast<std::size_t>(latency));
            CHECK(y[peak] > 0.9f);  // the area under |H|^2: a little under 1 (the band ends at about fs / 2)
            // Linear phase: the response is symmetric about its peak (to float rounding).
            double asym = 0.0;
            for (std::size_t k = 1; k <= static_cast<std::size_t>(latency); ++k)
                asym = std::max(asym, static_cast<double>(std::fabs(y[peak + k] - y[peak - k])));
            CHECK(asym < 1e-6);
            // Nothing before the response begins (the filter is causal and latency() samples long each side).
            for (std::size_t i = 0; i < 100; ++i) REQUIRE(y[i] == 0.0f);

            // Up only: the oversampled impulse peaks F upLatency() high-rate samples after the input's.
            os.reset();
            const auto hi = upOnly(os, x);
            const auto hiPeak = static_cast<std::size_t>(std::max_element(hi.begin(), hi.end()) - hi.begin());
            CHECK(os.upLatency() * 2 == latency);
            CHECK(hiPeak == (100 + static_cast<std::size_t>(os.upLatency())) * static_cast<std::size_t>(factor));
        }
    }
}

TEST_CASE("the block size does not change the oversampler's output", "[dsp][oversampler]") {
    dsp::Oversampler a, b;
    a.prepare(48000.0, 512, 4);
    b.prepare(48000.0, 512, 4);
    const auto x = test::noise(6000, 0.5f);
    CHECK(roundTrip(a, x, 512) == roundTrip(b, x, 19));
}
