// The loudness meter against its standards and an independent meter: the BS.1770 coefficients, the EBU Tech 3341
// (loudness, true peak) and Tech 3342 (loudness range) cases synthesized here, libebur128 on programme material at
// 44.1, 48 and 96 kHz, pause / reset, a 30-minute show under the allocation trap, broken input, and the targets.
#include <catch2/catch.hpp>

#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numbers>
#include <random>
#include <stdexcept>
#include <vector>

#include "dsp/LoudnessMeter.h"
#include "dsp/LoudnessTargets.h"
#include "rt/Realtime.h"
#include "support/RtTrap.h"

using namespace foh;

namespace {
constexpr double kPi = std::numbers::pi;
constexpr double kInf = std::numeric_limits<double>::infinity();

double amplitude(double dbfs) { return dbfs == -kInf ? 0.0 : std::pow(10.0, dbfs / 20.0); }

/// A sine by phasor rotation: one complex multiply per sample instead of a sin(); renormalized every block, its
/// phase drifts by far less than 1e-9 rad over minutes.
class Tone {
public:
    Tone(double freq, double rate, double phaseRad = 0.0)
        : z_(std::polar(1.0, phaseRad)), step_(std::polar(1.0, 2.0 * kPi * freq / rate)) {}
    double next() {
        const double s = z_.imag();
        z_ *= step_;
        return s;
    }
    void renormalize() { z_ /= std::abs(z_); }

private:
    std::complex<double> z_, step_;
};

/// A stretch of the 1 kHz test tone: per channel a peak level in dBFS (-inf = silent).
struct Stretch {
    double seconds;
    std::vector<double> dbfs;
};

/// Stereo stretches {dBFS, seconds}, the same level on both channels.
std::vector<Stretch> stereo(std::initializer_list<std::pair<double, double>> levels) {
    std::vector<Stretch> out;
    for (const auto& [db, seconds] : levels) out.push_back({seconds, {db, db}});
    return out;
}

/// Plays the stretches (one continuous tone) into the meter in blocks of `block` frames, each under the real-time
/// scope, and calls poll(meter, seconds played so far) after every block (outside it: polls may record).
template <class Poll>
void play(dsp::LoudnessMeter& m, const std::vector<Stretch>& stretches, int block, Poll&& poll,
          double freq = 1000.0) {
    const double rate = m.sampleRate();
    const auto channels = static_cast<std::size_t>(m.channels());
    std::vector<std::vector<float>> buf(channels, std::vector<float>(static_cast<std::size_t>(block)));
    std::vector<const float*> ptrs(channels);
    Tone tone(freq, rate);
    long long played = 0;
    std::vector<double> gains(channels);
    for (const Stretch& s : stretches) {
        const long long frames = std::llround(s.seconds * rate);
        for (std::size_t c = 0; c < channels; ++c) gains[c] = amplitude(s.dbfs[c]);
        for (long long done = 0; done < frames; done += block) {
            const int n = static_cast<int>(std::min<long long>(block, frames - done));
            for (int i = 0; i < n; ++i) {
                const double x = tone.next();
                for (std::size_t c = 0; c < channels; ++c) buf[c][static_cast<std::size_t>(i)] = static_cast<float>(gains[c] * x);
            }
            tone.renormalize();
            for (std::size_t c = 0; c < channels; ++c) ptrs[c] = buf[c].data();
            {
                rt::RealtimeScope scope;
                m.process(ptrs.data(), n);
            }
            played += n;
            poll(m, static_cast<double>(played) / rate);
        }
    }
}

void play(dsp::LoudnessMeter& m, const std::vector<Stretch>& stretches) {
    play(m, stretches, 480, [](const dsp::LoudnessMeter&, double) {});
}

dsp::LoudnessMeter makeMeter(double rate, int channels = 2, int maxBlock = 512) {
    dsp::LoudnessMeter m;
    m.prepare(rate, maxBlock, channels);
    return m;
}

/// Feeds planar buffers (whole signals) in blocks under the real-time scope.
void feed(dsp::LoudnessMeter& m, const std::vector<std::vector<float>>& x, std::size_t from, std::size_t to, int block) {
    std::vector<const float*> ptrs(x.size());
    for (std::size_t pos = from; pos < to; pos += static_cast<std::size_t>(block)) {
        const int n = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(block), to - pos));
        for (std::size_t c = 0; c < x.size(); ++c) ptrs[c] = x[c].data() + pos;
        rt::RealtimeScope scope;
        m.process(ptrs.data(), n);
    }
}

/// Programme-like stereo material: stretches of 0.2 to 4 s, each white noise, a sine between 40 Hz and 12 kHz,
/// a tone burst pattern (a sine gated at 2 to 8 Hz) or silence, at -45 to -8 dBFS with L and R up to 6 dB apart.
/// The same seed gives the same programme at every rate.
std::vector<std::vector<float>> programme(double rate, double seconds, unsigned seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const auto frames = static_cast<std::size_t>(std::llround(seconds * rate));
    std::vector<std::vector<float>> x(2, std::vector<float>(frames, 0.0f));
    std::size_t pos = 0;
    while (pos < frames) {
        const auto len = std::min(frames - pos, static_cast<std::size_t>((0.2 + 3.8 * unit(gen)) * rate));
        const double kind = unit(gen);
        const double level = -45.0 + 37.0 * unit(gen), spread = 6.0 * (unit(gen) - 0.5);
        const double gl = amplitude(level + spread / 2.0), gr = amplitude(level - spread / 2.0);
        const double freq = 40.0 * std::pow(300.0, unit(gen)), gate = 2.0 + 6.0 * unit(gen);
        Tone tone(freq, rate, 2.0 * kPi * unit(gen));
        std::uniform_real_distribution<float> noise(-1.0f, 1.0f);
        for (std::size_t i = 0; i < len; ++i) {
            double l = 0.0, r = 0.0;
            if (kind < 0.4) {
                l = noise(gen), r = noise(gen);
            } else if (kind < 0.75) {
                l = r = tone.next();
            } else if (kind < 0.9) {
                const double s = tone.next();
                const bool on = std::fmod(static_cast<double>(i) / rate * gate, 1.0) < 0.5;
                l = r = on ? s : 0.0;
            }
            x[0][pos + i] = static_cast<float>(gl * l);
            x[1][pos + i] = static_cast<float>(gr * r);
            if (i % 4096 == 4095) tone.renormalize();
        }
        pos += len;
    }
    return x;
}

