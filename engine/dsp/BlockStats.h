#pragma once
// Peak and energy of a block, with eight partial results so the loop vectorizes (a single running max or sum is a
// loop-carried chain: one element per 4 cycles). Used by meters and detectors. x86 only, as the rest of the engine
// (CascadeBank's target_clones).

#include <algorithm>
#include <cmath>

#include <immintrin.h>

#include "rt/Realtime.h"

namespace foh::dsp {

[[nodiscard]] inline float peakAbs(const float* x, int n) FOH_RT {
    // Written with SSE intrinsics because GCC 12 leaves a float max scalar (one MAXSS per element, even on vector
    // types): without -ffinite-math-only it will not turn `p < v ? v : p` into a vector max. MAXPS(v, p) is that
    // very choice per lane (p is kept when v is NaN), so the result is the same as std::max over the samples.
    const __m128 sign = _mm_set1_ps(-0.0f);
    __m128 lo = _mm_setzero_ps(), hi = _mm_setzero_ps();
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        lo = _mm_max_ps(_mm_andnot_ps(sign, _mm_loadu_ps(x + i)), lo);
        hi = _mm_max_ps(_mm_andnot_ps(sign, _mm_loadu_ps(x + i + 4)), hi);
    }
    float part[4];
    _mm_storeu_ps(part, _mm_max_ps(hi, lo));
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
