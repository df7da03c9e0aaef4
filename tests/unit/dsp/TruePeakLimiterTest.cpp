// The true-peak limiter measured from its output alone. True peaks are read by a meter written here: the ideal
// (Whittaker-Shannon) interpolation, approximated by a Kaiser-windowed sinc of +-48 samples on a 32x grid, with a
// parabola through the three highest grid points (it agrees with the untruncated sinc sum to 0.0001 dB on these
// signals), and cross-checked with libebur128's BS.1770 true-peak meter. Test signals are band-limited to 0.45 fs in
// the frequency domain: white noise made sample by sample has energy up to fs / 2, whose inter-sample peaks depend
// on samples hundreds away (two good interpolators disagree about them by tenths of a dB), so they are not a
// measurable quantity to 0.05 dB; nothing from an ADC or a resampler has such content.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <random>
#include <vector>

#include "dsp/TruePeakLimiter.h"
#include "rt/Realtime.h"
#include "support/Signals.h"
#include "support/Stereo.h"

using namespace foh;

namespace {
using test::Stereo;

constexpr int kBlock = 512;

/// Runs x through the limiter in blocks, followed by latencySamples() of silence so everything comes out.
Stereo render(dsp::TruePeakLimiter& lim, const Stereo& x, bool flush = true) {
    Stereo y = x;
    if (flush) {
        y.l.resize(x.l.size() + static_cast<std::size_t>(lim.latencySamples()), 0.0f);
        y.r.resize(y.l.size(), 0.0f);
    }
    test::runInPlace(lim, y, 0, y.l.size(), static_cast<std::size_t>(kBlock));
    return y;
}

// ---- the reference true-peak meter ----

double besselI0(double x) {
    double sum = 1.0, term = 1.0;
    for (int k = 1; k < 60; ++k) {
        const double r = x / (2.0 * k);
        term *= r * r;
        sum += term;
        if (term < 1e-17 * sum) break;
    }
    return sum;
}

/// sinc(t - n) x Kaiser(beta) over +-`half` samples, tabulated for `phases` fractional positions t = n0 + p / phases:
/// taps[p][j] weighs sample n0 - half + 1 + j.
struct SincTable {
    int half, phases;
    std::vector<float> taps;
    SincTable(int h, int ph, double beta) : half(h), phases(ph), taps(static_cast<std::size_t>(ph * 2 * h)) {
        const double i0 = besselI0(beta);
        for (int p = 0; p < ph; ++p)
            for (int j = 0; j < 2 * h; ++j) {
                const double d = static_cast<double>(p) / ph + (h - 1 - j);  // t - n
                const double s = d == 0.0 ? 1.0 : std::sin(std::numbers::pi * d) / (std::numbers::pi * d);
                const double r = d / h;
                const double w = std::fabs(r) < 1.0 ? besselI0(beta * std::sqrt(1.0 - r * r)) / i0 : 0.0;
                taps[static_cast<std::size_t>(p * 2 * h + j)] = static_cast<float>(s * w);
            }
    }
};

/// The largest |x(t)|. A 4x pass with +-16 taps everywhere finds every local maximum (its error against the long
/// kernel is under 0.06 dB on these signals); those within `refineDb` of `level` are read again with the +-48-tap
/// kernel on the 32x grid around the 4x parabola's vertex, climbing to the highest grid point, then a parabola.
double truePeak(const std::vector<float>& x, double level, double refineDb = 0.25) {
    constexpr int kCoarse = 16, kFine = 48, kGrid = 32;
    static const SincTable coarse(kCoarse, 4, 7.0);
    static const SincTable fine(kFine, kGrid, 9.0);
    static const std::vector<float> lanes = [] {  // coarse taps as [j][phase]: four phases side by side
        std::vector<float> t(4 * 2 * kCoarse);
        for (int p = 0; p < 4; ++p)
            for (int j = 0; j < 2 * kCoarse; ++j) t[static_cast<std::size_t>(j * 4 + p)] = coarse.taps[static_cast<std::size_t>(p * 2 * kCoarse + j)];
        return t;
    }();
    const auto length = static_cast<long>(x.size());
    std::vector<float> pad(x.size() + 2 * kFine, 0.0f);
    std::copy(x.begin(), x.end(), pad.begin() + kFine);

    std::vector<float> c(x.size() * 4);
    for (long n = 0; n < length; ++n) {
        // Four phases side by side (one vector), in four partial sums (independent chains the CPU overlaps).
        float a0[4] = {}, a1[4] = {}, a2[4] = {}, a3[4] = {};
        const float* s = &pad[static_cast<std::size_t>(n - kCoarse + 1 + kFine)];
        for (int j = 0; j < 2 * kCoarse; j += 4) {
            const float* t = &lanes[static_cast<std::size_t>(j * 4)];
            for (int p = 0; p < 4; ++p) a0[p] += t[p] * s[j];
            for (int p = 0; p < 4; ++p) a1[p] += t[4 + p] * s[j + 1];
            for (int p = 0; p < 4; ++p) a2[p] += t[8 + p] * s[j + 2];
            for (int p = 0; p < 4; ++p) a3[p] += t[12 + p] * s[j + 3];
        }
        for (int p = 0; p < 4; ++p) c[static_cast<std::size_t>(n * 4 + p)] = std::fabs((a0[p] + a1[p]) + (a2[p] + a3[p]));
    }
    const auto at = [&](long f) {  // |x| at f / 32
        if (f < 0) return 0.0;
        const float* t = &fine.taps[static_cast<std::size_t>((f % kGrid) * 2 * kFine)];
        const float* s = &pad[static_cast<std::size_t>(f / kGrid + 1)];
        float a[8] = {};
        for (int j = 0; j < 2 * kFine; j += 8)
            for (int q = 0; q < 8; ++q) a[q] += t[j + q] * s[j + q];
        return static_cast<double>(std::fabs(((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]))));
    };
    const double consider = level * std::pow(10.0, -refineDb / 20.0);
    double best = 0.0;
    for (long i = 1; i + 1 < 4 * length; ++i) {
        const double a0 = c[static_cast<std::size_t>(i - 1)], a1 = c[static_cast<std::size_t>(i)], a2 = c[static_cast<std::size_t>(i + 1)];
        if (a1 < a0 || a1 < a2) continue;
        const double curve = a0 - 2.0 * a1 + a2;
        const double vertex = curve < 0.0 ? a1 - (a2 - a0) * (a2 - a0) / (8.0 * curve) : a1;
        best = std::max(best, vertex);
        if (vertex < consider) continue;
        const double offset = curve < 0.0 ? 0.5 * (a0 - a2) / curve : 0.0;  // in 4x steps
        long g = std::lround((kGrid / 4) * (static_cast<double>(i) + offset));
        double b0 = at(g - 1), b1 = at(g), b2 = at(g + 1);
        while (b0 > b1) --g, b2 = b1, b1 = b0, b0 = at(g - 1);
        while (b2 > b1) ++g, b0 = b1, b1 = b2, b2 = at(g + 1);
        const double e = b0 - 2.0 * b1 + b2;
        best = std::max(best, e < 0.0 ? b1 - (b2 - b0) * (b2 - b0) / (8.0 * e) : b1);
    }
    return best;
}

