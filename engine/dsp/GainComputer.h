#pragma once
// Static curves of the dynamics stages, in dB. Pure functions: the tests check them against the same formulas
// written out independently, and the GUI can draw them. Templates over float or F8 (dsp/Lanes.h), branch-free:
// eight channels' curves in one register give each the same bits as alone.

#include "dsp/Lanes.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace foh::dsp {

/// Compressor gain change (<= 0 dB) for input level `x` dB: threshold T, ratio R (>= 100 means infinity), soft knee
/// of width W dB centred on T (Giannoulis, Massberg & Reiss, JAES 2012).
template <typename T> FOH_LANES T compressorGainDb(T x, T threshold, T ratio, T knee) noexcept {
    const T slope = select(ratio >= 100.0f, splat<T>(1.0f), 1.0f - 1.0f / ratio);  // share of the overshoot removed
    const T over = x - threshold;
    const T d = over + knee / 2.0f;
    const T inKnee = -slope * d * d / (2.0f * knee);  // not used (and maybe 0 / 0) where there is no knee
    const T above = select(over > 0.0f, -slope * over, splat<T>(0.0f));
    return select(both(knee > 0.0f, 2.0f * absOf(over) <= knee), inKnee, above);
}

/// Expander gain change (<= 0 dB) below threshold: each dB under T takes (ratio - 1) dB more off, down to -range.
template <typename T> FOH_LANES T expanderGainDb(T x, T threshold, T ratio, T range) noexcept {
    return select(x >= threshold, splat<T>(0.0f), maxOf(-range, (x - threshold) * (ratio - 1.0f)));
}

}  // namespace foh::dsp

#pragma GCC diagnostic pop
