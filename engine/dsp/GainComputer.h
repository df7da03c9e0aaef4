#pragma once
// Static curves of the dynamics stages, in dB. Pure functions: the tests check them against the same formulas
// written out independently, and the GUI can draw them.

#include <algorithm>
#include <cmath>

namespace foh::dsp {

/// Compressor gain change (<= 0 dB) for input level `x` dB: threshold T, ratio R (>= 100 means infinity), soft knee
/// of width W dB centred on T (Giannoulis, Massberg & Reiss, JAES 2012).
[[nodiscard]] inline float compressorGainDb(float x, float threshold, float ratio, float knee) {
    const float slope = ratio >= 100.0f ? 1.0f : 1.0f - 1.0f / ratio;  // how much of the overshoot is removed
    const float over = x - threshold;
    if (knee > 0.0f && 2.0f * std::fabs(over) <= knee) {
        const float d = over + knee / 2.0f;
        return -slope * d * d / (2.0f * knee);
    }
    return over > 0.0f ? -slope * over : 0.0f;
}

/// Expander gain change (<= 0 dB) below threshold: each dB under T takes (ratio - 1) dB more off, down to -range.
[[nodiscard]] inline float expanderGainDb(float x, float threshold, float ratio, float range) {
    if (x >= threshold) return 0.0f;
    return std::max(-range, (x - threshold) * (ratio - 1.0f));
}

}  // namespace foh::dsp