double truePeak(const Stereo& x, double level, double refineDb = 0.25) {
    return std::max(truePeak(x.l, level, refineDb), truePeak(x.r, level, refineDb));
}

// ---- band-limited test signals ----

/// In-place radix-2 FFT (size a power of two); the inverse is scaled by 1/n.
void fft(std::vector<std::complex<double>>& a, bool inverse) {
    const std::size_t n = a.size();
    for (std::size_t i = 1, j = 0; i < n; ++i) {
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(a[i], a[j]);
    }
    std::vector<double> wr(n / 2), wi(n / 2);
    for (std::size_t k = 0; k < n / 2; ++k) {
        const double angle = (inverse ? 2.0 : -2.0) * std::numbers::pi * static_cast<double>(k) / static_cast<double>(n);
        wr[k] = std::cos(angle), wi[k] = std::sin(angle);
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const std::size_t step = n / len;
        for (std::size_t i = 0; i < n; i += len)
            for (std::size_t j = 0; j < len / 2; ++j) {
                // Multiplication written out: std::complex's operator* goes through a library call for inf/nan.
                const double c = wr[j * step], s = wi[j * step];
                std::complex<double>& u = a[i + j];
                std::complex<double>& v = a[i + j + len / 2];
                const double vr = v.real() * c - v.imag() * s, vi = v.real() * s + v.imag() * c;
                const double ur = u.real(), ui = u.imag();
                u = {ur + vr, ui + vi};
                v = {ur - vr, ui - vi};
            }
    }
    if (inverse)
        for (std::complex<double>& v : a) v /= static_cast<double>(n);
}

