#include "dsp/Saturation.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numbers>

#include "dsp/Decibels.h"

namespace foh::dsp {
namespace {

/// The oversampling factor Oversampler::prepare() will use for `requested`.
int factorFor(int requested) { return (requested == 2 || requested == 8) ? requested : 4; }

/// Base-rate samples the curve's stage may take (so the oversampler is designed with this many taps per phase fewer):
/// 2, or 4 at 2x, where two would leave the equaliser only 4 terms (0.1 dB off at 19 kHz instead of 1e-6 dB).
int curveLatencyFor(int factor) { return factor == 2 ? 4 : 2; }

/// kMastering with its stopband moved up just far enough (by 0.1 kHz at 48 kHz for 38 taps, 0.55 kHz for 36) that
/// Kaiser's estimate gives `taps` per phase instead of 40: same passband, same 100 dB, same arithmetic as taps() in
/// Oversampler.cpp (P = (A - 7.95) / (14.36 (stop - pass)), rounded up).
Oversampler::Design designFor(int curveLatency) {
    Oversampler::Design d = Oversampler::kMastering;
    const double p = 40.0 - curveLatency;
    d.stopband = d.passband + (d.attenuationDb - 7.95) / (14.36 * p) + 1e-6;
    return d;
}

/// Below this step between two driven inputs the difference quotient is replaced by the curve at the midpoint. The
/// quotient's rounding error is about 2^-52 |x| / step (1e-10 for |x| = 30, -200 dB), the midpoint's error
/// max|tanh''| step^2 / 24 (3e-12): both far under float resolution.
constexpr double kMinStep = 1e-5;
}  // namespace

float Saturation::curve(float x) noexcept { return std::copysign(std::tanh(std::fabs(x)), x); }

int Saturation::autoOversampling(double sampleRate) noexcept {
    if (sampleRate * 4.0 >= 352800.0) return sampleRate * 2.0 >= 352800.0 ? 2 : 4;
    return 8;
}

double Saturation::curveAntiderivative(double x) noexcept {
    // log cosh x = |x| + log(1 + e^(-2|x|)) - log 2: no overflow for any x, and even (exactly: it sees only |x|).
    const double a = std::fabs(x);
    return a + std::log1p(std::exp(-2.0 * a)) - std::numbers::ln2;
}

float Saturation::antialiasedCurve(double x, CurveState& s) noexcept {
    const double big = curveAntiderivative(x);
    const double step = x - s.x;
    const double y = std::fabs(step) > kMinStep ? (big - s.big) / step
                                                : std::copysign(std::tanh(std::fabs(0.5 * (x + s.x))), x + s.x);
    s.x = x;
    s.big = big;
    return static_cast<float>(y);
}

std::vector<double> Saturation::equaliserTaps(int order) {
    // G(z) = z^-J - S(z)^J with S(z) = -(1 - z^-1)^2 / 4, whose response is sin^2(w / 2) e^(-jw): G is 1 - sin^2J(w/2)
    // delayed by J, i.e. flat to within sin^2J(w / 2). The difference quotient's linear part is (1 + z^-1) / 2 (which
    // G has as a factor, G being 0 at w = pi), so the equaliser is E = 2 G / (1 + z^-1): 2 J taps, symmetric, J - 1/2
    // samples of delay.
    const int j = std::max(1, order);
    std::vector<double> g(static_cast<std::size_t>(2 * j + 1), 0.0);
    // (1 - z^-1)^(2J) by its binomial coefficients, times (-1/4)^J.
    double c = std::pow(-0.25, j);
    for (int k = 0; k <= 2 * j; ++k) {
        g[static_cast<std::size_t>(k)] = -c;
        c *= -static_cast<double>(2 * j - k) / static_cast<double>(k + 1);
    }
    g[static_cast<std::size_t>(j)] += 1.0;
    std::vector<double> e(static_cast<std::size_t>(2 * j), 0.0);
    double previous = 0.0;
    for (std::size_t k = 0; k < e.size(); ++k) previous = e[k] = 2.0 * g[k] - previous;  // E (1 + z^-1) / 2 = G
    return e;
}

void Saturation::prepare(double sampleRate, int maxBlock, int oversampling) {
    sampleRate_ = sampleRate;
    maxBlock_ = std::max(1, maxBlock);
    rampSamples_ = std::max(1, static_cast<int>(std::lround(kRampSeconds * sampleRate)));
    const int factor = factorFor(oversampling == kAutoOversampling ? autoOversampling(sampleRate) : oversampling);
    curveLatency_ = curveLatencyFor(factor);
    os_.prepare(sampleRate, maxBlock_, factor, designFor(curveLatency_));
    // The equaliser takes kEqualiserOrder oversampled samples with the curve's half; the rest of curveLatency_ (at
    // 8x) is a plain delay: the equaliser reads that much further back in its history.
    const std::vector<double> taps = equaliserTaps(kEqualiserOrder);
    eqTaps_.assign(taps.rbegin(), taps.rend());  // oldest first
    eqHistory_ = static_cast<int>(eqTaps_.size()) - 1 + (curveLatency_ * factor - kEqualiserOrder);
    const std::size_t line = std::bit_ceil(static_cast<std::size_t>(latencySamples()) + 1);
    for (int ch = 0; ch < Oversampler::kChannels; ++ch) {
        line_[ch].assign(line, 0.0f);
        wetOut_[ch].assign(static_cast<std::size_t>(maxBlock_), 0.0f);
        curveOut_[ch].assign(static_cast<std::size_t>(eqHistory_ + factor * maxBlock_), 0.0f);
    }
    lineMask_ = line - 1;
    setDriveDb(driveDb_);
    setMix(mixPercent_);
    setOutputTrimDb(trimDb_);
    reset();
}

void Saturation::reset() FOH_RT {
    os_.reset();
    for (std::vector<float>& l : line_) std::fill(l.begin(), l.end(), 0.0f);
    for (std::vector<float>& c : curveOut_) std::fill(c.begin(), c.end(), 0.0f);
    for (CurveState& s : curve_) s = CurveState{};
    pos_ = 0;
    drive_.snapTo(drive_.target());
    wet_.snapTo(wet_.target());
    dry_.snapTo(dry_.target());
    trim_.snapTo(trim_.target());
}

void Saturation::setDriveDb(float db) FOH_RT {
    if (!std::isfinite(db)) return;
    driveDb_ = std::clamp(db, kMinDriveDb, kMaxDriveDb);
    drive_.rampTo(dbToGain(driveDb_), rampSamples_ * os_.factor());  // the same 20 ms at the oversampled rate
}

void Saturation::setMix(float percent) FOH_RT {
    if (!std::isfinite(percent)) return;
    mixPercent_ = std::clamp(percent, 0.0f, 100.0f);
    const float wet = mixPercent_ * 0.01f;
    wet_.rampTo(wet, rampSamples_);
    dry_.rampTo(1.0f - wet, rampSamples_);  // exactly 1 at 0 %, exactly 0 at 100 %
}

void Saturation::setOutputTrimDb(float db) FOH_RT {
    if (!std::isfinite(db)) return;
    trimDb_ = std::clamp(db, kMinTrimDb, kMaxTrimDb);
    trim_.rampTo(dbToGain(trimDb_), rampSamples_);
}

void Saturation::process(float* left, float* right, int n) FOH_RT {
    for (int done = 0; done < n;) {
        const int m = std::min(n - done, maxBlock_);
        processPiece(left + done, right + done, m);
        done += m;
    }
}

void Saturation::processPiece(float* left, float* right, int n) FOH_RT {
    os_.upsample(left, right, n);
    const int points = os_.factor() * n;
    float* os[Oversampler::kChannels] = {os_.oversampled(0), os_.oversampled(1)};
    float* curved[Oversampler::kChannels] = {curveOut_[0].data() + eqHistory_, curveOut_[1].data() + eqHistory_};
    // The curve, anti-aliased: each oversampled output is the curve's mean along the straight line between two
    // consecutive driven inputs (its antiderivative's difference quotient), half an oversampled sample late.
    if (drive_.ramping()) {
        for (int i = 0; i < points; ++i) {
            const float g = drive_.next();
            for (int ch = 0; ch < Oversampler::kChannels; ++ch)
                curved[ch][i] = antialiasedCurve(g * os[ch][i], curve_[ch]);
        }
    } else {
        const float g = drive_.current();
        for (int ch = 0; ch < Oversampler::kChannels; ++ch)
            for (int i = 0; i < points; ++i) curved[ch][i] = antialiasedCurve(g * os[ch][i], curve_[ch]);
    }
    // The equaliser, into the oversampler's buffer: flat and on time again. Summed tap by tap over the whole block
    // (each output its own lane) so that it runs as a vector without reordering any sum.
    const int taps = static_cast<int>(eqTaps_.size());
    const float* e = eqTaps_.data();
    for (int ch = 0; ch < Oversampler::kChannels; ++ch) {
        const float* c = curved[ch] - eqHistory_;  // c[i + k] is tap k's input for output i (oldest tap first)
        float* out = os[ch];
        std::fill(out, out + points, 0.0f);
        for (int k = 0; k < taps; ++k) {
            const float t = e[k];
            const float* in = c + k;
            for (int i = 0; i < points; ++i) out[i] += t * in[i];
        }
        float* history = curveOut_[ch].data();
        std::memmove(history, history + points, sizeof(float) * static_cast<std::size_t>(eqHistory_));
    }
    os_.downsample(wetOut_[0].data(), wetOut_[1].data(), n);

    // The dry path, delayed by the same latency as the wet, then the mix and the trim.
    const auto delay = static_cast<std::size_t>(latencySamples());
    float* lineL = line_[0].data();
    float* lineR = line_[1].data();
    const float* wetL = wetOut_[0].data();
    const float* wetR = wetOut_[1].data();
    for (int i = 0; i < n; ++i) {
        const std::size_t write = pos_ & lineMask_;
        lineL[write] = left[i];
        lineR[write] = right[i];
        const std::size_t read = (pos_ - delay) & lineMask_;
        const float w = wet_.next(), d = dry_.next(), t = trim_.next();
        left[i] = t * (w * wetL[i] + d * lineL[read]);
        right[i] = t * (w * wetR[i] + d * lineR[read]);
        ++pos_;
    }
}

}  // namespace foh::dsp
