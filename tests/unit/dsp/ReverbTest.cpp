// The reverb measured from its output alone: RT60 by Schroeder backward integration (ISO 3382's T20/T30), the
// pre-delay against a shifted copy of the response, the mix against the unit's own dry and wet, L/R correlation,
// stability under noise and the size of sample-to-sample steps against Bernstein's bound for band-limited signals.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>
#include <utility>
#include <vector>

#include "dsp/Reverb.h"
#include "rt/Realtime.h"
#include "support/EffectContracts.h"
#include "support/Signals.h"
#include "support/Stereo.h"

using namespace foh;

namespace {
using test::impulse;
using test::Stereo;

struct Settings {
    float preDelayMs = 0.0f;
    float decay = 2.0f;
    float damping = 0.0f;
    float size = 0.5f;
    float mix = 100.0f;
};

dsp::Reverb makeReverb(double rate, const Settings& s, int block = 256) {
    dsp::Reverb rv;
    rv.setPreDelayMs(s.preDelayMs);
    rv.setDecaySeconds(s.decay);
    rv.setDamping(s.damping);
    rv.setSize(s.size);
    rv.setMix(s.mix);
    rv.prepare(rate, block);  // set before prepare: starts on these values, no ramp
    return rv;
}

Stereo render(dsp::Reverb& rv, const std::vector<float>& x) { return test::renderMonoToStereo(rv, x); }

/// RT60 from the energy decay curve (Schroeder's backward integral of h^2), by a least-squares line through the
/// part between `topDb` and `bottomDb`, extrapolated to -60 dB.
double measuredRt60(const std::vector<float>& h, double rate, double topDb, double bottomDb) {
    std::vector<double> edc(h.size());
    double acc = 0.0;
    for (std::size_t i = h.size(); i-- > 0;) {
        acc += static_cast<double>(h[i]) * h[i];
        edc[i] = acc;
    }
    double st = 0.0, sd = 0.0, stt = 0.0, std_ = 0.0, count = 0.0;
    for (std::size_t i = 0; i < h.size(); ++i) {
        const double db = 10.0 * std::log10(edc[i] / edc[0]);
        if (db > topDb) continue;
        if (db < bottomDb) break;
        const double t = static_cast<double>(i) / rate;
        st += t, sd += db, stt += t * t, std_ += t * db, count += 1.0;
    }
    const double slope = (count * std_ - st * sd) / (count * stt - st * st);  // dB per second
    return -60.0 / slope;
}

/// Normalized cross-correlation of a and b over [from, to) at `lag` (b shifted by lag).
double correlation(const std::vector<float>& a, const std::vector<float>& b, std::size_t from, std::size_t to, int lag) {
    double ab = 0.0, aa = 0.0, bb = 0.0;
    for (std::size_t i = from; i < to; ++i) {
        const double x = a[i], y = b[static_cast<std::size_t>(static_cast<long>(i) + lag)];
        ab += x * y, aa += x * x, bb += y * y;
    }
    return ab / std::sqrt(aa * bb);
}

/// "Noise" with nothing above `top` Hz: a sum of random-phase sines between 40 Hz and `top`, faded in over 50 ms
/// with a raised cosine so the start adds no broadband burst.
std::vector<float> bandLimitedNoise(double rate, std::size_t frames, double top) {
    std::mt19937 gen(7);
    std::uniform_real_distribution<double> freq(40.0, top), phase(0.0, 2.0 * std::numbers::pi);
    std::vector<double> f(16), p(16);
    for (std::size_t k = 0; k < f.size(); ++k) f[k] = freq(gen), p[k] = phase(gen);
    std::vector<float> x(frames);
    const double fade = 0.05 * rate;
    for (std::size_t i = 0; i < frames; ++i) {
        double s = 0.0;
        for (std::size_t k = 0; k < f.size(); ++k) s += std::sin(2.0 * std::numbers::pi * f[k] * static_cast<double>(i) / rate + p[k]);
        const double env = static_cast<double>(i) < fade ? 0.5 - 0.5 * std::cos(std::numbers::pi * static_cast<double>(i) / fade) : 1.0;
        x[i] = static_cast<float>(0.05 * s * env);
    }
    return x;
}
}  // namespace

