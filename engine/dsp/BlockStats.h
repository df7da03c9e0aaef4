#pragma once
// Peak and energy of a block, with eight partial results so the loop vectorizes (a single running max or sum is a
// loop-carried chain: one element per 4 cycles). Used by meters and detectors.

#include <algorithm>
#include <cmath>

#include "rt/Realtime.h"

namespace foh::dsp {

[[nodiscard]] inline float peakAbs(const float* x, int n) FOH_RT {
    float part[8] = {};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) part[k] = std::max(part[k], std::fabs(x[i + k]));
    float p = 0.0f;
    for (; i < n; ++i) p = std::max(p, std::fabs(x[i]));
    for (float v : part) p = std::max(p, v);
    return p;
}

[[nodiscard]] inline float sumSquares(const float* x, int n) FOH_RT {
    float part[8] = {};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) part[k] += x[i + k] * x[i + k];
    float e = 0.0f;
    for (; i < n; ++i) e += x[i] * x[i];
    for (float v : part) e += v;
    return e;
}

}  // namespace foh::dsp