bool aboveBand(std::size_t k, std::size_t n) { return static_cast<double>(std::min(k, n - k)) / static_cast<double>(n) > 0.45; }

enum class Kind { Noise, QuarterRateTone, ClippedSquare };

/// One stereo test signal of 0.1-0.3 s, faded in and out over 2 ms (raised cosine, so the edges add nothing
/// broadband), scaled so its louder channel's sample peak is 12 dB over the ceiling.
Stereo makeSignal(Kind kind, double rate, double ceilingDb, std::mt19937& gen) {
    const auto u = [&gen] { return static_cast<double>(gen()) * 0x1p-32; };  // [0, 1)
    const auto length = static_cast<std::size_t>((0.1 + 0.2 * u()) * rate);
    std::size_t n = 1;
    while (n < length) n <<= 1;
    std::vector<std::complex<double>> z(n);
    const double twoPi = 2.0 * std::numbers::pi;
    /// sin(2 pi f i + phase) for i = 0..length-1, by a rotating phasor (exact to ~1e-12 over these lengths).
    const auto sines = [length, twoPi](double f, double phase, auto&& put) {
        const double c = std::cos(twoPi * f), s = std::sin(twoPi * f);
        double re = std::cos(phase), im = std::sin(phase);
        for (std::size_t i = 0; i < length; ++i) {
            put(i, im);
            const double r = re * c - im * s;
            im = re * s + im * c;
            re = r;
        }
    };
    if (kind == Kind::Noise) {
        // White up to 0.45 fs: random bins, inverse FFT; the real and imaginary parts are two independent channels.
        for (std::size_t k = 0; k < n; ++k) z[k] = aboveBand(k, n) ? 0.0 : std::complex<double>(2.0 * u() - 1.0, 2.0 * u() - 1.0);
        fft(z, true);
    } else if (kind == Kind::QuarterRateTone) {
        // Within 5 % of fs / 4, a random phase per channel: the classic case whose samples miss the peaks by up
        // to 3 dB.
        const double f = 0.25 * (1.0 + 0.1 * (u() - 0.5));
        sines(f, twoPi * u(), [&z](std::size_t i, double v) { z[i].real(v); });
        sines(f, twoPi * u(), [&z](std::size_t i, double v) { z[i].imag(v); });
    } else {
        // A sine 6-18 dB into a hard clip (50 Hz - 2 kHz, per channel), then band-limited: flat tops with Gibbs
        // ringing, the inter-sample overs of a clipped master after a resampler.
        const double drive = 2.0 + 6.0 * u();
        sines((50.0 + 2000.0 * u()) / rate, twoPi * u(), [&z, drive](std::size_t i, double v) { z[i].real(std::clamp(drive * v, -1.0, 1.0)); });
        sines((50.0 + 2000.0 * u()) / rate, twoPi * u(), [&z, drive](std::size_t i, double v) { z[i].imag(std::clamp(drive * v, -1.0, 1.0)); });
        fft(z, false);
        for (std::size_t k = 0; k < n; ++k)
            if (aboveBand(k, n)) z[k] = 0.0;
        fft(z, true);
    }
    const auto fade = static_cast<std::size_t>(0.002 * rate);
    double peak = 0.0;
    for (std::size_t i = 0; i < length; ++i) {
        const std::size_t edge = std::min(i, length - 1 - i);
        if (edge < fade) z[i] *= 0.5 - 0.5 * std::cos(std::numbers::pi * static_cast<double>(edge) / static_cast<double>(fade));
        peak = std::max({peak, std::fabs(z[i].real()), std::fabs(z[i].imag())});
    }
    const double gain = std::pow(10.0, (ceilingDb + 12.0) / 20.0) / peak;
    Stereo s{std::vector<float>(length), std::vector<float>(length)};
    for (std::size_t i = 0; i < length; ++i) {
        s.l[i] = static_cast<float>(z[i].real() * gain);
        s.r[i] = static_cast<float>(z[i].imag() * gain);
    }
    return s;
}

