#include "dsp/Oversampler.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>
#include <numbers>

namespace foh::dsp {
namespace {
/// The zeroth-order modified Bessel function of the first kind, by its power series (converges for any x; the
/// Kaiser windows here need x up to beta ~ 10, where 40 terms are far more than enough).
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

/// Kaiser's empirical beta for a stopband of `attenuationDb` (Oppenheim & Schafer, eq. 7.62).
double kaiserBeta(double attenuationDb) {
    if (attenuationDb > 50.0) return 0.1102 * (attenuationDb - 8.7);
    if (attenuationDb >= 21.0)
        return 0.5842 * std::pow(attenuationDb - 21.0, 0.4) + 0.07886 * (attenuationDb - 21.0);
    return 0.0;
}

/// Taps per phase for the design: Kaiser's length estimate N - 1 = (A - 7.95) / (14.36 df), with df the transition
/// width at the high rate, i.e. (stop - pass) / F; N - 1 = F P, so P does not depend on F. Rounded up to even so
/// the up-only latency P / 2 is a whole number of base-rate samples.
int taps(const Oversampler::Design& d) {
    const double width = std::max(1e-3, d.stopband - d.passband);
    int p = static_cast<int>(std::ceil((d.attenuationDb - 7.95) / (14.36 * width)));
    p = std::max(p, 2);
    return p + (p & 1);
}

typedef float F8 __attribute__((vector_size(32)));

/// y[F m + p] = sum_l taps[l][p] in[m - l], for one output period (F outputs) at a time, l ascending from 0.
template <int F>
[[gnu::always_inline]] inline void upsampleOne(const float* taps, int phaseTaps, const float* x, float* out) noexcept {
    float acc[F] = {};
    for (int l = 0; l < phaseTaps; ++l) {
        const float v = x[-l];
        const float* t = taps + l * F;
        for (int p = 0; p < F; ++p) acc[p] += t[p] * v;
    }
    for (int p = 0; p < F; ++p) out[p] = acc[p];
}

/// The same sums for 8 M consecutive inputs at once: input samples in the lanes of a vector, one vector of
/// accumulators per phase. One output period alone is a chain of P + 1 dependent adds (latency-bound: ~4 cycles
/// each); F M independent chains keep the adder busy. Each output is still 0 + t[0] x + t[1] x + ... in the order
/// above, so the samples are the same to the bit as upsampleOne's (no FMA under -ffp-contract=off).
template <int F, int M>
[[gnu::always_inline]] inline void upsampleGroup(const float* taps, int phaseTaps, const float* x, float* out) noexcept {
    F8 acc[F][M] = {};
    for (int l = 0; l < phaseTaps; ++l) {
        F8 v[M];
        for (int k = 0; k < M; ++k) __builtin_memcpy(&v[k], x + 8 * k - l, sizeof(F8));
        const float* t = taps + l * F;
        for (int p = 0; p < F; ++p) {
            const F8 tp = {t[p], t[p], t[p], t[p], t[p], t[p], t[p], t[p]};
            for (int k = 0; k < M; ++k) acc[p][k] += tp * v[k];
        }
    }
    for (int k = 0; k < M; ++k)
        for (int j = 0; j < 8; ++j)
            for (int p = 0; p < F; ++p) out[F * (8 * k + j) + p] = acc[p][k][j];
}

template <int F>
[[gnu::always_inline]] inline void upsampleChannel(const float* taps, int phaseTaps, const float* in, float* out,
                                                   int n) noexcept {
    // in[-P .. n) is valid. F M accumulator vectors: 8 at any factor (fits the 16 AVX registers with the inputs).
    constexpr int M = F >= 8 ? 1 : 8 / F;
    int m = 0;
    for (; m + 8 * M <= n; m += 8 * M) upsampleGroup<F, M>(taps, phaseTaps, in + m, out + F * m);
    for (; m < n; ++m) upsampleOne<F>(taps, phaseTaps, in + m, out + F * m);
}

// Compiled twice (AVX2 and baseline x86-64), as CascadeBank's lanes; the loader picks at start-up.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void upsampleKernel(int factor, const float* taps,
                                                                               int phaseTaps, const float* in,
                                                                               float* out, int n) noexcept {
    switch (factor) {
        case 2: upsampleChannel<2>(taps, phaseTaps, in, out, n); break;
        case 8: upsampleChannel<8>(taps, phaseTaps, in, out, n); break;
        default: upsampleChannel<4>(taps, phaseTaps, in, out, n); break;
    }
}

/// z[m] = sum_q (sum_l taps[l][q] in[F (m - l) - F + 1 + q]), the inner sums over l ascending, then q ascending.
template <int F>
[[gnu::always_inline]] inline void downsampleOne(const float* taps, int phaseTaps, const float* in, float* out,
                                                 int m) noexcept {
    float acc[F] = {};
    for (int l = 0; l < phaseTaps; ++l) {
        const float* v = in + F * (m - l) - F + 1;
        const float* t = taps + l * F;
        for (int q = 0; q < F; ++q) acc[q] += t[q] * v[q];
    }
    float sum = 0.0f;
    for (int q = 0; q < F; ++q) sum += acc[q];
    out[m] = sum;
}

/// The same for 64 / F consecutive outputs at once: the F-sample windows of 8 / F neighbouring outputs lie side by
/// side in memory, so one vector load takes them all and a vector of the period's taps repeated 8 / F times
/// serves them; eight such vectors are eight independent chains instead of one. Same operations per output, same
/// order: the same bits as downsampleOne.
template <int F>
[[gnu::always_inline]] inline void downsampleGroup(const float* taps, int phaseTaps, const float* in, float* out,
                                                   int m0) noexcept {
    constexpr int kPer = 8 / F;  // outputs per vector
    F8 acc[8] = {};
    for (int l = 0; l < phaseTaps; ++l) {
        F8 t;
        for (int j = 0; j < 8; ++j) t[j] = taps[l * F + j % F];
        const float* v = in + F * (m0 - l) - F + 1;
        for (int k = 0; k < 8; ++k) {
            F8 x;
            __builtin_memcpy(&x, v + 8 * k, sizeof(F8));
            acc[k] += t * x;
        }
    }
    for (int k = 0; k < 8; ++k)
        for (int j = 0; j < kPer; ++j) {
            float sum = 0.0f;
            for (int q = 0; q < F; ++q) sum += acc[k][F * j + q];
            out[m0 + kPer * k + j] = sum;
        }
}

template <int F>
[[gnu::always_inline]] inline void downsampleChannel(const float* taps, int phaseTaps, const float* in, float* out,
                                                     int n) noexcept {
    // in[-(F (P + 1) - 1) .. F n) is valid: z[m] = sum_k h[k] in[F m - k], taken one input period (F samples,
    // contiguous) per step l, in F partial sums added at the end.
    constexpr int kGroup = 64 / F;
    int m = 0;
    for (; m + kGroup <= n; m += kGroup) downsampleGroup<F>(taps, phaseTaps, in, out, m);
    for (; m < n; ++m) downsampleOne<F>(taps, phaseTaps, in, out, m);
}

__attribute__((target_clones("arch=x86-64-v3", "default"))) void downsampleKernel(int factor, const float* taps,
                                                                                 int phaseTaps, const float* in,
                                                                                 float* out, int n) noexcept {
    switch (factor) {
        case 2: downsampleChannel<2>(taps, phaseTaps, in, out, n); break;
        case 8: downsampleChannel<8>(taps, phaseTaps, in, out, n); break;
        default: downsampleChannel<4>(taps, phaseTaps, in, out, n); break;
    }
}
}  // namespace

