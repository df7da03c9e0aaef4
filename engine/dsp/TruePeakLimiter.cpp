#include "dsp/TruePeakLimiter.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "dsp/Decibels.h"
#include "dsp/FastMath.h"

namespace foh::dsp {
namespace {
/// The running means hold gains as integers in units of 2^-40: 1e-12 resolution (far below a float's 6e-8 near 1),
/// and the second sum, at most 2^40 box^2, stays under 2^63 for boxes up to 2^11 samples (1.3 MHz sample rates).
constexpr double kGainUnit = 1099511627776.0;  // 2^40
constexpr std::int64_t kUnity = std::int64_t{1} << 40;

/// A released gain this close to unity (log2 distance: 6e-6 dB) is unity: the one-pole would otherwise creep up on
/// 1.0 for ever and the limiter would never be bit-transparent again.
constexpr float kUnitySnapLog2 = -1e-6f;

typedef float F8 __attribute__((vector_size(32)));
typedef std::int32_t I8 __attribute__((vector_size(32)));

/// The refined peak of every oversampled point (a[-2..points) valid: the |points| with the previous block's last
/// two in front), then the largest of the F points of each input sample folded into peaks, eight points to a
/// vector; compiled for AVX2 and baseline x86-64 as CascadeBank's lanes.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void refinePeaks(const float* a, float* v, float* peaks,
                                                                            int n) noexcept {
    constexpr int F = TruePeakLimiter::kOversampling;
    const int points = F * n;
    int i = 0;
    // Written in vectors: GCC 12 keeps the scalar loop below scalar, with branches. The same operations per lane.
    for (; i + 8 <= points; i += 8) {
        F8 a2, a1, a0;
        __builtin_memcpy(&a2, a + i, sizeof(F8));
        __builtin_memcpy(&a1, a + i + 1, sizeof(F8));
        __builtin_memcpy(&a0, a + i + 2, sizeof(F8));
        const F8 curvature = 2.0f * a1 - a0 - a2;
        const F8 slope = a0 - a2;
        const I8 vertex = (a1 >= a0) & (a1 >= a2) & (curvature > 0.0f);
        const F8 zero = {}, one = zero + 1.0f;
        const F8 num = vertex ? slope * slope : zero;
        const F8 den = vertex ? 8.0f * curvature : one;
        const F8 r = a1 + num / den;
        __builtin_memcpy(v + i, &r, sizeof(F8));
    }
    for (; i < points; ++i) {
        const float a2 = a[i], a1 = a[i + 1], a0 = a[i + 2];
        const float curvature = 2.0f * a1 - a0 - a2;
        const float slope = a0 - a2;
        const bool vertex = (a1 >= a0) & (a1 >= a2) & (curvature > 0.0f);
        const float num = vertex ? slope * slope : 0.0f;
        const float den = vertex ? 8.0f * curvature : 1.0f;
        v[i] = a1 + num / den;
    }
    for (int m = 0; m < n; ++m) {
        float peak = peaks[m];
        for (int p = 0; p < F; ++p) peak = std::max(peak, v[F * m + p]);
        peaks[m] = peak;
    }
}

}  // namespace

void TruePeakLimiter::prepare(double sampleRate, int maxBlock) {
    sampleRate_ = sampleRate;
    maxBlock_ = std::max(1, maxBlock);
    rampSamples_ = std::max(1, static_cast<int>(std::lround(kRampSeconds * sampleRate)));
    detector_.prepare(sampleRate, maxBlock_, kOversampling, Oversampler::kPeakDetection);
    abs_.assign(static_cast<std::size_t>(kOversampling * maxBlock_ + 2), 0.0f);
    peaks_.assign(static_cast<std::size_t>(maxBlock_), 0.0f);
    refined_.assign(static_cast<std::size_t>(kOversampling * maxBlock_), 0.0f);

    // The window: the largest odd number of samples within the look-ahead (two means of `box` span 2 box - 1).
    const int within = std::max(1, static_cast<int>(std::floor(kLookaheadSeconds * sampleRate)));
    box_ = (within + 1) / 2;
    window_ = 2 * box_ - 1;

    const std::size_t wedge = std::bit_ceil(static_cast<std::size_t>(window_) + 1);
    wedgeValue_.assign(wedge, 1.0f);
    wedgeIndex_.assign(wedge, 0);
    wedgeMask_ = wedge - 1;
    ring1_.assign(static_cast<std::size_t>(box_), kUnity);
    ring2_.assign(static_cast<std::size_t>(box_), kUnity * box_);
    sumToGain_ = 1.0 / (kGainUnit * box_ * box_);
    const std::size_t line = std::bit_ceil(static_cast<std::size_t>(latencySamples()) + 1);
    for (std::vector<float>& d : delay_) d.assign(line, 0.0f);
    delayMask_ = line - 1;

    setCeilingDb(ceilingDb_);
    setReleaseMs(releaseMs_);
    inputGain_.snapTo(dbToGain(inputGainDb_));
    reset();
}