TEST_CASE("with no damping the tail falls 60 dB in the set decay time (T20 and T30 within 10 %)", "[dsp][reverb]") {
    rt::ScopedFlushDenormals ftz;
    struct Case {
        double rate;
        float rt60;
        float size;
    };
    for (const Case c : {Case{48000.0, 0.5f, 0.5f}, Case{48000.0, 1.5f, 0.5f}, Case{48000.0, 3.0f, 0.5f},
                         Case{96000.0, 1.5f, 0.5f}, Case{48000.0, 1.5f, 0.0f}, Case{48000.0, 1.5f, 1.0f},
                         Case{44100.0, 10.0f, 1.0f}}) {
        Settings s{.decay = c.rt60, .size = c.size};
        dsp::Reverb rv = makeReverb(c.rate, s);
        // Long enough that the truncation of the integral is 60 dB down: it moves the -35 dB point by < 0.1 %.
        const auto out = render(rv, impulse(static_cast<std::size_t>((1.1 * c.rt60 + 0.2) * c.rate)));
        for (const std::vector<float>* h : {&out.l, &out.r}) {
            const double t20 = measuredRt60(*h, c.rate, -5.0, -25.0);
            const double t30 = measuredRt60(*h, c.rate, -5.0, -35.0);
            INFO(c.rate << " Hz, size " << c.size << ", set " << c.rt60 << " s: T20 " << t20 << " s, T30 " << t30 << " s ("
                        << (h == &out.l ? "L" : "R") << ")");
            CHECK(t20 == Approx(c.rt60).epsilon(0.10));
            CHECK(t30 == Approx(c.rt60).epsilon(0.10));
        }
    }
}

TEST_CASE("damping keeps the low-frequency decay and shortens the high", "[dsp][reverb]") {
    rt::ScopedFlushDenormals ftz;
    const double rate = 48000.0;
    const auto bands = [rate](float damping) {
        Settings s{.decay = 3.0f, .damping = damping};
        dsp::Reverb rv = makeReverb(rate, s);
        const auto out = render(rv, impulse(static_cast<std::size_t>(3.5 * rate)));
        // The two bands of the response, split by second-order sections designed here (cookbook low-pass at 250 Hz,
        // high-pass at 8 kHz, Q 0.707), run in double.
        const auto filtered = [&](bool high, double fc) {
            const double w = 2.0 * std::numbers::pi * fc / rate, alpha = std::sin(w) / (2.0 * std::sqrt(0.5)), c = std::cos(w);
            const double a0 = 1.0 + alpha;
            const double b0 = (high ? (1.0 + c) : (1.0 - c)) / 2.0 / a0, b1 = (high ? -(1.0 + c) : (1.0 - c)) / a0;
            const double a1 = -2.0 * c / a0, a2 = (1.0 - alpha) / a0;
            std::vector<float> y(out.l.size());
            double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
            for (std::size_t i = 0; i < y.size(); ++i) {
                const double x = out.l[i];
                const double v = b0 * x + b1 * x1 + b0 * x2 - a1 * y1 - a2 * y2;
                x2 = x1, x1 = x, y2 = y1, y1 = v;
                y[i] = static_cast<float>(v);
            }
            return y;
        };
        return std::pair{measuredRt60(filtered(false, 250.0), rate, -5.0, -25.0),
                         measuredRt60(filtered(true, 8000.0), rate, -5.0, -25.0)};
    };
    const auto [lowFlat, highFlat] = bands(0.0f);
    const auto [lowDamped, highDamped] = bands(1.0f);
    INFO("damping 0: " << lowFlat << " s below 250 Hz, " << highFlat << " s above 8 kHz; damping 1: " << lowDamped
                       << " s, " << highDamped << " s");
    CHECK(lowFlat == Approx(3.0).epsilon(0.10));
    CHECK(highFlat == Approx(3.0).epsilon(0.10));
    CHECK(lowDamped == Approx(3.0).epsilon(0.15));  // a 2 kHz one-pole still takes a little off at 250 Hz
    CHECK(highDamped < 0.2 * 3.0);
}

