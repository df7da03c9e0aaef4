#pragma once
// Test signals and measurements, computed here from their definitions (not from engine code).

#include <algorithm>
#include <cmath>
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

/// A span length near `seconds` holding a whole number of periods of `freq`.
inline std::size_t wholePeriods(double freq, double rate, double seconds) {
    const double periods = std::max(1.0, std::round(seconds * freq));
    return static_cast<std::size_t>(std::round(periods * rate / freq));
}

}  // namespace foh::test