void TruePeakLimiter::reset() FOH_RT {
    detector_.reset();
    for (auto& ch : prevAbs_) ch[0] = ch[1] = 0.0f;
    prevPeak_[0] = prevPeak_[1] = 0.0f;
    wedgeHead_ = wedgeTail_ = 0;
    now_ = 0;
    logGain_ = 0.0f;
    std::fill(ring1_.begin(), ring1_.end(), kUnity);
    std::fill(ring2_.begin(), ring2_.end(), kUnity * box_);
    ringPos_ = 0;
    sum1_ = kUnity * box_;
    sum2_ = sum1_ * box_;
    for (std::vector<float>& d : delay_) std::fill(d.begin(), d.end(), 0.0f);
    inputGain_.snapTo(inputGain_.target());
    minGain_ = 1.0f;
}

void TruePeakLimiter::setCeilingDb(float db) FOH_RT {
    if (!std::isfinite(db)) return;
    ceilingDb_ = std::clamp(db, kMinCeilingDb, kMaxCeilingDb);
    target_ = dbToGain(ceilingDb_ - kDetectionMarginDb);
}

void TruePeakLimiter::setReleaseMs(float ms) FOH_RT {
    if (!std::isfinite(ms)) return;
    releaseMs_ = std::clamp(ms, kMinReleaseMs, kMaxReleaseMs);
    // One-pole on log2 gain: the distance to the target falls by 1/e per release time.
    releaseCoeff_ = static_cast<float>(1.0 - std::exp(-1.0 / (1e-3 * static_cast<double>(releaseMs_) * sampleRate_)));
}

void TruePeakLimiter::setInputGainDb(float db) FOH_RT {
    if (!std::isfinite(db)) return;
    inputGainDb_ = std::clamp(db, kMinInputGainDb, kMaxInputGainDb);
    inputGain_.rampTo(dbToGain(inputGainDb_), rampSamples_);
}

float TruePeakLimiter::takeGainReductionDb() FOH_RT {
    const float g = minGain_;
    minGain_ = 1.0f;
    return g < 1.0f ? -20.0f * std::log10(g) : 0.0f;
}

void TruePeakLimiter::process(float* left, float* right, int n) FOH_RT {
    for (int done = 0; done < n;) {
        const int m = std::min(n - done, maxBlock_);
        processPiece(left + done, right + done, m);
        done += m;
    }
}

void TruePeakLimiter::detect(int n) FOH_RT {
    // Per channel: the |oversampled| points of the block behind the last two of the previous one; every point that
    // is a local maximum is refined by the parabola through it and its neighbours, to the vertex
    // a1 + (a0 - a2)^2 / (8 (2 a1 - a0 - a2)), at most a quarter above a1. The points refined for input sample m are
    // F m - 1 .. F m + F - 2 (the last one waits for its right-hand neighbour), so with the two samples before
    // (prevPeak_) every stretch between oversampled points is covered.
    const int points = kOversampling * n;
    std::fill(peaks_.begin(), peaks_.begin() + n, 0.0f);
    for (int ch = 0; ch < Oversampler::kChannels; ++ch) {
        const float* o = detector_.oversampled(ch);
        float* a = abs_.data();
        a[0] = prevAbs_[ch][0];
        a[1] = prevAbs_[ch][1];
        for (int i = 0; i < points; ++i) a[i + 2] = std::fabs(o[i]);
        refinePeaks(a, refined_.data(), peaks_.data(), n);
        prevAbs_[ch][0] = a[points];
        prevAbs_[ch][1] = a[points + 1];
    }
}

