#pragma once
// The phase correlation meter: r = <L R> / sqrt(<L^2> <R^2>), each mean a one-pole average with a 300 ms time
// constant. +1: both sides the same (mono), 0: unrelated (wide), -1: one side inverted (cancels in mono).
//
// 300 ms: about the integration of the common hardware correlation meters, slow enough to read a steady needle on
// music, fast enough to catch a polarity swap at once. The means are kept in double: the per-sample coefficient is
// ~1/30000 at 96 kHz, below what a float accumulator could resolve around its value.
//
// value() is 0 for silence (below -150 dBFS on either side: nothing to correlate, the needle rests at the centre).
// Allocation: none.

#include <algorithm>
#include <cmath>

#include "rt/Realtime.h"

namespace foh::dsp {

class CorrelationMeter {
public:
    static constexpr double kIntegrationSeconds = 0.300;

    /// `maxBlock` is not needed (process() takes any n); it is taken for the common prepare signature.
    void prepare(double sampleRate, int /*maxBlock*/) {
        coeff_ = 1.0 - std::exp(-1.0 / (kIntegrationSeconds * sampleRate));
        reset();
    }
    void reset() FOH_RT { lr_ = ll_ = rr_ = 0.0; }
    /// Takes over the integration of the meter this one replaces at the same rate.
    void continueFrom(const CorrelationMeter& old) FOH_RT {
        lr_ = old.lr_;
        ll_ = old.ll_;
        rr_ = old.rr_;
    }

    void process(const float* l, const float* r, int n) FOH_RT {
        const double a = coeff_;
        double lr = lr_, ll = ll_, rr = rr_;
        for (int i = 0; i < n; ++i) {
            const double x = l[i], y = r[i];
            lr += a * (x * y - lr);
            ll += a * (x * x - ll);
            rr += a * (y * y - rr);
        }
        // After a long silence the means decay toward double denormals (slow on x86 unless DAZ is set): land on 0.
        constexpr double kFloor = 1e-30;
        lr_ = std::fabs(lr) < kFloor ? 0.0 : lr;
        ll_ = ll < kFloor ? 0.0 : ll;
        rr_ = rr < kFloor ? 0.0 : rr;
    }

    [[nodiscard]] float value() const FOH_RT {
        constexpr double kSilence = 1e-15;  // mean square of -150 dBFS
        if (ll_ < kSilence || rr_ < kSilence) return 0.0f;
        return static_cast<float>(std::clamp(lr_ / std::sqrt(ll_ * rr_), -1.0, 1.0));
    }

private:
    double coeff_ = 1.0 - std::exp(-1.0 / (kIntegrationSeconds * 48000.0));
    double lr_ = 0.0, ll_ = 0.0, rr_ = 0.0;
};

}  // namespace foh::dsp
