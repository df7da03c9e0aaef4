#pragma once
// Test signals and measurements, computed here from their definitions (not from engine code).

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <vector>

namespace foh::test {

inline std::vector<float> sine(double freq, double rate, std::size_t frames, double peak) {
    std::vector<float> out(frames);
    for (std::size_t i = 0; i < frames; ++i)
        out[i] = static_cast<float>(peak * std::sin(2.0 * std::numbers::pi * freq * static_cast<double>(i) / rate));
    return out;
}

/// A unit impulse: 1 at sample 0, then `frames - 1` zeros.
inline std::vector<float> impulse(std::size_t frames) {
    std::vector<float> x(frames, 0.0f);
    x[0] = 1.0f;
    return x;
}

inline std::vector<float> constant(std::size_t frames, float value) { return std::vector<float>(frames, value); }

inline std::vector<float> noise(std::size_t frames, float peak, unsigned seed = 1) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<float> dist(-peak, peak);
    std::vector<float> out(frames);
    for (float& s : out) s = dist(gen);
    return out;
}

inline double rms(const std::vector<float>& x, std::size_t from, std::size_t to) {
    double sum = 0.0;
    for (std::size_t i = from; i < to; ++i) sum += static_cast<double>(x[i]) * x[i];
    return std::sqrt(sum / static_cast<double>(to - from));
}

inline double peak(const std::vector<float>& x, std::size_t from, std::size_t to) {
    double p = 0.0;
    for (std::size_t i = from; i < to; ++i) p = std::max(p, static_cast<double>(std::fabs(x[i])));
    return p;
}

inline double maxStep(const std::vector<float>& x, std::size_t from, std::size_t to) {
    double m = 0.0;
    for (std::size_t i = std::max<std::size_t>(from, 1); i < to; ++i)
        m = std::max(m, static_cast<double>(std::fabs(x[i] - x[i - 1])));
    return m;
}

inline double toDb(double linear) { return 20.0 * std::log10(linear); }

/// Amplitude of the component at `freq` in x[from, to): a single-bin DFT (correlation with sin and cos). Exact for a
/// steady sine when the span holds a whole number of periods, and within a fraction of a dB otherwise for long spans.
inline double toneAmplitude(const std::vector<float>& x, double freq, double rate, std::size_t from, std::size_t to) {
    double re = 0.0, im = 0.0;
    for (std::size_t i = from; i < to; ++i) {
        const double ph = 2.0 * std::numbers::pi * freq * static_cast<double>(i) / rate;
        re += x[i] * std::cos(ph);
        im += x[i] * std::sin(ph);
    }
    return 2.0 * std::sqrt(re * re + im * im) / static_cast<double>(to - from);
}

/// The complex amplitude of the sinusoid at `freq` in x[from, to) as a - jb: a least-squares fit of a cos + b sin,
/// exact for a steady sine over any span (a single DFT bin is only exact over whole periods).
inline std::complex<double> phasor(const std::vector<float>& x, double freq, double rate, std::size_t from, std::size_t to) {
    double scc = 0.0, sss = 0.0, scs = 0.0, sxc = 0.0, sxs = 0.0;
    for (std::size_t i = from; i < to; ++i) {
        const double ph = 2.0 * std::numbers::pi * freq * static_cast<double>(i) / rate;
        const double c = std::cos(ph), s = std::sin(ph), v = x[i];
        scc += c * c, sss += s * s, scs += c * s, sxc += v * c, sxs += v * s;
    }
    const double det = scc * sss - scs * scs;
    return {(sxc * sss - sxs * scs) / det, -(sxs * scc - sxc * scs) / det};
}

/// A span length near `seconds` holding a whole number of periods of `freq`.
inline std::size_t wholePeriods(double freq, double rate, double seconds) {
    const double periods = std::max(1.0, std::round(seconds * freq));
    return static_cast<std::size_t>(std::round(periods * rate / freq));
}

/// 1/n-octave steps from 20 Hz: 20 * 2^(k/n) for k = 0 .. 10 n, the last (20.48 kHz) put at 20 kHz.
inline std::vector<double> octaveSteps(int perOctave) {
    std::vector<double> f;
    for (int k = 0; k <= 10 * perOctave; ++k) f.push_back(20.0 * std::pow(2.0, k / static_cast<double>(perOctave)));
    f.back() = 20000.0;
    return f;
}

}  // namespace foh::test