double dbOf(double linear) { return 20.0 * std::log10(linear); }
}  // namespace

TEST_CASE("the test's true-peak meter reads tones at their amplitude wherever the samples fall", "[dsp][limiter]") {
    // The meter against the definition: a tone's true peak is its amplitude. fs / 4 sampled 45 degrees off its
    // peaks has every sample 3 dB under it; 0.45 fs is the top of the band the test signals use. 20 ms raised-cosine
    // fades keep the tone's ends from ringing.
    const double amplitude = 0.8;
    for (double f : {0.25, 0.4, 0.45}) {
        for (double phase : {0.0, 0.3, std::numbers::pi / 4.0}) {
            std::vector<float> x(9600);
            double samplePeak = 0.0;
            for (std::size_t i = 0; i < x.size(); ++i) {
                const std::size_t edge = std::min(i, x.size() - 1 - i);
                const double fade = edge < 960 ? 0.5 - 0.5 * std::cos(std::numbers::pi * static_cast<double>(edge) / 960.0) : 1.0;
                x[i] = static_cast<float>(fade * amplitude * std::sin(2.0 * std::numbers::pi * f * static_cast<double>(i) + phase));
                samplePeak = std::max(samplePeak, static_cast<double>(std::fabs(x[i])));
            }
            const double tp = truePeak(x, amplitude);
            INFO(f << " fs, phase " << phase << ": read " << dbOf(tp / amplitude) << " dB, samples peak at "
                   << dbOf(samplePeak / amplitude) << " dB");
            CHECK(std::fabs(dbOf(tp / amplitude)) < 0.001);
        }
    }
}