/// Interleaves planar stereo for libebur128.
std::vector<float> interleave(const std::vector<std::vector<float>>& x) {
    std::vector<float> out(2 * x[0].size());
    for (std::size_t i = 0; i < x[0].size(); ++i) out[2 * i] = x[0][i], out[2 * i + 1] = x[1][i];
    return out;
}

double energyOf(double lufs) { return std::pow(10.0, (lufs + 0.691) / 10.0); }

/// Tech 3342 from a list of short-term loudness values, exactly: absolute gate -70 LUFS, relative gate 20 LU below
/// the mean energy of what passed it, then nearest rank round((n - 1) p) on the sorted values (libebur128's rule).
double exactRange(const std::vector<double>& shortTermLufs) {
    std::vector<double> e;
    for (double l : shortTermLufs)
        if (l >= -70.0) e.push_back(energyOf(l));
    if (e.empty()) return 0.0;
    double mean = 0.0;
    for (double v : e) mean += v;
    mean /= static_cast<double>(e.size());
    std::vector<double> gated;
    for (double v : e)
        if (v >= mean * 0.01) gated.push_back(v);
    std::sort(gated.begin(), gated.end());
    const auto at = [&](double p) {
        return gated[static_cast<std::size_t>(static_cast<double>(gated.size() - 1) * p + 0.5)];
    };
    return 10.0 * std::log10(at(0.95) / at(0.10));
}

struct Ebur128 {
    ebur128_state* st;
    Ebur128(unsigned channels, double rate)
        : st(ebur128_init(channels, static_cast<unsigned long>(rate),
                          EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA)) {}
    ~Ebur128() { ebur128_destroy(&st); }
    Ebur128(const Ebur128&) = delete;
    Ebur128& operator=(const Ebur128&) = delete;
    /// What a libebur128 getter `get(st, ..., &v)` writes into v (0 if it writes nothing).
    template <class Get, class... Args>
    double read(Get get, Args... args) const {
        double v = 0.0;
        get(st, args..., &v);
        return v;
    }
    double momentary() const { return read(ebur128_loudness_momentary); }
    double shortTerm() const { return read(ebur128_loudness_shortterm); }
    /// Loudness of the last `ms` milliseconds.
    double window(unsigned long ms) const { return read(ebur128_loudness_window, ms); }
    double integrated() const { return read(ebur128_loudness_global); }
    double range() const { return read(ebur128_loudness_range); }
};
}  // namespace

// ---- K-weighting ------------------------------------------------------------------------------------------------

TEST_CASE("the K-weighting designed at 48 kHz is the BS.1770 reference to 1e-8", "[dsp][loudness]") {
    // The numbers as published (shared/reference/loudness-tests.md), typed in here independently of the header.
    const double shelf[5] = {1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585};
    const double highPass[5] = {1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621};
    const dsp::KWeighting k = dsp::KWeighting::design(48000.0);
    const double gotShelf[5] = {k.shelf.b0, k.shelf.b1, k.shelf.b2, k.shelf.a1, k.shelf.a2};
    const double gotHighPass[5] = {k.highPass.b0, k.highPass.b1, k.highPass.b2, k.highPass.a1, k.highPass.a2};
    for (int i = 0; i < 5; ++i) {
        INFO("coefficient " << i);
        CHECK(std::fabs(gotShelf[i] - shelf[i]) < 1e-8);
        CHECK(std::fabs(gotHighPass[i] - highPass[i]) < 1e-8);
    }
}

TEST_CASE("the K-weighting's analog prototypes are libebur128's, and every rate has the 48 kHz response",
          "[dsp][loudness]") {
    // libebur128 (ebur128.c) publishes the prototypes fitted to the same reference: shelf f0, gain, Q and the
    // exponent of its band gain Vb = Vh^e; high-pass f0 and Q. Ours are recovered by inverting the bilinear transform.
    const auto proto = dsp::KWeighting::prototypes();
    const dsp::AnalogSection& shelf = proto[0];
    const dsp::AnalogSection& hp = proto[1];
    CHECK(shelf.f0 == Approx(1681.974450955533).epsilon(1e-9));
    CHECK(shelf.q == Approx(0.7071752369554196).epsilon(1e-9));
    CHECK(20.0 * std::log10(shelf.n2) == Approx(3.999843853973347).epsilon(1e-9));
    CHECK(std::log(shelf.n1 * shelf.q) / std::log(shelf.n2) == Approx(0.4996667741545416).epsilon(1e-9));
    CHECK(shelf.n0 == Approx(1.0).epsilon(1e-12));  // unity at DC
    CHECK(hp.f0 == Approx(38.13547087602444).epsilon(1e-9));
    CHECK(hp.q == Approx(0.5003270373238773).epsilon(1e-9));
    CHECK(hp.n0 == 0.0);
    CHECK(hp.n1 == 0.0);
    CHECK(hp.n2 == Approx(1.004995).epsilon(1e-6));  // the reference's b = 1, -2, 1 is a gain of 1.005

    const dsp::KWeighting ref = dsp::KWeighting::design(48000.0);
    for (double rate : {44100.0, 96000.0, 192000.0}) {
        const dsp::KWeighting k = dsp::KWeighting::design(rate);
        // The shelf is libebur128's at every rate (its formula, from its constants).
        const double K = std::tan(kPi * 1681.974450955533 / rate);
        const double Q = 0.7071752369554196, Vh = std::pow(10.0, 3.999843853973347 / 20.0);
        const double Vb = std::pow(Vh, 0.4996667741545416), a0 = 1.0 + K / Q + K * K;
        CHECK(k.shelf.b0 == Approx((Vh + Vb * K / Q + K * K) / a0).epsilon(1e-9));
        CHECK(k.shelf.b1 == Approx(2.0 * (K * K - Vh) / a0).epsilon(1e-9));
        CHECK(k.shelf.b2 == Approx((Vh - Vb * K / Q + K * K) / a0).epsilon(1e-9));
        CHECK(k.shelf.a1 == Approx(2.0 * (K * K - 1.0) / a0).epsilon(1e-9));
        CHECK(k.shelf.a2 == Approx((1.0 - K / Q + K * K) / a0).epsilon(1e-9));
        CHECK(k.highPass.b1 == -2.0 * k.highPass.b0);  // the kernel relies on the (1, -2, 1) shape
        CHECK(k.highPass.b2 == k.highPass.b0);
        double worst = 0.0;
        for (double f = 20.0; f <= 20000.0; f *= 1.05)
            worst = std::max(worst, std::fabs(k.responseDb(f, rate) - ref.responseDb(f, 48000.0)));
        INFO(rate << " Hz: largest difference from the 48 kHz response, 20 Hz - 20 kHz: " << worst << " dB");
        CHECK(worst < 0.01);  // the bilinear warp of the 48 kHz reference itself, around the shelf's corner
    }
}