float TruePeakLimiter::smoothedGain(float needed) FOH_RT {
    // Sliding minimum over the window: a wedge of candidates increasing from head to tail; a new value removes every
    // candidate it undercuts, and the head leaves once it is older than the window.
    while (wedgeTail_ != wedgeHead_ && wedgeValue_[(wedgeTail_ - 1) & wedgeMask_] >= needed) --wedgeTail_;
    wedgeValue_[wedgeTail_ & wedgeMask_] = needed;
    wedgeIndex_[wedgeTail_ & wedgeMask_] = now_;
    ++wedgeTail_;
    while (wedgeIndex_[wedgeHead_ & wedgeMask_] <= now_ - window_) ++wedgeHead_;
    const float held = wedgeValue_[wedgeHead_ & wedgeMask_];

    // Release: down at once, up as a one-pole on log2 gain (the time constant holds at any depth).
    float gain = 1.0f;
    if (held < 1.0f || logGain_ < 0.0f) {
        const float target = held < 1.0f ? fastLog2(held) : 0.0f;
        if (target <= logGain_) {
            logGain_ = target;
        } else {
            logGain_ += releaseCoeff_ * (target - logGain_);
            if (target == 0.0f && logGain_ > kUnitySnapLog2) logGain_ = 0.0f;
        }
        // Never above the held gain (fastExp2 of fastLog2 may land a few 1e-6 above it).
        if (logGain_ < 0.0f) gain = std::min(held, fastExp2(logGain_));
    }

    // Two running means in series: a triangular window over 2 box - 1 samples. Quantized down, so never above.
    const auto q = static_cast<std::int64_t>(static_cast<double>(gain) * kGainUnit);
    sum1_ += q - ring1_[ringPos_];
    ring1_[ringPos_] = q;
    sum2_ += sum1_ - ring2_[ringPos_];
    ring2_[ringPos_] = sum1_;
    if (++ringPos_ == static_cast<std::size_t>(box_)) ringPos_ = 0;
    if (sum2_ == kUnity * box_ * box_) return 1.0f;
    return static_cast<float>(static_cast<double>(sum2_) * sumToGain_);
}

void TruePeakLimiter::processPiece(float* left, float* right, int n) FOH_RT {
    if (inputGain_.ramping() || inputGain_.current() != 1.0f) {
        for (int i = 0; i < n; ++i) {
            const float g = inputGain_.next();
            left[i] *= g;
            right[i] *= g;
        }
    }
    detector_.upsample(left, right, n);
    detect(n);

    // The gain computed at input sample k is for the sample that entered W + (detector latency) samples earlier:
    // the peak of sample k - 1 - latency is the detector's at k (the oversampled signal lags by its latency, and
    // each peak takes one sample more to be refined and covered on both sides), and the window ends W - 1 later.
    const auto delay = static_cast<std::int64_t>(latencySamples());
    float* lineL = delay_[0].data();
    float* lineR = delay_[1].data();
    float smallest = minGain_;
    for (int m = 0; m < n; ++m) {
        // The louder of the last three samples' peaks covers the stretch from one sample before to one after the
        // sample this gain is for, so the gain on both sides of every inter-sample peak is low enough.
        const float peak = peaks_[m];
        const float covered = std::max({peak, prevPeak_[0], prevPeak_[1]});
        prevPeak_[0] = prevPeak_[1];
        prevPeak_[1] = peak;
        const float gain = smoothedGain(covered > target_ ? target_ / covered : 1.0f);
        smallest = std::min(smallest, gain);

        const auto write = static_cast<std::size_t>(now_) & delayMask_;
        const auto read = static_cast<std::size_t>(now_ - delay) & delayMask_;
        lineL[write] = left[m];
        lineR[write] = right[m];
        left[m] = gain * lineL[read];
        right[m] = gain * lineR[read];
        ++now_;
    }
    minGain_ = smallest;
}

}  // namespace foh::dsp
