#include "dsp/Crossover.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>

#include "dsp/ControlRate.h"

namespace foh::dsp {
namespace {
/// Q of each of the two identical Butterworth sections of an LR4 branch (and of the allpass they sum to).
constexpr double kLr4Q = 0.70710678118654752;  // 1 / sqrt 2

void copy(float* dst, const float* src, int n) FOH_RT {
    std::memcpy(dst, src, sizeof(float) * static_cast<std::size_t>(n));
}

/// w0 = 2 pi f / fs with f kept inside (1 Hz, 0.49 fs) as dsp::design() does; cos w0 and alpha = sin w0 / 2Q.
struct Prewarp {
    double cosw, oneMinusCos, alpha;
    Prewarp(double freq, double q, double sampleRate) {
        const double w0 = 2.0 * std::numbers::pi * std::clamp(freq, 1.0, 0.49 * sampleRate) / sampleRate;
        cosw = std::cos(w0);
        const double s = std::sin(0.5 * w0);
        oneMinusCos = 2.0 * s * s;  // not 1 - cos: no cancellation at low frequencies
        alpha = std::sin(w0) / (2.0 * std::max(q, 0.01));
    }
};
}  // namespace

Section Section::lowPass(double freq, double q, double sampleRate) {
    const Prewarp p(freq, q, sampleRate);
    const double a0 = 1.0 + p.alpha;
    const double b = p.oneMinusCos / 2.0 / a0;
    return {b, 2.0 * b, b, -2.0 * p.cosw / a0, (1.0 - p.alpha) / a0};
}

Section Section::highPass(double freq, double q, double sampleRate) {
    const Prewarp p(freq, q, sampleRate);
    const double a0 = 1.0 + p.alpha;
    const double b = (2.0 - p.oneMinusCos) / 2.0 / a0;
    return {b, -2.0 * b, b, -2.0 * p.cosw / a0, (1.0 - p.alpha) / a0};
}

Section Section::allpass(double freq, double q, double sampleRate) {
    const Prewarp p(freq, q, sampleRate);
    const double a0 = 1.0 + p.alpha;
    const double a1 = -2.0 * p.cosw / a0, a2 = (1.0 - p.alpha) / a0;
    return {a2, a1, 1.0, a1, a2};
}

std::complex<double> Section::response(double freq, double sampleRate) const {
    const std::complex<double> z1 = std::polar(1.0, -2.0 * std::numbers::pi * freq / sampleRate);
    const std::complex<double> z2 = z1 * z1;
    return (b0 + b1 * z1 + b2 * z2) / (1.0 + a1 * z1 + a2 * z2);
}

Lr4Point Lr4Point::design(double freq, double sampleRate) {
    return {Section::lowPass(freq, kLr4Q, sampleRate), Section::highPass(freq, kLr4Q, sampleRate),
            Section::allpass(freq, kLr4Q, sampleRate)};
}

void Crossover::prepare(double sampleRate, int) {
    sampleRate_ = sampleRate;
    glideBlocks_ = std::max(1, static_cast<int>(kGlideSeconds * sampleRate / kControlBlock));
    bandCountSamples_ = std::max(1, static_cast<int>(kBandCountSeconds * sampleRate));
    for (int i = 0; i < kPoints; ++i) setFrequency(i, hz_[static_cast<std::size_t>(i)], true);
    setBandCount(bands_, true);
    reset();
}

void Crossover::reset() FOH_RT {
    for (Channel& ch : channels_) ch = Channel{};
    for (int i = 0; i < kPoints; ++i) {
        auto& r = log2Hz_[static_cast<std::size_t>(i)];
        if (r.ramping()) {
            r.snapTo(r.target());
            redesign(i);
        }
    }
    four_.snapTo(four_.target());
}

void Crossover::continueFrom(const Crossover& old) FOH_RT {
    channels_[0] = old.channels_[0];
    channels_[1] = old.channels_[1];
}

float Crossover::clampHz(float hz) const FOH_RT {
    return std::clamp(hz, kMinHz, std::min(kMaxHz, static_cast<float>(0.45 * sampleRate_)));
}

void Crossover::setBandCount(int bands, bool snap) FOH_RT {
    bands_ = std::clamp(bands, kMinBands, kMaxBands);
    const float target = bands_ == kMaxBands ? 1.0f : 0.0f;
    if (snap) {
        four_.snapTo(target);
    } else {
        four_.rampTo(target, bandCountSamples_);
    }
}

void Crossover::setFrequency(int index, float hz, bool snap) FOH_RT {
    if (index < 0 || index >= kPoints) return;
    const auto i = static_cast<std::size_t>(index);
    hz_[i] = hz;
    const float target = std::log2(clampHz(hz));
    if (snap) {
        log2Hz_[i].snapTo(target);
    } else {
        log2Hz_[i].rampTo(target, glideBlocks_);
    }
    redesign(index);
}

float Crossover::frequency(int index) const FOH_RT {
    return clampHz(hz_[static_cast<std::size_t>(std::clamp(index, 0, kPoints - 1))]);
}

void Crossover::redesign(int index) FOH_RT {
    const auto i = static_cast<std::size_t>(index);
    points_[i] = Lr4Point::design(std::exp2(static_cast<double>(log2Hz_[i].current())), sampleRate_);
}

void Crossover::runTree(const float* in, Channel& ch, float* const* bands, int offset, int m) FOH_RT {
    float* b0 = bands[0] + offset;
    float* b1 = bands[1] + offset;
    float* b2 = bands[2] + offset;
    float* b3 = bands[3] + offset;
    const Lr4Point& p1 = points_[0];
    const Lr4Point& p2 = points_[1];
    const Lr4Point& p3 = points_[2];
    copy(b0, in + offset, m);
    copy(b2, in + offset, m);
    {  // low branch of f2, then f3's allpass (what the high branch's split at f3 sums to)
        const Section* c[3] = {&p2.low, &p2.low, &p3.allpass};
        SectionState* s[3] = {&ch.low[1][0], &ch.low[1][1], &ch.allpassLow};
        runSections(c, s, 3, b0, m);
    }
    {  // high branch of f2, then f1's allpass (what the low branch's split at f1 sums to)
        const Section* c[3] = {&p2.high, &p2.high, &p1.allpass};
        SectionState* s[3] = {&ch.high[1][0], &ch.high[1][1], &ch.allpassHigh};
        runSections(c, s, 3, b2, m);
    }
    copy(b1, b0, m);
    copy(b3, b2, m);
    const auto split = [m](const Section& c, SectionState* st, float* buf) FOH_RT {
        const Section* cs[2] = {&c, &c};
        SectionState* ss[2] = {&st[0], &st[1]};
        runSections(cs, ss, 2, buf, m);
    };
    split(p1.low, ch.low[0], b0);
    split(p1.high, ch.high[0], b1);
    split(p3.low, ch.low[2], b2);
    split(p3.high, ch.high[2], b3);
}

void Crossover::mergeLastBand(float* const* bandsLeft, float* const* bandsRight, int n) FOH_RT {
    if (!four_.ramping()) {
        if (four_.current() == 1.0f) return;
        // Three bands: band 2 = H2 AP1 (L3 + H3), band 3 silent.
        for (float* const* bands : {bandsLeft, bandsRight}) {
            for (int i = 0; i < n; ++i) bands[2][i] += bands[3][i];
            std::memset(bands[3], 0, sizeof(float) * static_cast<std::size_t>(n));
        }
        return;
    }
    // Fading: band 3's share moves between band 2 and itself; band 2 + band 3 stays L3 + H3 throughout.
    for (int i = 0; i < n; ++i) {
        const float own = four_.next();
        for (float* const* bands : {bandsLeft, bandsRight}) {
            bands[2][i] += (1.0f - own) * bands[3][i];
            bands[3][i] *= own;
        }
    }
}

void Crossover::process(const float* left, const float* right, float* const* bandsLeft, float* const* bandsRight,
                        int n) FOH_RT {
    const bool gliding = log2Hz_[0].ramping() || log2Hz_[1].ramping() || log2Hz_[2].ramping();
    if (!gliding) {
        runTree(left, channels_[0], bandsLeft, 0, n);
        runTree(right, channels_[1], bandsRight, 0, n);
    } else {
        for (int done = 0; done < n; done += kControlBlock) {
            const int m = std::min(kControlBlock, n - done);
            for (int i = 0; i < kPoints; ++i) {
                auto& r = log2Hz_[static_cast<std::size_t>(i)];
                if (!r.ramping()) continue;
                (void)r.next();  // one glide step per control block
                redesign(i);
            }
            runTree(left, channels_[0], bandsLeft, done, m);
            runTree(right, channels_[1], bandsRight, done, m);
        }
    }
    mergeLastBand(bandsLeft, bandsRight, n);
}

std::complex<double> Crossover::bandResponse(int band, double freq) const {
    const double fs = sampleRate_;
    const Lr4Point& p1 = points_[0];
    const Lr4Point& p2 = points_[1];
    const Lr4Point& p3 = points_[2];
    switch (band) {
        case 0: return p2.lowResponse(freq, fs) * p3.allpassResponse(freq, fs) * p1.lowResponse(freq, fs);
        case 1: return p2.lowResponse(freq, fs) * p3.allpassResponse(freq, fs) * p1.highResponse(freq, fs);
        case 2: {
            const auto branch = p2.highResponse(freq, fs) * p1.allpassResponse(freq, fs);
            if (bands_ == kMaxBands) return branch * p3.lowResponse(freq, fs);
            return branch * (p3.lowResponse(freq, fs) + p3.highResponse(freq, fs));
        }
        case 3:
            if (bands_ != kMaxBands) return 0.0;
            return p2.highResponse(freq, fs) * p1.allpassResponse(freq, fs) * p3.highResponse(freq, fs);
        default: return 0.0;
    }
}

double Crossover::responseDb(int band, double freq) const {
    return 20.0 * std::log10(std::max(std::abs(bandResponse(band, freq)), 1e-15));
}

std::complex<double> Crossover::sumResponse(double freq) const {
    std::complex<double> sum = 0.0;
    for (int b = 0; b < kMaxBands; ++b) sum += bandResponse(b, freq);
    return sum;
}

double Crossover::sumResponseDb(double freq) const {
    return 20.0 * std::log10(std::max(std::abs(sumResponse(freq)), 1e-15));
}

}  // namespace foh::dsp