// ---- EBU Tech 3341: loudness ------------------------------------------------------------------------------------

TEST_CASE("Tech 3341 cases 1 and 2: a steady stereo sine reads its level on M, S and I", "[dsp][loudness][ebu]") {
    struct Case {
        double rate, dbfs;
    };
    for (const Case c : {Case{48000.0, -23.0}, Case{48000.0, -33.0}, Case{44100.0, -23.0}, Case{96000.0, -23.0}}) {
        dsp::LoudnessMeter m = makeMeter(c.rate);
        play(m, stereo({{c.dbfs, 20.0}}), static_cast<int>(c.rate / 100.0), [](const dsp::LoudnessMeter&, double) {});
        INFO(c.rate << " Hz, " << c.dbfs << " dBFS");
        CHECK(m.momentaryLufs() == Approx(c.dbfs).margin(0.1));
        CHECK(m.shortTermLufs() == Approx(c.dbfs).margin(0.1));
        CHECK(m.integratedLufs() == Approx(c.dbfs).margin(0.1));
        CHECK(m.loudnessRangeLu() == Approx(0.0).margin(0.01));
    }
}

TEST_CASE("Tech 3341 cases 3, 4 and 5: the gates keep the quiet parts out of the integrated loudness",
          "[dsp][loudness][ebu]") {
    SECTION("case 3: -36, -23, -36 dBFS") {
        dsp::LoudnessMeter m = makeMeter(48000.0);
        play(m, stereo({{-36.0, 10.0}, {-23.0, 60.0}, {-36.0, 10.0}}));
        CHECK(m.integratedLufs() == Approx(-23.0).margin(0.1));
    }
    SECTION("case 4: -72, -36, -23, -36, -72 dBFS") {
        dsp::LoudnessMeter m = makeMeter(48000.0);
        play(m, stereo({{-72.0, 10.0}, {-36.0, 10.0}, {-23.0, 60.0}, {-36.0, 10.0}, {-72.0, 10.0}}));
        CHECK(m.integratedLufs() == Approx(-23.0).margin(0.1));
    }
    SECTION("case 5: -26, -20 (20.1 s), -26 dBFS") {
        dsp::LoudnessMeter m = makeMeter(48000.0);
        play(m, stereo({{-26.0, 20.0}, {-20.0, 20.1}, {-26.0, 20.0}}));
        CHECK(m.integratedLufs() == Approx(-23.0).margin(0.1));
    }
}

TEST_CASE("Tech 3341 case 6: 5.0 surround, the surrounds weighted 1.41, reads -23", "[dsp][loudness][ebu]") {
    dsp::LoudnessMeter m = makeMeter(48000.0, 5);  // L R C Ls Rs
    play(m, {{20.0, {-28.0, -28.0, -24.0, -30.0, -30.0}}});
    CHECK(m.integratedLufs() == Approx(-23.0).margin(0.1));
    CHECK(m.momentaryLufs() == Approx(-23.0).margin(0.1));
}

TEST_CASE("Tech 3341 case 9: short-term is a sliding 3 s window (-23 at every instant after 3 s)",
          "[dsp][loudness][ebu]") {
    std::vector<Stretch> s;
    for (int k = 0; k < 5; ++k) {
        s.push_back({1.34, {-20.0, -20.0}});
        s.push_back({1.66, {-30.0, -30.0}});
    }
    dsp::LoudnessMeter m = makeMeter(48000.0);
    double lowest = kInf, highest = -kInf;
    int polls = 0;
    play(m, s, 480, [&](const dsp::LoudnessMeter& meter, double t) {
        if (t < 3.0 - 1e-9) return;
        lowest = std::min(lowest, meter.shortTermLufs()), highest = std::max(highest, meter.shortTermLufs());
        ++polls;
    });
    INFO("short-term from 3 s to 15 s, every 10 ms: " << lowest << " .. " << highest << " LUFS");
    CHECK(polls > 1000);
    CHECK(lowest == Approx(-23.0).margin(0.1));
    CHECK(highest == Approx(-23.0).margin(0.1));
}

TEST_CASE("Tech 3341 case 12: momentary is a sliding 400 ms window (-23 at every instant after 1 s)",
          "[dsp][loudness][ebu]") {
    std::vector<Stretch> s;
    for (int k = 0; k < 25; ++k) {
        s.push_back({0.18, {-20.0, -20.0}});
        s.push_back({0.22, {-30.0, -30.0}});
    }
    dsp::LoudnessMeter m = makeMeter(48000.0);
    double lowest = kInf, highest = -kInf;
    play(m, s, 480, [&](const dsp::LoudnessMeter& meter, double t) {
        if (t < 1.0 - 1e-9) return;
        lowest = std::min(lowest, meter.momentaryLufs()), highest = std::max(highest, meter.momentaryLufs());
    });
    INFO("momentary from 1 s to 10 s, every 10 ms: " << lowest << " .. " << highest << " LUFS");
    CHECK(lowest == Approx(-23.0).margin(0.1));
    CHECK(highest == Approx(-23.0).margin(0.1));
}