TEST_CASE("1000 signals driven 12 dB into the ceiling never exceed it in true peak (-1 and -0.1 dBTP, 44.1-96 kHz)",
          "[dsp][limiter]") {
    struct Config {
        double rate;
        float ceilingDb;
    };
    const Config configs[] = {{44100.0, -1.0f}, {44100.0, -0.1f}, {48000.0, -1.0f},
                              {48000.0, -0.1f}, {96000.0, -1.0f}, {96000.0, -0.1f}};
    dsp::TruePeakLimiter limiters[6];
    for (int k = 0; k < 6; ++k) {
        limiters[k].setCeilingDb(configs[k].ceilingDb);
        limiters[k].prepare(configs[k].rate, kBlock);
    }
    // Under AddressSanitizer every memory access is checked and this case runs ~15x slower: there 1 signal in 10
    // (every kind, rate and ceiling still), enough to take every path through the limiter for memory errors; the
    // normal build runs all 1000.
#if defined(__SANITIZE_ADDRESS__)
    constexpr int kSignals = 100;
#else
    constexpr int kSignals = 1000;
#endif
    std::mt19937 gen(2024);
    double worstOver = -100.0, lowestPeak = 100.0, lowestInputOver = 100.0;
    const char* worstWhat = "";
    double worstRate = 0.0;
    for (int i = 0; i < kSignals; ++i) {
        const Config& c = configs[i % 6];
        dsp::TruePeakLimiter& lim = limiters[i % 6];
        const auto kind = static_cast<Kind>((i / 6) % 3);
        const Stereo x = makeSignal(kind, c.rate, c.ceilingDb, gen);
        {
            rt::RealtimeScope scope;
            lim.reset();
        }
        const Stereo y = render(lim, x);
        const double ceiling = std::pow(10.0, c.ceilingDb / 20.0);
        const double over = dbOf(truePeak(y, ceiling)) - c.ceilingDb;
        if (over > worstOver) {
            worstOver = over;
            worstWhat = kind == Kind::Noise ? "noise" : kind == Kind::QuarterRateTone ? "tone near fs/4" : "clipped square";
            worstRate = c.rate;
        }
        lowestPeak = std::min(lowestPeak, over);
        if (i % 50 == 0) lowestInputOver = std::min(lowestInputOver, dbOf(truePeak(x, ceiling, 100.0)) - c.ceilingDb);
    }
    INFO(kSignals << " signals: worst true peak " << worstOver << " dB re the ceiling (" << worstWhat << " at " << worstRate
                            << " Hz), lowest " << lowestPeak
                            << " dB; inputs at least " << lowestInputOver << " dB over");
    CHECK(worstOver <= 0.05);
    // And it limits no more than it must: every output reaches to within 0.3 dB of the ceiling.
    CHECK(lowestPeak >= -0.3);
    CHECK(lowestInputOver >= 12.0);
}

TEST_CASE("below the ceiling the output is the input delayed by latencySamples(), bit for bit", "[dsp][limiter]") {
    std::mt19937 gen(7);
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        dsp::TruePeakLimiter lim;
        lim.prepare(rate, kBlock);  // default ceiling, -1 dBTP
        const auto latency = static_cast<std::size_t>(lim.latencySamples());
        INFO(rate << " Hz: latency " << latency << " samples");
        CHECK(static_cast<double>(latency) / rate <= 0.002);  // 1.5 ms of look-ahead plus the detector's filter
        // Noise with its sample peaks 3 dB under the ceiling (its true peak about 1 dB higher), then a tone near
        // fs / 4 whose true peak is 1 dB under it (its samples down to 3 dB lower again).
        for (int k = 0; k < 2; ++k) {
            const Stereo x = k == 0 ? makeSignal(Kind::Noise, rate, -1.0 - 15.0, gen) : makeSignal(Kind::QuarterRateTone, rate, -1.0 - 13.0, gen);
            const double tp = truePeak(x, 1.0, 100.0);
            REQUIRE(dbOf(tp) < -1.0 - 0.9);
            const Stereo y = render(lim, x);
            for (std::size_t i = 0; i < latency; ++i) REQUIRE((y.l[i] == 0.0f && y.r[i] == 0.0f));
            for (std::size_t i = 0; i < x.l.size(); ++i) REQUIRE((y.l[i + latency] == x.l[i] && y.r[i + latency] == x.r[i]));
            rt::RealtimeScope scope;
            CHECK(lim.takeGainReductionDb() == 0.0f);
        }
    }
}