TEST_CASE("nothing comes out before the pre-delay, and then the response without it, moved by it", "[dsp][reverb]") {
    for (double rate : {48000.0, 96000.0}) {
        for (float ms : {37.3f, 200.0f}) {
            const auto delay = static_cast<std::size_t>(std::lround(ms * 1e-3 * rate));
            Settings s;
            dsp::Reverb none = makeReverb(rate, s);
            s.preDelayMs = ms;
            dsp::Reverb late = makeReverb(rate, s);
            INFO(ms << " ms at " << rate);
            CHECK(late.preDelaySamples() == static_cast<int>(delay));
            const auto frames = static_cast<std::size_t>(0.5 * rate);
            const auto ref = render(none, impulse(frames));
            const auto out = render(late, impulse(frames));
            for (std::size_t i = 0; i < delay; ++i) REQUIRE((out.l[i] == 0.0f && out.r[i] == 0.0f));
            for (std::size_t i = delay; i < frames; ++i) REQUIRE((out.l[i] == ref.l[i - delay] && out.r[i] == ref.r[i - delay]));
            CHECK(test::peak(ref.l, 0, frames - delay) > 0.01);  // and there is a response to compare
        }
    }
}

TEST_CASE("mix 0 is the dry input exactly, 100 is wet only, 50 is half of each", "[dsp][reverb]") {
    const double rate = 48000.0;
    const auto x = test::noise(24000, 0.5f);
    const auto [d, w, h] = test::renderAtMixes([&](float mix) { return makeReverb(rate, Settings{.mix = mix}); }, x);
    CHECK(d.l == x);
    CHECK(d.r == x);

    CHECK(w.l[0] == 0.0f);  // the input itself never reaches a wet output
    CHECK(std::max(test::halfMixError(h.l, x, w.l), test::halfMixError(h.r, x, w.r)) < 1e-6);
}

TEST_CASE("left and right are decorrelated in the tail", "[dsp][reverb]") {
    const double rate = 48000.0;
    for (float damping : {0.0f, 0.5f}) {
        Settings s{.damping = damping};
        dsp::Reverb rv = makeReverb(rate, s);
        const auto out = render(rv, impulse(static_cast<std::size_t>(1.1 * rate)));
        // From 100 ms (past the first arrivals) to 1 s, at every lag within +-1 ms.
        double worst = 0.0;
        for (int lag = -48; lag <= 48; ++lag)
            worst = std::max(worst, std::fabs(correlation(out.l, out.r, 4800, 48000, lag)));
        INFO("damping " << damping << ": largest |normalized cross-correlation| " << worst);
        CHECK(worst < 0.2);
        CHECK(correlation(out.l, out.l, 4800, 48000, 0) == Approx(1.0));  // (the measure itself)
    }
}

TEST_CASE("30 s of noise at the longest decay and largest size stays finite and does not build up", "[dsp][reverb]") {
    const double rate = 48000.0;
    Settings s{.decay = dsp::Reverb::kMaxDecaySeconds, .size = 1.0f};
    dsp::Reverb rv = makeReverb(rate, s);
    const auto x = test::noise(static_cast<std::size_t>(30.0 * rate), 0.5f, 3);
    const auto out = render(rv, x);
    bool finite = true;
    for (std::size_t i = 0; i < x.size(); ++i) finite = finite && std::isfinite(out.l[i]) && std::isfinite(out.r[i]);
    CHECK(finite);
    // Steady noise in, steady level out: a loop gain at or above 1 would grow without end. After 3 RT60s the level
    // has settled; seconds 20-25 and 25-30 agree within 1 dB, and the peak is within 24 dB of the input's.
    const auto s5 = static_cast<std::size_t>(5.0 * rate);
    for (const std::vector<float>* y : {&out.l, &out.r}) {
        const double a = test::rms(*y, 4 * s5, 5 * s5), b = test::rms(*y, 5 * s5, 6 * s5);
        INFO("RMS " << test::toDb(a) << " dBFS then " << test::toDb(b) << " dBFS, input " << test::toDb(test::rms(x, 0, x.size())));
        CHECK(std::fabs(test::toDb(b / a)) < 1.0);
        CHECK(test::peak(*y, 0, y->size()) < 0.5 * 16.0);
    }
}

