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

template <int F>
void upsampleChannel(const float* taps, int phaseTaps, const float* in, float* out, int n) noexcept {
    // in[-P .. n) is valid: y[F m + p] = sum_l taps[l][p] in[m - l]. The F phases are independent lanes of one
    // multiply-add per input sample, which the compiler can run side by side.
    for (int m = 0; m < n; ++m) {
        float acc[F] = {};
        const float* x = in + m;
        for (int l = 0; l < phaseTaps; ++l) {
            const float v = x[-l];
            const float* t = taps + l * F;
            for (int p = 0; p < F; ++p) acc[p] += t[p] * v;
        }
        for (int p = 0; p < F; ++p) out[F * m + p] = acc[p];
    }
}

template <int F>
void downsampleChannel(const float* taps, int phaseTaps, const float* in, float* out, int n) noexcept {
    // in[-(F (P + 1) - 1) .. F n) is valid: z[m] = sum_k h[k] in[F m - k], taken one input period (F samples,
    // contiguous) per step l, in F partial sums added at the end.
    for (int m = 0; m < n; ++m) {
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
        switch (factor_) {
            case 2: upsampleChannel<2>(upTaps_.data(), phaseTaps_, base + history, out, n); break;
            case 8: upsampleChannel<8>(upTaps_.data(), phaseTaps_, base + history, out, n); break;
            default: upsampleChannel<4>(upTaps_.data(), phaseTaps_, base + history, out, n); break;
        }
        std::memmove(base, base + n, sizeof(float) * static_cast<std::size_t>(history));
    }
}

void Oversampler::downsample(float* left, float* right, int n) FOH_RT {
    n = std::clamp(n, 0, maxBlock_);
    float* out[kChannels] = {left, right};
    for (int ch = 0; ch < kChannels; ++ch) {
        const float* in = oversampled(ch);
        switch (factor_) {
            case 2: downsampleChannel<2>(downTaps_.data(), phaseTaps_, in, out[ch], n); break;
            case 8: downsampleChannel<8>(downTaps_.data(), phaseTaps_, in, out[ch], n); break;
            default: downsampleChannel<4>(downTaps_.data(), phaseTaps_, in, out[ch], n); break;
        }
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