namespace {
/// Cases 11 and 14: 20 bursts at -38 .. -19 dBFS, each followed by silence; the largest value of `read` polled
/// every 10 ms from the end of a burst's window to the start of the next burst, per burst.
template <class Read>
std::vector<double> burstMaxima(double burstSeconds, double gapSeconds, Read read) {
    std::vector<Stretch> s;
    for (int k = 0; k < 20; ++k) {
        const double db = -38.0 + k;
        s.push_back({burstSeconds, {db, db}});
        s.push_back({gapSeconds, {-kInf, -kInf}});
    }
    dsp::LoudnessMeter m = makeMeter(48000.0);
    std::vector<double> maxima(20, -kInf);
    const double period = burstSeconds + gapSeconds;
    play(m, s, 480, [&](const dsp::LoudnessMeter& meter, double t) {
        const auto k = static_cast<std::size_t>(std::floor((t - 1e-9) / period));
        if (k < maxima.size() && t - static_cast<double>(k) * period > burstSeconds * 0.5)
            maxima[k] = std::max(maxima[k], read(meter));
    });
    return maxima;
}
}  // namespace

TEST_CASE("Tech 3341 case 11: the largest short-term value of each 3 s burst is its level", "[dsp][loudness][ebu]") {
    const auto maxima = burstMaxima(3.0, 1.0, [](const dsp::LoudnessMeter& m) { return m.shortTermLufs(); });
    for (std::size_t k = 0; k < maxima.size(); ++k) {
        INFO("burst " << k + 1 << " at " << -38.0 + static_cast<double>(k) << " dBFS");
        CHECK(maxima[k] == Approx(-38.0 + static_cast<double>(k)).margin(0.1));
    }
}

TEST_CASE("Tech 3341 case 14: the largest momentary value of each 400 ms burst is its level", "[dsp][loudness][ebu]") {
    const auto maxima = burstMaxima(0.4, 0.6, [](const dsp::LoudnessMeter& m) { return m.momentaryLufs(); });
    for (std::size_t k = 0; k < maxima.size(); ++k) {
        INFO("burst " << k + 1 << " at " << -38.0 + static_cast<double>(k) << " dBFS");
        CHECK(maxima[k] == Approx(-38.0 + static_cast<double>(k)).margin(0.1));
    }
}

// ---- EBU Tech 3341: true peak -----------------------------------------------------------------------------------

TEST_CASE("Tech 3341 cases 15-19: true peak and sample peak of sines peaking between samples", "[dsp][loudness][ebu]") {
    // A sine that starts abruptly at 45 degrees is a step, and the band-limited signal through those samples
    // really does overshoot near the start (an inter-sample peak up to +0.5 dB here). The cases are about the
    // steady tone, so each fades in over 20 ms (raised cosine), and the momentary true peak of the last 400 ms is
    // checked as well.
    struct Case {
        int number;
        double cyclesPerSample, phaseDeg, amp, truePeakDb;
    };
    const Case cases[] = {{15, 1.0 / 4.0, 0.0, 0.5, -6.0},
                          {16, 1.0 / 4.0, 45.0, 0.5, -6.0},
                          {17, 1.0 / 6.0, 60.0, 0.5, -6.0},
                          {18, 1.0 / 8.0, 67.5, 0.5, -6.0},
                          {19, 1.0 / 4.0, 45.0, 1.41, 3.0}};
    for (double rate : {48000.0, 44100.0, 96000.0}) {
        for (const Case& c : cases) {
            const auto frames = static_cast<std::size_t>(rate);  // 1 s
            const auto fade = static_cast<std::size_t>(0.02 * rate);
            std::vector<std::vector<float>> x(2, std::vector<float>(frames));
            double samplePeak = 0.0;  // of the steady tone, from its definition
            for (std::size_t i = 0; i < frames; ++i) {
                const double s = c.amp * std::sin(2.0 * kPi * c.cyclesPerSample * static_cast<double>(i) +
                                                  c.phaseDeg * kPi / 180.0);
                const double env = i < fade ? 0.5 - 0.5 * std::cos(kPi * static_cast<double>(i) / static_cast<double>(fade)) : 1.0;
                x[0][i] = x[1][i] = static_cast<float>(s * env);
                if (i >= fade) samplePeak = std::max(samplePeak, std::fabs(static_cast<double>(static_cast<float>(s))));
            }
            dsp::LoudnessMeter m = makeMeter(rate);
            feed(m, x, 0, frames, 512);
            INFO("case " << c.number << " at " << rate << " Hz: true peak " << m.truePeakMaxDbtp() << " dBTP (momentary "
                         << m.momentaryTruePeakDbtp() << "), sample peak " << m.samplePeakMaxDbfs() << " dBFS");
            CHECK(m.truePeakMaxDbtp() >= c.truePeakDb - 0.4);
            CHECK(m.truePeakMaxDbtp() <= c.truePeakDb + 0.2);
            CHECK(m.momentaryTruePeakDbtp() >= c.truePeakDb - 0.4);
            CHECK(m.momentaryTruePeakDbtp() <= c.truePeakDb + 0.2);
            CHECK(m.samplePeakMaxDbfs() == Approx(20.0 * std::log10(samplePeak)).margin(1e-4));
            CHECK(m.truePeakMaxDbtp(0) == m.truePeakMaxDbtp(1));
        }
    }
}