void Oversampler::prepare(double sampleRate, int maxBlock, int factor, const Design& design) {
    sampleRate_ = sampleRate;
    factor_ = (factor == 2 || factor == 8) ? factor : 4;
    maxBlock_ = std::max(1, maxBlock);
    const int p = taps(design);
    phaseTaps_ = p + 1;
    const int f = factor_;
    const int length = f * p + 1;

    // Windowed sinc, cut off halfway through the transition band, centred on tap F P / 2.
    const double cutoff = 0.5 * (design.passband + design.stopband) / f;  // cycles per high-rate sample
    const double beta = kaiserBeta(design.attenuationDb);
    const double centre = 0.5 * (length - 1);
    const double i0Beta = besselI0(beta);
    prototype_.assign(static_cast<std::size_t>(length), 0.0);
    double sum = 0.0;
    for (int k = 0; k < length; ++k) {
        const double t = k - centre;
        const double sinc = t == 0.0 ? 2.0 * cutoff : std::sin(2.0 * std::numbers::pi * cutoff * t) / (std::numbers::pi * t);
        const double r = t / centre;
        const double window = besselI0(beta * std::sqrt(std::max(0.0, 1.0 - r * r))) / i0Beta;
        prototype_[k] = sinc * window;
        sum += prototype_[k];
    }
    for (double& h : prototype_) h /= sum;  // DC gain exactly 1 (the window leaves it within the ripple of 1)

    upTaps_.assign(static_cast<std::size_t>(phaseTaps_ * f), 0.0f);
    downTaps_.assign(static_cast<std::size_t>(phaseTaps_ * f), 0.0f);
    for (int l = 0; l < phaseTaps_; ++l)
        for (int q = 0; q < f; ++q) {
            const int up = q + f * l;  // phase q's tap l
            if (up < length) upTaps_[l * f + q] = static_cast<float>(f * prototype_[up]);  // zero-stuffing loses 1/F
            const int down = f * l + f - 1 - q;
            if (down < length) downTaps_[l * f + q] = static_cast<float>(prototype_[down]);
        }

    downHistory_ = f * phaseTaps_ - 1;
    for (int ch = 0; ch < kChannels; ++ch) {
        base_[ch].assign(static_cast<std::size_t>(p + maxBlock_), 0.0f);
        os_[ch].assign(static_cast<std::size_t>(downHistory_ + f * maxBlock_), 0.0f);
    }
}