TEST_CASE("size, decay, damping and pre-delay changes while noise plays do not click", "[dsp][reverb]") {
    // A click is a step. Bernstein's inequality bounds the slope of any signal with nothing above B Hz by
    // 2 pi B times its peak, so a sample-to-sample step is at most 2 pi B / fs times the peak. The input has nothing
    // above 250 Hz (its 50 ms fade-in adds ~20 Hz); the reverb is linear, so while settings stand still its output
    // has nothing above 270 Hz either. The 20 ms crossfades and ramps multiply by something changing at 1/960 per
    // sample (~50 Hz of spread); B = 350 Hz covers all of it. A tap jumping or a loop gain stepping would give a
    // step of the order of the peak itself, more than ten times the bound.
    const double rate = 48000.0;
    const double bound = 2.0 * std::numbers::pi * 350.0 / rate;
    Settings s{.preDelayMs = 10.0f, .decay = 1.0f, .damping = 0.2f, .size = 0.2f};
    dsp::Reverb rv = makeReverb(rate, s);
    const auto x = bandLimitedNoise(rate, static_cast<std::size_t>(4.0 * rate), 250.0);
    Stereo out{std::vector<float>(x.size()), std::vector<float>(x.size())};
    const int block = 128;
    for (std::size_t pos = 0; pos < x.size(); pos += block) {
        rt::RealtimeScope scope;  // setters run on the audio thread too
        if (pos == 192 * block) rv.setSize(0.9f);                  // 0.51 s: a large size change
        if (pos == 196 * block) rv.setSize(0.6f);                  // during its crossfade: waits, then fades again
        if (pos == 375 * block) rv.setDecaySeconds(8.0f);          // 1 s
        if (pos == 563 * block) rv.setDamping(1.0f);               // 1.5 s
        if (pos == 750 * block) rv.setPreDelayMs(150.0f);          // 2 s
        if (pos == 938 * block) rv.setSize(0.0f), rv.setDecaySeconds(0.3f);  // 2.5 s: both at once
        rv.process(x.data() + pos, out.l.data() + pos, out.r.data() + pos, block);
    }
    const std::size_t from = static_cast<std::size_t>(0.4 * rate);
    for (const std::vector<float>* y : {&out.l, &out.r}) {
        const double peak = test::peak(*y, from, y->size());
        const double step = test::maxStep(*y, from, y->size());
        INFO("largest step " << step << ", peak " << peak << ", bound " << bound * peak);
        CHECK(peak > 0.05);
        CHECK(step <= bound * peak);
    }
}

TEST_CASE("reset silences the reverb and keeps its settings", "[dsp][reverb]") {
    const double rate = 48000.0;
    Settings s{.preDelayMs = 12.0f, .decay = 1.2f, .damping = 0.4f, .size = 0.7f};
    test::checkResetIsFresh([&] { return makeReverb(rate, s); }, 24000);
}

TEST_CASE("the reverb may process in place (input buffer as an output)", "[dsp][reverb]") {
    const double rate = 48000.0;
    Settings s{.mix = 40.0f};
    // pieces of 64 inside blocks of 256
    test::checkProcessesInPlace([&] { return makeReverb(rate, s, 64); }, test::InPlaceSide::Left);
}

TEST_CASE("swapping two reverbs on the audio thread allocates nothing and carries the tail over", "[dsp][reverb]") {
    const double rate = 48000.0;
    Settings s;
    test::checkSwapCarriesState([&] { return makeReverb(rate, s); });
}