TEST_CASE("the true-peak interpolator: error <= 1.1e-3 up to 0.40 fs, images 64 dB down from 0.6 fs",
          "[dsp][loudness]") {
    const dsp::TruePeakTaps taps = dsp::designTruePeakInterpolator();
    // Phase p interpolates the point 12 - p/4 samples back from the newest: compare with that exact delay.
    double worst40 = 0.0, worst42 = 0.0;
    for (int p = 1; p < dsp::kTruePeakPhases; ++p) {
        for (double f = 0.0; f <= 0.42 + 1e-12; f += 0.001) {
            std::complex<double> h = 0.0;
            for (int i = 0; i < dsp::kTruePeakTaps; ++i) h += taps[p][i] * std::polar(1.0, -2.0 * kPi * f * i);
            const double err = std::abs(h - std::polar(1.0, -2.0 * kPi * f * (12.0 - p / 4.0)));
            if (f <= 0.40 + 1e-12) worst40 = std::max(worst40, err);
            worst42 = std::max(worst42, err);
        }
    }
    // The 96-tap prototype at 4x (t = i - 12 + p/4 input samples) must remove the images of the band below 0.4 fs,
    // i.e. everything from 0.6 fs to 3.4 fs; its response is symmetric about 2 fs.
    double image = 0.0;
    for (double f = 0.6; f <= 2.0; f += 0.001) {
        std::complex<double> h = 0.0;
        for (int p = 0; p < dsp::kTruePeakPhases; ++p)
            for (int i = 0; i < dsp::kTruePeakTaps; ++i) h += taps[p][i] * std::polar(1.0, -2.0 * kPi * f * (i - 12.0 + p / 4.0));
        image = std::max(image, std::abs(h) / dsp::kTruePeakPhases);
    }
    INFO("error up to 0.40 fs " << worst40 << ", up to 0.42 fs " << worst42 << "; largest image " << 20.0 * std::log10(image) << " dB");
    CHECK(worst40 <= 1.1e-3);
    CHECK(worst42 <= 1.5e-3);
    CHECK(20.0 * std::log10(image) <= -64.0);
    for (int i = 0; i < dsp::kTruePeakTaps; ++i) CHECK(taps[0][i] == (i == 12 ? 1.0 : 0.0));  // phase 0: the sample
}

TEST_CASE("on band-limited noise the true peak is a long reference interpolator's on the same 4x grid",
          "[dsp][loudness]") {
    // Noise with nothing above 0.4 fs (12 sines of random frequency in 0.2-0.4 fs and random phase: high enough
    // that its peaks fall between samples), and a reference computed here: a
    // Kaiser (beta 12) windowed sinc over 128 input samples per phase, in double, on the same grid of four points
    // per sample. What is left is the meter's interpolation error (<= 1.1e-3, 0.01 dB) and float rounding.
    const double rate = 48000.0;
    const std::size_t frames = 12000;
    std::mt19937 gen(17);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<double> f(12), ph(12);
    for (std::size_t k = 0; k < f.size(); ++k) f[k] = 0.2 + 0.2 * unit(gen), ph[k] = 2.0 * kPi * unit(gen);
    std::vector<std::vector<float>> x(1, std::vector<float>(frames));
    for (std::size_t i = 0; i < frames; ++i) {
        double s = 0.0;
        for (std::size_t k = 0; k < f.size(); ++k) s += std::sin(2.0 * kPi * f[k] * static_cast<double>(i) + ph[k]);
        x[0][i] = static_cast<float>(0.08 * s);
    }
    constexpr int kTaps = 128;
    const auto i0 = [](double v) {
        double sum = 1.0, term = 1.0;
        for (int k = 1; k < 80; ++k) term *= (v / (2.0 * k)) * (v / (2.0 * k)), sum += term;
        return sum;
    };
    double reference = 0.0;
    for (int p = 0; p < 4; ++p) {
        std::vector<double> c(kTaps);
        for (int i = 0; i < kTaps; ++i) {
            const double t = i - kTaps / 2.0 + p / 4.0, r = t / (kTaps / 2.0);
            const double sinc = t == 0.0 ? 1.0 : std::sin(kPi * t) / (kPi * t);
            c[static_cast<std::size_t>(i)] = std::fabs(r) < 1.0 ? sinc * i0(12.0 * std::sqrt(1.0 - r * r)) / i0(12.0) : 0.0;
        }
        for (std::size_t n = kTaps; n < frames; ++n) {
            double y = 0.0;
            for (int i = 0; i < kTaps; ++i) y += c[static_cast<std::size_t>(i)] * x[0][n - static_cast<std::size_t>(i)];
            reference = std::max(reference, std::fabs(y));
        }
    }
    dsp::LoudnessMeter m = makeMeter(rate, 1);
    feed(m, x, 0, frames, 512);
    INFO("meter " << m.truePeakMaxDbtp() << " dBTP, reference " << 20.0 * std::log10(reference) << " dBTP, sample peak "
                  << m.samplePeakMaxDbfs() << " dBFS");
    CHECK(m.truePeakMaxDbtp() == Approx(20.0 * std::log10(reference)).margin(0.02));
    CHECK(m.truePeakMaxDbtp() > m.samplePeakMaxDbfs() + 0.1);  // there are inter-sample peaks to find
}

TEST_CASE("the momentary peaks cover the last 400-500 ms, the maxima stay until reset", "[dsp][loudness]") {
    dsp::LoudnessMeter m = makeMeter(48000.0);
    std::vector<std::pair<double, double>> seen;  // (time, momentary true peak)
    play(m, stereo({{-6.0, 1.0}, {-30.0, 2.0}}), 480,
         [&](const dsp::LoudnessMeter& meter, double t) { seen.emplace_back(t, meter.momentaryTruePeakDbtp()); });
    for (const auto& [t, tp] : seen) {
        INFO("at " << t << " s: " << tp << " dBTP");
        if (t > 1.0 + 0.5 + 1e-9) CHECK(tp == Approx(-30.0).margin(0.05));
        if (t > 0.1 && t < 1.0 + 0.4 - 1e-9) CHECK(tp == Approx(-6.0).margin(0.05));
    }
    CHECK(m.truePeakMaxDbtp() == Approx(-6.0).margin(0.05));
    CHECK(m.samplePeakMaxDbfs() == Approx(-6.0).margin(0.05));
    CHECK(m.momentarySamplePeakDbfs() == Approx(-30.0).margin(0.05));
}

// ---- EBU Tech 3342: loudness range ------------------------------------------------------------------------------