void Oversampler::reset() FOH_RT {
    for (int ch = 0; ch < kChannels; ++ch) {
        std::fill(base_[ch].begin(), base_[ch].end(), 0.0f);
        std::fill(os_[ch].begin(), os_[ch].end(), 0.0f);
    }
}

void Oversampler::upsample(const float* left, const float* right, int n) FOH_RT {
    n = std::clamp(n, 0, maxBlock_);
    const int history = phaseTaps_ - 1;
    const float* in[kChannels] = {left, right};
    for (int ch = 0; ch < kChannels; ++ch) {
        float* base = base_[ch].data();
        std::memcpy(base + history, in[ch], sizeof(float) * static_cast<std::size_t>(n));
        float* out = oversampled(ch);
        upsampleKernel(factor_, upTaps_.data(), phaseTaps_, base + history, out, n);
        std::memmove(base, base + n, sizeof(float) * static_cast<std::size_t>(history));
    }
}

void Oversampler::downsample(float* left, float* right, int n) FOH_RT {
    n = std::clamp(n, 0, maxBlock_);
    float* out[kChannels] = {left, right};
    for (int ch = 0; ch < kChannels; ++ch) {
        const float* in = oversampled(ch);
        downsampleKernel(factor_, downTaps_.data(), phaseTaps_, in, out[ch], n);
        float* os = os_[ch].data();
        std::memmove(os, os + factor_ * n, sizeof(float) * static_cast<std::size_t>(downHistory_));
    }
}

double Oversampler::responseDb(double freq) const {
    const double w = 2.0 * std::numbers::pi * freq / (sampleRate_ * factor_);
    std::complex<double> sum = 0.0;
    for (std::size_t k = 0; k < prototype_.size(); ++k) sum += prototype_[k] * std::polar(1.0, -w * static_cast<double>(k));
    return 20.0 * std::log10(std::abs(sum));
}

}  // namespace foh::dsp
