#include "dsp/FxDelay.h"

#include <algorithm>
#include <bit>
#include <cmath>

#include "dsp/ControlRate.h"

namespace foh::dsp {

float FxDelay::msFromTempo(float bpm, float noteFraction) noexcept {
    if (!(bpm > 0.0f)) return 0.0f;
    // A whole note is four beats of 60000 / bpm ms.
    return static_cast<float>(240000.0 * static_cast<double>(noteFraction) / static_cast<double>(bpm));
}

void FxDelay::prepare(double sampleRate, int /*maxBlock*/) {
    sampleRate_ = sampleRate;
    rampSamples_ = std::max(1, static_cast<int>(std::lround(kRampSeconds * sampleRate)));
    glideSamples_ = std::max(1, static_cast<int>(std::lround(kFilterGlideSeconds * sampleRate)));
    filterFadeSamples_ = std::max(1, static_cast<int>(std::lround(kFilterFadeSeconds * sampleRate)));
    fadeStep_ = 1.0f / static_cast<float>(std::max(1L, std::lround(kTimeFadeSeconds * sampleRate)));

    const std::size_t size = std::bit_ceil(static_cast<std::size_t>(std::ceil(kMaxMs * 1e-3 * sampleRate)) + 1);
    lineA_.assign(size, 0.0f);
    lineB_.assign(size, 0.0f);
    mask_ = size - 1;

    // Every parameter again at this rate; reset() snaps to them.
    target_ = samplesFor(timeMs_);
    pending_ = -1;
    reset();
}

void FxDelay::reset() FOH_RT {
    std::fill(lineA_.begin(), lineA_.end(), 0.0f);
    std::fill(lineB_.begin(), lineB_.end(), 0.0f);
    pos_ = 0;
    if (pending_ >= 0) target_ = pending_;
    pending_ = -1;
    current_ = target_;
    fade_ = 1.0f;
    for (LoopFilter* f : {&lowCut_, &highCut_}) {
        f->logFreq.snapTo(f->logFreq.target());
        f->amount.snapTo(f->amount.target());
        redesign(*f);
        f->state[0].reset();
        f->state[1].reset();
    }
    feedback_.snapTo(feedbackPercent_ * 0.01f);
    pingPongAmount_.snapTo(pingPong_ ? 1.0f : 0.0f);
    wet_.snapTo(mixPercent_ * 0.01f);
    dry_.snapTo(1.0f - mixPercent_ * 0.01f);
}

int FxDelay::samplesFor(float ms) const FOH_RT {
    return std::max(1, static_cast<int>(std::lround(static_cast<double>(ms) * 1e-3 * sampleRate_)));
}

void FxDelay::setTimeMs(float ms) FOH_RT {
    if (!std::isfinite(ms)) return;
    timeMs_ = std::clamp(ms, kMinMs, kMaxMs);
    const int samples = samplesFor(timeMs_);
    if (fade_ < 1.0f) {
        pending_ = samples;  // restarting a crossfade would jump: wait for it to end
        return;
    }
    pending_ = -1;
    if (samples == target_) return;
    target_ = samples;
    fade_ = 0.0f;
}

void FxDelay::setFeedback(float percent) FOH_RT {
    if (!std::isfinite(percent)) return;
    feedbackPercent_ = std::clamp(percent, 0.0f, kMaxFeedbackPercent);
    feedback_.rampTo(feedbackPercent_ * 0.01f, rampSamples_);
}

void FxDelay::setLowCut(float hz) FOH_RT {
    if (!std::isfinite(hz)) return;
    hz = std::clamp(hz, kLowCutOffHz, kHighCutOffHz);
    setFilter(lowCut_, hz, hz > kLowCutOffHz);
}

void FxDelay::setHighCut(float hz) FOH_RT {
    if (!std::isfinite(hz)) return;
    hz = std::clamp(hz, kLowCutOffHz, kHighCutOffHz);
    setFilter(highCut_, hz, hz < kHighCutOffHz);
}

void FxDelay::setPingPong(bool on) FOH_RT {
    pingPong_ = on;
    pingPongAmount_.rampTo(on ? 1.0f : 0.0f, rampSamples_);
}

void FxDelay::setMix(float percent) FOH_RT {
    if (!std::isfinite(percent)) return;
    mixPercent_ = std::clamp(percent, 0.0f, 100.0f);
    const float wet = mixPercent_ * 0.01f;
    wet_.rampTo(wet, rampSamples_);
    dry_.rampTo(1.0f - wet, rampSamples_);  // exact 0 at 100 %, exact 1 at 0 %
}

void FxDelay::setFilter(LoopFilter& f, float hz, bool on) FOH_RT {
    f.on = on;
    if (!on) {
        f.amount.rampTo(0.0f, filterFadeSamples_);  // fades out where it is
        return;
    }
    const float logHz = std::log2(hz);
    if (f.amount.current() == 0.0f && !f.amount.ramping()) {
        // Coming in from fully out: nothing to glide from, start at the new frequency with clean state.
        f.logFreq.snapTo(logHz);
        redesign(f);
        f.state[0].reset();
        f.state[1].reset();
    } else {
        f.logFreq.rampTo(logHz, glideSamples_);
    }
    f.amount.rampTo(1.0f, filterFadeSamples_);
}

void FxDelay::redesign(LoopFilter& f) const FOH_RT {
    // 12 dB/oct Butterworth (Q = 1/sqrt(2)): no peak, so |F| <= 1 and the loop gain never exceeds the feedback.
    f.coeffs = design(f.shape, std::exp2(static_cast<double>(f.logFreq.current())), 0.0, butterworthQ(2, 1), sampleRate_);
}

void FxDelay::runFilter(LoopFilter& f, float* a, float* b, int m) FOH_RT {
    if (!f.amount.ramping() && f.amount.current() == 0.0f) {
        // Out: not run, the loop is exactly flat. A glide cut short by the fade-out lands now.
        if (f.logFreq.ramping()) {
            f.logFreq.snapTo(f.logFreq.target());
            redesign(f);
        }
        return;
    }
    if (f.logFreq.ramping()) {
        for (int i = 0; i < m; ++i) (void)f.logFreq.next();  // the glide advances sample by sample
        redesign(f);                                         // and is redesigned once per piece
    }
    if (!f.amount.ramping()) {
        f.state[0].process(f.coeffs, a, m);
        f.state[1].process(f.coeffs, b, m);
        return;
    }
    // Switching in or out: dry + (filtered - dry) * amount. |1 - t + t F| <= 1 for |F| <= 1: still passive.
    float amount[kControlBlock];
    for (int i = 0; i < m; ++i) amount[i] = f.amount.next();
    for (int line = 0; line < 2; ++line) {
        float* buf = line == 0 ? a : b;
        for (int i = 0; i < m; ++i) {
            const float x = buf[i];
            buf[i] = x + (f.state[line].tick(f.coeffs, x) - x) * amount[i];
        }
    }
    if (!f.amount.ramping() && f.amount.current() == 0.0f) {
        f.state[0].reset();
        f.state[1].reset();
    }
}

void FxDelay::process(const float* in, float* outL, float* outR, int n) FOH_RT {
    float* lineA = lineA_.data();
    float* lineB = lineB_.data();
    const std::size_t mask = mask_;
    for (int done = 0; done < n;) {
        if (fade_ >= 1.0f && pending_ >= 0) {
            if (pending_ != target_) {
                target_ = pending_;
                fade_ = 0.0f;
            }
            pending_ = -1;
        }
        // A piece never reaches past the shorter tap, so every sample it reads was written before it.
        const int m = std::min({n - done, kControlBlock, current_, target_});

        float ya[kControlBlock], yb[kControlBlock];
        for (int j = 0; j < m; ++j) {
            const std::size_t now = pos_ + static_cast<std::size_t>(j);
            const std::size_t from = (now - static_cast<std::size_t>(current_)) & mask;
            if (fade_ >= 1.0f) {
                ya[j] = lineA[from];
                yb[j] = lineB[from];
                continue;
            }
            // Linear crossfade of the taps: |(1 - t) p + t q| <= max(|p|, |q|), the loop stays passive.
            const std::size_t to = (now - static_cast<std::size_t>(target_)) & mask;
            fade_ = std::min(1.0f, fade_ + fadeStep_);
            ya[j] = lineA[from] + (lineA[to] - lineA[from]) * fade_;
            yb[j] = lineB[from] + (lineB[to] - lineB[from]) * fade_;
            if (fade_ >= 1.0f) current_ = target_;
        }

        runFilter(lowCut_, ya, yb, m);
        runFilter(highCut_, ya, yb, m);

        for (int j = 0; j < m; ++j) {
            const std::size_t now = (pos_ + static_cast<std::size_t>(j)) & mask;
            const float x = in[done + j];  // read before writing: `in` may be an output
            const float fb = feedback_.next();
            lineA[now] = x + fb * yb[j];
            lineB[now] = fb * ya[j];
            const float cross = 1.0f - pingPongAmount_.next();  // 0 in ping-pong: each side only its own echoes
            const float wet = wet_.next();
            const float dry = dry_.next();
            outL[done + j] = dry * x + wet * (ya[j] + cross * yb[j]);
            outR[done + j] = dry * x + wet * (yb[j] + cross * ya[j]);
        }
        pos_ += static_cast<std::size_t>(m);
        done += m;
    }
}

double FxDelay::responseDb(double freq) const {
    double db = 0.0;
    if (lowCut_.on) db += lowCut_.coeffs.responseDb(freq, sampleRate_);
    if (highCut_.on) db += highCut_.coeffs.responseDb(freq, sampleRate_);
    return db;
}

}  // namespace foh::dsp