TEST_CASE("Tech 3342 cases 1-4: loudness range", "[dsp][loudness][ebu]") {
    struct Case {
        int number;
        std::vector<Stretch> signal;
        double lra;
    };
    const Case cases[] = {
        {1, stereo({{-20.0, 20.0}, {-30.0, 20.0}}), 10.0},
        {2, stereo({{-20.0, 20.0}, {-15.0, 20.0}}), 5.0},
        {3, stereo({{-40.0, 20.0}, {-20.0, 20.0}}), 20.0},
        {4, stereo({{-50.0, 20.0}, {-35.0, 20.0}, {-20.0, 20.0}, {-35.0, 20.0}, {-50.0, 20.0}}), 15.0},
    };
    for (const Case& c : cases) {
        dsp::LoudnessMeter m = makeMeter(48000.0);
        play(m, c.signal);
        INFO("case " << c.number << ": LRA " << m.loudnessRangeLu() << " LU");
        CHECK(m.loudnessRangeLu() == Approx(c.lra).margin(1.0));
    }
}

// ---- libebur128 ---------------------------------------------------------------------------------------------------

TEST_CASE("agrees with libebur128 on programme material at 44.1, 48 and 96 kHz", "[dsp][loudness][ebur128]") {
    // libebur128 (exact mode: every block kept in a list) is an independent meter. Differences to expect:
    //  - its high-pass keeps b = 1, -2, 1 at every rate, ours the 48 kHz gain (see LoudnessMeter.h): +0.0216 LU
    //    ours at 96 kHz, -0.0038 LU at 44.1 kHz, none at 48 kHz. Checked both ways: within 0.05 LU as they are,
    //    within 0.005 LU once that offset is taken out.
    //  - it takes the short-term values for its LRA once per second (3 s windows every 1 s), we at 10 Hz as Tech 3342
    //    asks, so the two LRAs are percentiles of different sets of values (43 against 430 here): they differ by up to
    //    1.4 LU on these 45 s of fast-changing programme (0.3 LU on the benchmark's 10 minutes), so no bound is set
    //    between them. It is not a histogram effect: libebur128's LRA is checked to be exactly Tech 3342 over its
    //    1 Hz values, and ours to be within 0.05 LU (0.0025 here) of Tech 3342 over libebur128's own short-term
    //    values at 10 Hz.
    struct Rate {
        double rate, offset;
    };
    for (const Rate r : {Rate{44100.0, -0.0038}, Rate{48000.0, 0.0}, Rate{96000.0, 0.0216}}) {
        const auto x = programme(r.rate, 45.0, 11);
        const auto inter = interleave(x);
        const int block = static_cast<int>(r.rate / 100.0);  // 10 ms: a hop is 10 blocks
        dsp::LoudnessMeter m = makeMeter(r.rate, 2, block);
        Ebur128 ref(2, r.rate);
        double worstM = 0.0, worstS = 0.0;
        std::vector<double> hopEnergy, shortTerm10Hz, shortTerm1Hz;
        const std::size_t frames = x[0].size();
        std::size_t blocks = 0;
        for (std::size_t pos = 0; pos + static_cast<std::size_t>(block) <= frames; pos += static_cast<std::size_t>(block)) {
            feed(m, x, pos, pos + static_cast<std::size_t>(block), block);
            ebur128_add_frames_float(ref.st, inter.data() + 2 * pos, static_cast<std::size_t>(block));
            ++blocks;
            if (blocks % 10 == 0) {  // a hop ends: libebur128's 100 ms energy, and from 3 s on the 3 s mean of 30
                const double l = ref.window(100);
                hopEnergy.push_back(l == -kInf ? 0.0 : energyOf(l));
                if (hopEnergy.size() >= 30) {
                    double e = 0.0;
                    for (std::size_t h = hopEnergy.size() - 30; h < hopEnergy.size(); ++h) e += hopEnergy[h];
                    shortTerm10Hz.push_back(e > 0.0 ? -0.691 + 10.0 * std::log10(e / 30.0) : -kInf);
                }
                if (blocks % 100 == 0 && blocks >= 300) shortTerm1Hz.push_back(ref.shortTerm());  // 3 s, 4 s, ...
            }
            if (blocks % 23 == 5) {  // M and S every 230 ms, i.e. anywhere within the hops
                const double rm = ref.momentary(), rs = ref.shortTerm();
                if (rm > -70.0) worstM = std::max(worstM, std::fabs(m.momentaryLufs() - r.offset - rm));
                if (rs > -70.0) worstS = std::max(worstS, std::fabs(m.shortTermLufs() - r.offset - rs));
            }
        }
        const double lra10Hz = exactRange(shortTerm10Hz), lra1Hz = exactRange(shortTerm1Hz);
        INFO(r.rate << " Hz: I " << m.integratedLufs() << " / libebur128 " << ref.integrated() << "; LRA " << m.loudnessRangeLu()
                    << " / Tech 3342 over libebur128's 10 Hz values " << lra10Hz << "; libebur128 LRA " << ref.range()
                    << " / Tech 3342 over its 1 Hz values " << lra1Hz << "; largest M difference " << worstM << ", S "
                    << worstS << " (after the expected offset " << r.offset << ")");
        CHECK(std::fabs(m.integratedLufs() - ref.integrated()) < 0.05);
        CHECK(std::fabs(m.integratedLufs() - r.offset - ref.integrated()) < 0.005);
        CHECK(worstM < 0.005);
        CHECK(worstS < 0.005);
        CHECK(std::fabs(m.loudnessRangeLu() - lra10Hz) < 0.05);
        CHECK(std::fabs(ref.range() - lra1Hz) < 1e-6);  // libebur128's LRA is Tech 3342 over 1 Hz values
    }
}

// ---- running, pause, reset --------------------------------------------------------------------------------------