TEST_CASE("the gain comes back with the set release time constant (in dB, within 10 %)", "[dsp][limiter]") {
    // DC 12 dB over the ceiling, then DC far under it, each edge a 2 ms raised cosine (a step would ring in any
    // true-peak detector and take the gain a little further down at both edges): the gain is the output over the
    // delayed input at every sample. The gain reduction in dB should fall as exp(-t / release): a least-squares line
    // through ln(reduction) between 0.6 and 0.05 of its steady value gives the time constant.
    const double rate = 48000.0;
    for (float releaseMs : {10.0f, 50.0f, 300.0f}) {
        dsp::TruePeakLimiter lim;
        lim.setReleaseMs(releaseMs);
        lim.prepare(rate, kBlock);
        const double ceiling = std::pow(10.0, -1.0 / 20.0);
        const auto loud = static_cast<std::size_t>(0.05 * rate);
        const auto total = loud + static_cast<std::size_t>((6.0 * releaseMs * 1e-3 + 0.05) * rate);
        Stereo x{std::vector<float>(total), std::vector<float>(total)};
        const auto edge = static_cast<std::size_t>(0.002 * rate);
        for (std::size_t i = 0; i < total; ++i) {
            const auto rise = [edge](std::size_t k) {
                return k >= edge ? 1.0 : 0.5 - 0.5 * std::cos(std::numbers::pi * static_cast<double>(k) / static_cast<double>(edge));
            };
            const double up = rise(i), down = i < loud - edge ? 1.0 : 1.0 - rise(i - (loud - edge));
            x.l[i] = x.r[i] = static_cast<float>(0.01 + (4.0 * ceiling - 0.01) * up * down);
        }
        const Stereo y = render(lim, x);
        const auto latency = static_cast<std::size_t>(lim.latencySamples());
        std::vector<double> reduction(total);
        for (std::size_t i = 0; i < total; ++i) reduction[i] = -dbOf(static_cast<double>(y.l[i + latency]) / x.l[i]);
        const double steady = reduction[loud / 2];
        double largest = 0.0;
        for (std::size_t i = 0; i < total; ++i) largest = std::max(largest, reduction[i]);
        double st = 0.0, sy = 0.0, stt = 0.0, sty = 0.0, count = 0.0;
        for (std::size_t i = loud; i < total; ++i) {
            if (reduction[i] > 0.6 * steady) continue;
            if (reduction[i] < 0.05 * steady) break;
            const double t = static_cast<double>(i) / rate, v = std::log(reduction[i]);
            st += t, sy += v, stt += t * t, sty += t * v, count += 1.0;
        }
        const double slope = (count * sty - st * sy) / (count * stt - st * st);
        const double measuredMs = -1e3 / slope;
        INFO("release " << releaseMs << " ms: " << steady << " dB of reduction, " << largest << " dB at most, time "
                        << "constant " << measuredMs << " ms from " << count << " samples");
        CHECK(steady == Approx(12.0).margin(0.15));  // 4x the ceiling, plus the margin
        CHECK(largest <= steady + 0.01);              // no extra dip at either edge
        CHECK(measuredMs == Approx(releaseMs).epsilon(0.10));
    }
}

