#pragma once
// A value that moves to its target in a straight line over a set number of samples, then sits exactly on it.
// Used for every gain (trim, fader, mute, pan) so changes never step: the largest sample-to-sample change of the
// ramp itself is |target - start| / samples.

#include "rt/Realtime.h"

namespace foh::dsp {

/// A time as a whole number of samples, at least 1 (ramp and fade lengths).
[[nodiscard]] inline int rampSamplesFor(double seconds, double sampleRate) {
    const double n = seconds * sampleRate + 0.5;
    return n < 1.0 ? 1 : static_cast<int>(n);
}

class LinearRamp {
public:
    /// Jumps to `value` with no ramp (used when a snapshot is built from the current parameter values).
    void snapTo(float value) FOH_RT {
        current_ = target_ = value;
        step_ = 0.0f;
        remaining_ = 0;
    }

    /// Starts a ramp from wherever the value is now to `target` over `samples` (>= 1) samples.
    void rampTo(float target, int samples) FOH_RT {
        target_ = target;
        if (samples <= 1 || current_ == target) {
            snapTo(target);
            return;
        }
        remaining_ = samples;
        step_ = (target - current_) / static_cast<float>(samples);
    }

    [[nodiscard]] bool ramping() const FOH_RT { return remaining_ > 0; }
    [[nodiscard]] float current() const FOH_RT { return current_; }
    [[nodiscard]] float target() const FOH_RT { return target_; }

    /// The next value. Each value is computed from the samples remaining, not accumulated, so no float drift
    /// builds up over a long ramp and every step is the same size to within an ulp; the last lands on the target.
    float next() FOH_RT {
        if (remaining_ > 0) {
            --remaining_;
            current_ = target_ - step_ * static_cast<float>(remaining_);
        }
        return current_;
    }

    /// In a new snapshot: keep this ramp's target (the newest value) but start from where `old` is now, so a graph
    /// swap never steps.
    void continueFrom(const LinearRamp& old, int samples) FOH_RT {
        const float target = target_;
        snapTo(old.current_);
        rampTo(target, samples);
    }

    /// dst[i] += x[i] * ramp: a send, a return, a matrix source. Costs nothing while settled at 0.
    void mixInto(const float* x, float* dst, int n) FOH_RT {
        if (remaining_ == 0) {
            const float g = current_;
            if (g == 0.0f) return;
            for (int i = 0; i < n; ++i) dst[i] += x[i] * g;
            return;
        }
        for (int i = 0; i < n; ++i) dst[i] += x[i] * next();
    }

    /// out[i] = in[i] * the ramp's next n values, WITHOUT moving it: for a gain several consumers of one block
    /// read (a channel's mute for its pre-EQ sends, pre-fader sends and direct out); advance(n) once after them.
    void applyGainAhead(const float* in, float* out, int n) const FOH_RT {
        int i = 0;
        for (; i < n && i < remaining_; ++i) out[i] = in[i] * (target_ - step_ * static_cast<float>(remaining_ - i - 1));
        for (; i < n; ++i) out[i] = in[i] * target_;
    }
    /// Moves the ramp on by n samples (what n calls of next() would do).
    void advance(int n) FOH_RT {
        if (remaining_ == 0) return;
        remaining_ = remaining_ > n ? remaining_ - n : 0;
        current_ = target_ - step_ * static_cast<float>(remaining_);
        if (remaining_ == 0) current_ = target_;
    }

    /// out[i] = in[i] * ramp, in place allowed.
    void applyGain(const float* in, float* out, int n) FOH_RT {
        int i = 0;
        for (; i < n && remaining_ > 0; ++i) out[i] = in[i] * next();
        const float g = current_;
        for (; i < n; ++i) out[i] = in[i] * g;
    }

private:
    float current_ = 0.0f;
    float target_ = 0.0f;
    float step_ = 0.0f;
    int remaining_ = 0;
};

}  // namespace foh::dsp