TEST_CASE("paused integration ignores what plays during the pause while M and S follow it", "[dsp][loudness]") {
    for (double pauseAt : {10.0, 10.05}) {  // at a hop boundary, and in the middle of a hop
        dsp::LoudnessMeter m = makeMeter(48000.0);
        dsp::LoudnessMeter steady = makeMeter(48000.0);
        play(steady, stereo({{-23.0, 20.0}}));
        double pausedM = 0.0, pausedS = 0.0;
        play(m, stereo({{-23.0, pauseAt}}));
        {
            rt::RealtimeScope scope;
            m.setRunning(false);
        }
        CHECK_FALSE(m.running());
        play(m, stereo({{-8.0, 10.0}}), 480, [&](const dsp::LoudnessMeter& meter, double) {
            pausedM = meter.momentaryLufs(), pausedS = meter.shortTermLufs();
        });
        const dsp::LoudnessReadout during = m.readout();
        m.setRunning(true);
        play(m, stereo({{-23.0, 20.0 - pauseAt}}));
        INFO("paused at " << pauseAt << " s: I " << m.integratedLufs() << " (steady " << steady.integratedLufs() << "), LRA "
                          << m.loudnessRangeLu() << ", true peak " << m.truePeakMaxDbtp() << ", integrated "
                          << m.integratedSeconds() << " s");
        CHECK(pausedM == Approx(-8.0).margin(0.1));  // M and S show the paused programme
        CHECK(pausedS == Approx(-8.0).margin(0.1));
        CHECK_FALSE(during.running);
        CHECK(during.integratedLufs == Approx(steady.integratedLufs()).margin(0.01));
        CHECK(m.integratedLufs() == Approx(steady.integratedLufs()).margin(0.01));
        CHECK(m.loudnessRangeLu() < 0.1);
        CHECK(m.truePeakMaxDbtp() == Approx(-23.0).margin(0.05));  // the -8 dBFS peaks were paused
        CHECK(m.samplePeakMaxDbfs() == Approx(-23.0).margin(0.05));
        // Hops played while running: 0-10 s and 20-30 s; paused and resumed mid-hop, the two straddling hops drop out.
        CHECK(m.integratedSeconds() == Approx(pauseAt == 10.0 ? 20.0 : 19.9).margin(1e-9));
    }
}

TEST_CASE("reset starts over: a used meter then reads exactly like a new one", "[dsp][loudness]") {
    const auto x = programme(48000.0, 12.0, 5);
    const auto noise = programme(48000.0, 5.0, 6);
    dsp::LoudnessMeter used = makeMeter(48000.0);
    dsp::LoudnessMeter fresh = makeMeter(48000.0);
    feed(used, noise, 0, noise[0].size(), 333);
    used.setRunning(false);
    {
        rt::RealtimeScope scope;
        used.reset();
    }
    CHECK_FALSE(used.running());  // reset keeps the running state
    used.setRunning(true);
    const dsp::LoudnessReadout empty = used.readout();
    CHECK(empty.momentaryLufs == -kInf);
    CHECK(empty.shortTermLufs == -kInf);
    CHECK(empty.integratedLufs == -kInf);
    CHECK(empty.rangeLu == 0.0);
    CHECK(empty.truePeakMaxDbtp == -kInf);
    CHECK(empty.samplePeakMaxDbfs == -kInf);
    CHECK(empty.integratedSeconds == 0.0);
    feed(used, x, 0, x[0].size(), 333);
    feed(fresh, x, 0, x[0].size(), 333);
    const dsp::LoudnessReadout a = used.readout(), b = fresh.readout();
    CHECK(a.momentaryLufs == b.momentaryLufs);
    CHECK(a.shortTermLufs == b.shortTermLufs);
    CHECK(a.integratedLufs == b.integratedLufs);
    CHECK(a.rangeLu == b.rangeLu);
    CHECK(a.truePeakMaxDbtp == b.truePeakMaxDbtp);
    CHECK(a.momentaryTruePeakDbtp == b.momentaryTruePeakDbtp);
    CHECK(a.samplePeakMaxDbfs == b.samplePeakMaxDbfs);
    CHECK(a.integratedLufs > -40.0);
}

TEST_CASE("the block size does not change the readings", "[dsp][loudness]") {
    const auto x = programme(48000.0, 8.0, 9);
    dsp::LoudnessMeter a = makeMeter(48000.0, 2, 64), b = makeMeter(48000.0, 2, 4096);
    feed(a, x, 0, x[0].size(), 37);
    feed(b, x, 0, x[0].size(), 4096);
    CHECK(a.momentaryLufs() == Approx(b.momentaryLufs()).margin(1e-9));
    CHECK(a.shortTermLufs() == Approx(b.shortTermLufs()).margin(1e-9));
    CHECK(a.integratedLufs() == Approx(b.integratedLufs()).margin(1e-9));
    CHECK(a.loudnessRangeLu() == Approx(b.loudnessRangeLu()).margin(1e-9));
    CHECK(a.truePeakMaxDbtp() == b.truePeakMaxDbtp());
}

TEST_CASE("a 30-minute show allocates nothing and integrates like one pass of its programme", "[dsp][loudness]") {
    // At 8 kHz (14.4 M frames) so it stays quick under the sanitizers; the bookkeeping per 100 ms is the same at
    // every rate: 18 000 gating blocks and 17 971 short-term values go into the histograms.
    const double rate = 8000.0;
    const auto loop = programme(rate, 10.0, 3);
    dsp::LoudnessMeter once = makeMeter(rate, 2, 256);
    feed(once, loop, 0, loop[0].size(), 256);
    dsp::LoudnessMeter show = makeMeter(rate, 2, 256);
    test::RtViolationScope violations;
    std::vector<const float*> ptrs(2);
    dsp::LoudnessReadout last{};
    std::size_t blocks = 0;
    for (int pass = 0; pass < 180; ++pass) {
        for (std::size_t pos = 0; pos < loop[0].size(); pos += 256) {
            ptrs[0] = loop[0].data() + pos, ptrs[1] = loop[1].data() + pos;
            rt::RealtimeScope scope;
            show.process(ptrs.data(), static_cast<int>(std::min<std::size_t>(256, loop[0].size() - pos)));
            if (++blocks % 16 == 0) last = show.readout();  // readouts are real-time safe too (every 0.5 s)
        }
    }
    {
        rt::RealtimeScope scope;
        last = show.readout();
    }
    CHECK(violations.violations().total() == 0);
    INFO("30 min: I " << last.integratedLufs << ", LRA " << last.rangeLu << "; one pass: I " << once.integratedLufs()
                      << ", LRA " << once.loudnessRangeLu());
    CHECK(last.integratedSeconds == Approx(1800.0).margin(1e-6));
    CHECK(last.integratedLufs == Approx(once.integratedLufs()).margin(0.05));
    CHECK(last.rangeLu == Approx(once.loudnessRangeLu()).margin(0.5));
}