TEST_CASE("the gain-reduction meter reads 6 dB for a steady tone 6 dB over the ceiling, the largest since it was read",
          "[dsp][limiter]") {
    const double rate = 48000.0;
    const float ceilingDb = -1.0f;
    dsp::TruePeakLimiter lim;
    lim.setCeilingDb(ceilingDb);
    lim.prepare(rate, kBlock);
    const double amplitude = std::pow(10.0, (ceilingDb + 6.0) / 20.0);
    const auto part = static_cast<std::size_t>(0.2 * rate);
    const auto tone = test::sine(997.0, rate, 2 * part, amplitude);
    const Stereo first{std::vector<float>(tone.begin(), tone.begin() + static_cast<std::ptrdiff_t>(part)),
                       std::vector<float>(tone.begin(), tone.begin() + static_cast<std::ptrdiff_t>(part))};
    const Stereo second{std::vector<float>(tone.begin() + static_cast<std::ptrdiff_t>(part), tone.end()),
                        std::vector<float>(tone.begin() + static_cast<std::ptrdiff_t>(part), tone.end())};
    (void)render(lim, first, false);
    float attack = 0.0f, steady = 0.0f, tail = 0.0f, released = 0.0f;
    {
        rt::RealtimeScope scope;
        attack = lim.takeGainReductionDb();
    }
    const Stereo y = render(lim, second, false);
    {
        rt::RealtimeScope scope;
        steady = lim.takeGainReductionDb();
    }
    // The tone goes on for 5 ms, fading out (a raised cosine: an abrupt stop rings, and a true-peak limiter rightly
    // takes it down further), then silence: its last samples leave the delay line, then the release.
    Stereo silence{std::vector<float>(part, 0.0f), std::vector<float>(part, 0.0f)};
    const auto fade = static_cast<std::size_t>(0.005 * rate);
    const auto more = test::sine(997.0, rate, 2 * part + fade, amplitude);
    for (std::size_t i = 0; i < fade; ++i)
        silence.l[i] = silence.r[i] = static_cast<float>(
            more[2 * part + i] * (0.5 + 0.5 * std::cos(std::numbers::pi * static_cast<double>(i) / static_cast<double>(fade))));
    (void)render(lim, silence, false);
    silence = Stereo{std::vector<float>(part, 0.0f), std::vector<float>(part, 0.0f)};
    {
        rt::RealtimeScope scope;
        tail = lim.takeGainReductionDb();
    }
    (void)render(lim, Stereo{std::vector<float>(5 * part, 0.0f), std::vector<float>(5 * part, 0.0f)}, false);
    {
        rt::RealtimeScope scope;
        (void)lim.takeGainReductionDb();  // the release from the tail's last reading on
    }
    (void)render(lim, silence, false);
    {
        rt::RealtimeScope scope;
        released = lim.takeGainReductionDb();  // 1.2 s after the tone: 24 release times
    }
    const double outPeak = dbOf(truePeak(y, amplitude, 100.0));
    INFO("meter: " << attack << " dB over the attack, " << steady << " dB steady, " << tail << " dB as it stops, then "
                   << released << " dB; the output's true peak " << outPeak << " dBTP");
    CHECK(steady >= 6.0f - 0.001f);
    CHECK(steady <= 6.1f);
    CHECK(attack == Approx(steady).margin(0.05));  // the onset may ring a little higher in the detector
    CHECK(tail == Approx(steady).margin(0.01));  // the largest since the last read: the tone's, not the release's
    CHECK(released < 0.01f);
    CHECK(outPeak <= ceilingDb + 0.05);
    CHECK(outPeak >= ceilingDb - 0.1);
}

TEST_CASE("the input gain ramps without a click, and drives into the ceiling without passing it", "[dsp][limiter]") {
    // A 100 Hz tone 20 dB under the ceiling; +12 dB of input gain at 0.1 s (still under it), +24 dB at 0.4 s (4 dB
    // over). Until 0.4 s the limiter only delays, so the output is the tone times the input gain ramp: a
    // sample-to-sample step of at most 2 pi 100 / fs of the output's peak (the tone's slope) plus the gain change per
    // sample (3 x the tone's amplitude over the 20 ms ramp). A step in the gain would be of the order of the peak.
    const double rate = 48000.0;
    const float ceilingDb = -1.0f;
    dsp::TruePeakLimiter lim;
    lim.setCeilingDb(ceilingDb);
    lim.prepare(rate, kBlock);
    const double amplitude = std::pow(10.0, (ceilingDb - 20.0) / 20.0);
    const auto frames = static_cast<std::size_t>(0.8 * rate);
    auto x = test::sine(100.0, rate, frames, amplitude);
    const auto fade = static_cast<std::size_t>(0.01 * rate);  // the end faded out and flushed: an abrupt end rings
    for (std::size_t i = 0; i < fade; ++i)
        x[frames - fade + i] *= static_cast<float>(0.5 + 0.5 * std::cos(std::numbers::pi * static_cast<double>(i) / static_cast<double>(fade)));
    x.resize(frames + static_cast<std::size_t>(lim.latencySamples()), 0.0f);
    Stereo y{x, x};
    for (std::size_t pos = 0; pos < x.size(); pos += kBlock) {
        rt::RealtimeScope scope;  // the setters run on the audio thread too
        if (pos == 9 * kBlock) lim.setInputGainDb(12.0f);    // 0.096 s
        if (pos == 37 * kBlock) lim.setInputGainDb(24.0f);   // 0.395 s
        lim.process(y.l.data() + pos, y.r.data() + pos, static_cast<int>(std::min<std::size_t>(kBlock, x.size() - pos)));
    }
    const auto latency = static_cast<std::size_t>(lim.latencySamples());
    const auto end = 37 * kBlock + latency;
    const double peak = test::peak(y.l, 0, end);
    const double bound = 2.0 * std::numbers::pi * 100.0 / rate * peak + 3.0 * amplitude / (0.020 * rate);
    const double step = test::maxStep(y.l, 0, end);
    INFO("largest step " << step << ", bound " << bound << ", peak " << peak);
    CHECK(peak == Approx(4.0 * amplitude).epsilon(0.01));
    CHECK(step <= bound * 1.01);
    const double tp = dbOf(truePeak(y, 1.0, 100.0));
    INFO("true peak once driven 4 dB over: " << tp << " dBTP");
    CHECK(tp <= ceilingDb + 0.05);
    CHECK(tp >= ceilingDb - 0.1);
}

