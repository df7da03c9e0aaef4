#pragma once
// Filter cascades of many channels run together, eight channels to a SIMD register.
//
// A lone biquad waits on its own recursion (each output needs the previous one); eight channels' biquads in the lanes
// of one AVX register cost one chain for all eight. A job is one channel's buffer and its cascade of sections at
// steady coefficients; runCascades() transposes up to eight jobs into lane order, runs every section in one pass,
// and transposes back. Results are the same float operations as BiquadState::process, in the same order, per lane.

#include "dsp/Biquad.h"
#include "rt/Realtime.h"

namespace foh::dsp {

struct CascadeJob {
    float* buf = nullptr;
    /// The input when it is not `buf` itself (null: in place). A key filter reads the key where it lies and writes
    /// its filtered copy to `buf`: no copy of the key first.
    const float* in = nullptr;
    const BiquadCoeffs* coeffs[kMaxCascade]{};
    BiquadState* states[kMaxCascade]{};
    int sections = 0;

    /// A job of one section (a key filter, a detector band): `in` filtered into `buf` (in place when they are the same).
    [[nodiscard]] static CascadeJob single(const float* in, float* buf, const BiquadCoeffs& c, BiquadState& s) {
        CascadeJob job;
        job.buf = buf;
        job.in = in != buf ? in : nullptr;
        job.coeffs[0] = &c;
        job.states[0] = &s;
        job.sections = 1;
        return job;
    }
};

inline constexpr int kLanes = 8;

/// Runs every job over n samples in place. `scratch` holds kLanes * n floats.
void runCascades(const CascadeJob* jobs, int count, int n, float* scratch) FOH_RT;

}  // namespace foh::dsp