// ---- layouts, broken input, targets, limits ---------------------------------------------------------------------

TEST_CASE("channel weights: mono reads 3 dB under stereo, surrounds +1.5 dB, LFE not at all", "[dsp][loudness]") {
    const auto momentaryOf = [](dsp::LoudnessMeter& m, int channel) {
        std::vector<double> db(static_cast<std::size_t>(m.channels()), -kInf);
        db[static_cast<std::size_t>(channel)] = -23.0;
        m.reset();
        play(m, {{1.0, db}});
        return m.momentaryLufs();
    };
    dsp::LoudnessMeter mono = makeMeter(48000.0, 1);
    CHECK(momentaryOf(mono, 0) == Approx(-26.0).margin(0.1));  // BS.1770: a mono -23 dBFS sine reads -26
    mono.setChannelWeight(0, 2.0);                              // dual mono: meant for both sides
    CHECK(momentaryOf(mono, 0) == Approx(-23.0).margin(0.1));

    dsp::LoudnessMeter surround = makeMeter(48000.0, 6);  // L R C LFE Ls Rs
    const double left = momentaryOf(surround, 0);
    CHECK(momentaryOf(surround, 1) == Approx(left).margin(1e-6));
    CHECK(momentaryOf(surround, 2) == Approx(left).margin(1e-6));
    CHECK(momentaryOf(surround, 3) == -kInf);
    CHECK(momentaryOf(surround, 4) == Approx(left + 10.0 * std::log10(1.41)).margin(1e-6));
    CHECK(momentaryOf(surround, 5) == Approx(left + 10.0 * std::log10(1.41)).margin(1e-6));
    CHECK(surround.truePeakMaxDbtp(3) == -kInf);
    surround.setChannelRole(3, dsp::ChannelRole::Centre);
    CHECK(surround.channelWeight(3) == 1.0);
    CHECK(momentaryOf(surround, 3) == Approx(left).margin(1e-6));

    dsp::LoudnessMeter quad = makeMeter(48000.0, 4);  // L R Ls Rs
    CHECK(quad.channelWeight(2) == 1.41);
    CHECK(quad.channelWeight(3) == 1.41);
}

TEST_CASE("a NaN or an infinity in the input does not break the meter", "[dsp][loudness]") {
    dsp::LoudnessMeter m = makeMeter(48000.0);
    play(m, stereo({{-23.0, 5.0}}));
    std::vector<std::vector<float>> broken(2, std::vector<float>(480, 0.1f));
    broken[0][100] = std::numeric_limits<float>::quiet_NaN();
    broken[1][200] = std::numeric_limits<float>::infinity();
    broken[1][201] = -std::numeric_limits<float>::infinity();
    feed(m, broken, 0, 480, 480);
    play(m, stereo({{-23.0, 5.0}}));
    INFO("I " << m.integratedLufs() << ", M " << m.momentaryLufs() << ", true peak " << m.truePeakMaxDbtp());
    CHECK(m.momentaryLufs() == Approx(-23.0).margin(0.1));
    CHECK(m.integratedLufs() == Approx(-23.0).margin(0.1));
    CHECK(std::isfinite(m.truePeakMaxDbtp()));
    CHECK(m.truePeakMaxDbtp() < 0.0);
}

TEST_CASE("loudness targets: names, values and the distance from them", "[dsp][loudness]") {
    struct Expect {
        const char* name;
        double lufs, ceiling;
    };
    for (const Expect e : {Expect{"ebu", -23, -1}, Expect{"atsc", -24, -2}, Expect{"spotify", -14, -1},
                           Expect{"youtube", -14, -1}, Expect{"tidal", -14, -1}, Expect{"amazon", -14, -1},
                           Expect{"apple", -16, -1}, Expect{"aes", -18, -1}, Expect{"podcast", -16, -1}}) {
        const dsp::LoudnessTarget* t = dsp::findLoudnessTarget(e.name);
        INFO(e.name);
        REQUIRE(t != nullptr);
        CHECK(t->integratedLufs == e.lufs);
        CHECK(t->truePeakCeilingDbtp == e.ceiling);
        CHECK_FALSE(t->label.empty());
    }
    CHECK(dsp::kLoudnessTargets.size() == 9);
    CHECK(dsp::findLoudnessTarget("EBU") == nullptr);
    static_assert(dsp::findLoudnessTarget("spotify")->integratedLufs == -14.0);
    constexpr dsp::TargetDistance d = dsp::distanceFromTarget(*dsp::findLoudnessTarget("ebu"), -20.5, -0.25);
    static_assert(d.loudnessLu == 2.5 && d.truePeakDb == 0.75 && !d.peakWithinCeiling());
    const dsp::TargetDistance quiet = dsp::distanceFromTarget(*dsp::findLoudnessTarget("atsc"), -26.0, -3.0);
    CHECK(quiet.loudnessLu == -2.0);
    CHECK(quiet.truePeakDb == -1.0);
    CHECK(quiet.peakWithinCeiling());
}

TEST_CASE("prepare refuses what it cannot measure", "[dsp][loudness]") {
    dsp::LoudnessMeter m;
    CHECK_THROWS_AS(m.prepare(48000.0, 512, 0), std::invalid_argument);
    CHECK_THROWS_AS(m.prepare(48000.0, 512, 7), std::invalid_argument);
    CHECK_THROWS_AS(m.prepare(4000.0, 512, 2), std::invalid_argument);
    CHECK_NOTHROW(m.prepare(192000.0, 512, 6));
    CHECK(m.momentaryLufs() == -kInf);
}
