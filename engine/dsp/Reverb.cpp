#include "dsp/Reverb.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>

namespace foh::dsp {
namespace {
// The hall at size 0.5 (1x), line lengths in ms. 31-71 ms: long enough that a 2 s tail is built from ~30 passes
// per line (dense, smooth decay), short enough that the first recirculations arrive within ~70 ms (no audible
// echoes before the tail). Spread over a bit more than an octave with no simple ratios; the lengths in samples
// are then moved up to distinct primes. Sum 397 ms, i.e. 0.4 modes per Hz: Jot's rule of thumb for a smooth tail
// (0.15 modes per Hz per second of RT60) holds up to ~2.6 s at this size; longer tails are sparser in modes and
// rely on the echo density the Hadamard matrix builds with every pass.
constexpr double kLineMs[Reverb::kLines] = {31.1, 35.9, 40.7, 45.3, 51.1, 57.7, 63.9, 71.3};

// Input diffusion: four Schroeder allpasses as in Dattorro's plate (his 142, 107, 379, 277 samples at 29761 Hz,
// gains 0.75 and 0.625). They smear a transient into a short cloud before it enters the network, so a snare does
// not come back as eight distinct first echoes. Allpasses leave the spectrum and the decay alone. Not scaled by
// size: they shape the attack, not the room.
constexpr double kDiffuserMs[4] = {4.771, 3.595, 12.735, 9.307};
constexpr float kDiffuserGain[4] = {0.75f, 0.75f, 0.625f, 0.625f};

// The input enters every line, with 1/sqrt(8) so the injected energy is the input's, and mixed signs so the first
// pass through the Hadamard matrix does not send it all into one line.
constexpr float kInSign[Reverb::kLines] = {1.0f, -1.0f, -1.0f, 1.0f, -1.0f, 1.0f, 1.0f, -1.0f};
constexpr float kInGain = 0.35355339f;  // 1 / sqrt(8)
// The output taps: two orthogonal +-1 patterns (dot product 0), so the nearly uncorrelated line outputs give
// uncorrelated L and R. 0.5 each (sum of squares 2 per side): a 2 s hall fed with noise returns about the level
// it is fed with.
constexpr float kLeftSign[Reverb::kLines] = {1.0f, 1.0f, -1.0f, 1.0f, -1.0f, -1.0f, 1.0f, -1.0f};
constexpr float kRightSign[Reverb::kLines] = {1.0f, -1.0f, 1.0f, 1.0f, 1.0f, -1.0f, -1.0f, -1.0f};
constexpr float kOutGain = 0.5f;

bool isPrime(int n) noexcept {
    if (n < 2) return false;
    if (n % 2 == 0) return n == 2;
    for (int k = 3; k * k <= n; k += 2)
        if (n % k == 0) return false;
    return true;
}

/// Bounded work: prime gaps below 10^6 are under 120.
int primeAtLeast(int n) noexcept {
    n = std::max(n, 2);
    while (!isPrime(n)) ++n;
    return n;
}


/// The 8-point Walsh-Hadamard transform, scaled by 1/sqrt(8) so it is orthogonal: 24 additions instead of 64
/// multiply-adds, and every output hears every input with equal weight (maximal mixing per pass).
inline void hadamard8(float* u) noexcept {
    for (int h = 1; h < 8; h <<= 1)
        for (int i = 0; i < 8; i += 2 * h)
            for (int j = i; j < i + h; ++j) {
                const float a = u[j], b = u[j + h];
                u[j] = a + b;
                u[j + h] = a - b;
            }
    for (int i = 0; i < 8; ++i) u[i] *= kInGain;  // 1 / sqrt(8)
}
}  // namespace

void Reverb::prepare(double sampleRate, int maxBlock) {
    sampleRate_ = sampleRate;
    maxBlock_ = std::max(1, maxBlock);
    rampSamples_ = std::max(1, static_cast<int>(std::lround(kRampSeconds * sampleRate)));
    fadeSamples_ = std::max(1, static_cast<int>(std::lround(kFadeSeconds * sampleRate)));
    fadeStep_ = 1.0f / static_cast<float>(fadeSamples_);
    scratch_.assign(static_cast<std::size_t>(maxBlock_), 0.0f);

    const std::size_t preSize =
        std::bit_ceil(static_cast<std::size_t>(std::ceil(kMaxPreDelayMs * 1e-3 * sampleRate)) + 1);
    pre_.assign(preSize, 0.0f);
    preMask_ = preSize - 1;

    for (int k = 0; k < 4; ++k) {
        Allpass& d = diffusers_[k];
        d.length = static_cast<std::size_t>(std::max(1L, std::lround(kDiffuserMs[k] * 1e-3 * sampleRate)));
        d.buf.assign(std::bit_ceil(d.length + 1), 0.0f);
        d.mask = d.buf.size() - 1;
        d.gain = kDiffuserGain[k];
    }

    int longest[kLines];
    lengthsFor(kMaxSizeScale, longest);  // lengths grow with the scale: the largest size needs the longest lines
    const std::size_t lineSize = std::bit_ceil(static_cast<std::size_t>(longest[kLines - 1]) + 1);
    for (std::vector<float>& line : lines_) line.assign(lineSize, 0.0f);
    lineMask_ = lineSize - 1;

    // Every parameter again at this rate; reset() snaps to them.
    preDelayTarget_ = preDelayFor(preDelayMs_);
    preDelayPending_ = -1;
    lengthsFor(sizeScale_, target_);
    pendingScale_ = -1.0f;
    dampPole_.snapTo(dampingPole(damping_));
    wet_.snapTo(mixPercent_ * 0.01f);
    dry_.snapTo(1.0f - mixPercent_ * 0.01f);
    reset();
}

void Reverb::reset() FOH_RT {
    std::fill(pre_.begin(), pre_.end(), 0.0f);
    for (Allpass& d : diffusers_) std::fill(d.buf.begin(), d.buf.end(), 0.0f);
    for (std::vector<float>& line : lines_) std::fill(line.begin(), line.end(), 0.0f);
    std::fill(std::begin(lowpass_), std::end(lowpass_), 0.0f);
    pos_ = 0;

    if (preDelayPending_ >= 0) preDelayTarget_ = preDelayPending_;
    preDelayPending_ = -1;
    preDelayCurrent_ = preDelayTarget_;
    preDelayFade_ = 1.0f;

    if (pendingScale_ >= 0.0f) lengthsFor(pendingScale_, target_);
    pendingScale_ = -1.0f;
    std::copy(std::begin(target_), std::end(target_), std::begin(current_));
    sizeFade_ = 1.0f;
    for (int k = 0; k < kLines; ++k) gain_[k].snapTo(loopGain(target_[k]));
    dampPole_.snapTo(dampPole_.target());
    wet_.snapTo(wet_.target());
    dry_.snapTo(dry_.target());
}

void Reverb::lengthsFor(float scale, int* out) const FOH_RT {
    int previous = 1;
    for (int k = 0; k < kLines; ++k) {
        const int samples = static_cast<int>(std::lround(kLineMs[k] * static_cast<double>(scale) * 1e-3 * sampleRate_));
        // Strictly increasing primes: distinct, hence mutually prime.
        out[k] = primeAtLeast(std::max(samples, previous + 1));
        previous = out[k];
    }
}

float Reverb::loopGain(int length) const FOH_RT {
    // 60 dB per RT60 of time: -3 decades of amplitude per decay_ * fs samples, of which one pass is `length`.
    return static_cast<float>(
        std::pow(10.0, -3.0 * static_cast<double>(length) / (static_cast<double>(decaySeconds_) * sampleRate_)));
}

float Reverb::dampingPole(float amount) const FOH_RT {
    // The pole of y = (1 - a) x + a y[-1] with its corner at kDampingFullHz / amount; as the amount falls to 0 the
    // corner goes past any audible frequency and the pole reaches 0 (no filter) continuously.
    if (!(amount > 0.0f)) return 0.0f;
    const double corner = kDampingFullHz / static_cast<double>(amount);
    return static_cast<float>(std::exp(-2.0 * std::numbers::pi * corner / sampleRate_));
}

int Reverb::preDelayFor(float ms) const FOH_RT {
    return static_cast<int>(std::lround(static_cast<double>(ms) * 1e-3 * sampleRate_));
}

void Reverb::setPreDelayMs(float ms) FOH_RT {
    if (!std::isfinite(ms)) return;
    preDelayMs_ = std::clamp(ms, 0.0f, kMaxPreDelayMs);
    const int samples = preDelayFor(preDelayMs_);
    if (preDelayFade_ < 1.0f) {
        preDelayPending_ = samples;  // restarting a crossfade would jump: wait for it to end
        return;
    }
    preDelayPending_ = -1;
    if (samples == preDelayTarget_) return;
    preDelayTarget_ = samples;
    preDelayFade_ = 0.0f;
}

void Reverb::setDecaySeconds(float rt60) FOH_RT {
    if (!std::isfinite(rt60)) return;
    decaySeconds_ = std::clamp(rt60, kMinDecaySeconds, kMaxDecaySeconds);
    retargetGains(rampSamples_);
}

void Reverb::setDamping(float amount) FOH_RT {
    if (!std::isfinite(amount)) return;
    damping_ = std::clamp(amount, 0.0f, 1.0f);
    dampPole_.rampTo(dampingPole(damping_), rampSamples_);
}

void Reverb::setSize(float amount) FOH_RT {
    if (!std::isfinite(amount)) return;
    sizeScale_ = kMinSizeScale + std::clamp(amount, 0.0f, 1.0f) * (kMaxSizeScale - kMinSizeScale);
    if (sizeFade_ < 1.0f) {
        pendingScale_ = sizeScale_;
        return;
    }
    pendingScale_ = -1.0f;
    startSizeFade(sizeScale_);
}

void Reverb::setMix(float percent) FOH_RT {
    if (!std::isfinite(percent)) return;
    mixPercent_ = std::clamp(percent, 0.0f, 100.0f);
    const float wet = mixPercent_ * 0.01f;
    wet_.rampTo(wet, rampSamples_);
    dry_.rampTo(1.0f - wet, rampSamples_);  // exact 0 at 100 %, exact 1 at 0 %
}

void Reverb::retargetGains(int samples) FOH_RT {
    for (int k = 0; k < kLines; ++k) gain_[k].rampTo(loopGain(target_[k]), samples);
}

void Reverb::startSizeFade(float scale) FOH_RT {
    int lengths[kLines];
    lengthsFor(scale, lengths);
    if (std::equal(std::begin(lengths), std::end(lengths), std::begin(current_))) return;
    std::copy(std::begin(lengths), std::end(lengths), std::begin(target_));
    sizeFade_ = 0.0f;
    retargetGains(fadeSamples_);  // the loop gains follow the lengths over the same 20 ms
}

void Reverb::finishSizeFade() FOH_RT {
    std::copy(std::begin(target_), std::end(target_), std::begin(current_));
    sizeFade_ = 1.0f;
    if (pendingScale_ >= 0.0f) {
        const float scale = pendingScale_;
        pendingScale_ = -1.0f;
        startSizeFade(scale);
    }
}

void Reverb::finishPreDelayFade() FOH_RT {
    preDelayCurrent_ = preDelayTarget_;
    preDelayFade_ = 1.0f;
    if (preDelayPending_ >= 0 && preDelayPending_ != preDelayTarget_) {
        preDelayTarget_ = preDelayPending_;
        preDelayFade_ = 0.0f;
    }
    preDelayPending_ = -1;
}

void Reverb::process(const float* in, float* outL, float* outR, int n) FOH_RT {
    for (int done = 0; done < n;) {
        const int m = std::min(n - done, maxBlock_);
        preDelayAndDiffuse(in + done, scratch_.data(), m);
        network(in + done, scratch_.data(), outL + done, outR + done, m);
        pos_ += static_cast<std::size_t>(m);
        done += m;
    }
}

void Reverb::preDelayAndDiffuse(const float* in, float* out, int n) FOH_RT {
    float* pre = pre_.data();
    const std::size_t mask = preMask_;
    for (int j = 0; j < n; ++j) {
        const std::size_t now = pos_ + static_cast<std::size_t>(j);
        pre[now & mask] = in[j];  // written first, so a pre-delay of 0 reads this very sample
        float y = pre[(now - static_cast<std::size_t>(preDelayCurrent_)) & mask];
        if (preDelayFade_ < 1.0f) {
            const float b = pre[(now - static_cast<std::size_t>(preDelayTarget_)) & mask];
            preDelayFade_ = std::min(1.0f, preDelayFade_ + fadeStep_);
            y += (b - y) * preDelayFade_;
            if (preDelayFade_ >= 1.0f) finishPreDelayFade();
        }
        out[j] = y;
    }
    for (Allpass& d : diffusers_) {
        // w = x + g w[-L], y = w[-L] - g w: (z^-L - g) / (1 - g z^-L), flat in magnitude.
        float* buf = d.buf.data();
        const std::size_t dmask = d.mask, length = d.length;
        const float g = d.gain;
        for (int j = 0; j < n; ++j) {
            const std::size_t now = pos_ + static_cast<std::size_t>(j);
            const float delayed = buf[(now - length) & dmask];
            const float w = out[j] + g * delayed;
            buf[now & dmask] = w;
            out[j] = delayed - g * w;
        }
    }
}

void Reverb::network(const float* dry, const float* diffused, float* outL, float* outR, int n) FOH_RT {
    float* line[kLines];
    for (int k = 0; k < kLines; ++k) line[k] = lines_[k].data();
    const std::size_t mask = lineMask_;
    float lp[kLines];
    std::copy(std::begin(lowpass_), std::end(lowpass_), lp);

    for (int j = 0; j < n; ++j) {
        const std::size_t now = pos_ + static_cast<std::size_t>(j);
        float r[kLines];
        if (sizeFade_ >= 1.0f) {
            for (int k = 0; k < kLines; ++k) r[k] = line[k][(now - static_cast<std::size_t>(current_[k])) & mask];
        } else {
            // Both taps of every line, linearly crossfaded: |(1 - t) a + t b| <= max(|a|, |b|), so the loop stays
            // passive during the fade.
            sizeFade_ = std::min(1.0f, sizeFade_ + fadeStep_);
            for (int k = 0; k < kLines; ++k) {
                const float a = line[k][(now - static_cast<std::size_t>(current_[k])) & mask];
                const float b = line[k][(now - static_cast<std::size_t>(target_[k])) & mask];
                r[k] = a + (b - a) * sizeFade_;
            }
            if (sizeFade_ >= 1.0f) finishSizeFade();
        }

        float left = 0.0f, right = 0.0f;
        for (int k = 0; k < kLines; ++k) {
            left += kLeftSign[k] * r[k];
            right += kRightSign[k] * r[k];
        }

        // Damping: a one-pole low-pass with DC gain 1 (low frequencies keep the set RT60); pole 0 = exactly r.
        const float pole = dampPole_.next();
        float u[kLines];
        for (int k = 0; k < kLines; ++k) {
            lp[k] = r[k] + pole * (lp[k] - r[k]);
            u[k] = gain_[k].next() * lp[k];
        }
        hadamard8(u);
        const float x = kInGain * diffused[j];
        for (int k = 0; k < kLines; ++k) line[k][now & mask] = u[k] + kInSign[k] * x;

        const float d = dry[j];  // read before writing: `in` may be an output
        const float wet = wet_.next() * kOutGain;
        const float dryGain = dry_.next();
        outL[j] = dryGain * d + wet * left;
        outR[j] = dryGain * d + wet * right;
    }
    std::copy(lp, lp + kLines, std::begin(lowpass_));
}

}  // namespace foh::dsp