TEST_CASE("reset clears the signal and the gain and keeps the settings", "[dsp][limiter]") {
    std::mt19937 gen(3);
    const double rate = 48000.0;
    const auto configure = [rate](dsp::TruePeakLimiter& lim) {
        lim.setCeilingDb(-3.0f);
        lim.setReleaseMs(120.0f);
        lim.setInputGainDb(6.0f);
        lim.prepare(rate, kBlock);
    };
    dsp::TruePeakLimiter fresh, used;
    configure(fresh);
    configure(used);
    (void)render(used, makeSignal(Kind::ClippedSquare, rate, 0.0, gen));
    {
        rt::RealtimeScope scope;
        used.reset();
        (void)used.takeGainReductionDb();
    }
    const Stereo x = makeSignal(Kind::Noise, rate, -3.0, gen);
    const Stereo a = render(fresh, x), b = render(used, x);
    CHECK(a.l == b.l);
    CHECK(a.r == b.r);
    CHECK(used.ceilingDb() == -3.0f);
    CHECK(used.releaseMs() == 120.0f);
    CHECK(used.inputGainDb() == 6.0f);
}

TEST_CASE("settings are held to their ranges and non-finite values are ignored", "[dsp][limiter]") {
    dsp::TruePeakLimiter lim;
    lim.prepare(48000.0, kBlock);
    CHECK(lim.ceilingDb() == dsp::TruePeakLimiter::kDefaultCeilingDb);
    CHECK(lim.releaseMs() == dsp::TruePeakLimiter::kDefaultReleaseMs);
    CHECK(lim.inputGainDb() == 0.0f);
    rt::RealtimeScope scope;
    lim.setCeilingDb(3.0f);
    CHECK(lim.ceilingDb() == 0.0f);
    lim.setCeilingDb(-40.0f);
    CHECK(lim.ceilingDb() == -12.0f);
    lim.setCeilingDb(std::numeric_limits<float>::quiet_NaN());
    CHECK(lim.ceilingDb() == -12.0f);
    lim.setReleaseMs(0.1f);
    CHECK(lim.releaseMs() == 1.0f);
    lim.setReleaseMs(5000.0f);
    CHECK(lim.releaseMs() == 1000.0f);
    lim.setReleaseMs(std::numeric_limits<float>::infinity());
    CHECK(lim.releaseMs() == 1000.0f);
    lim.setInputGainDb(-6.0f);
    CHECK(lim.inputGainDb() == 0.0f);
    lim.setInputGainDb(30.0f);
    CHECK(lim.inputGainDb() == 24.0f);
}
