#pragma once
// The control steps of many dynamics units of one kind, eight to a SIMD register.
//
// A unit's control step (log2, static curve, smoothing, exp2) is a chain of ~40 dependent float operations per
// control block; eight units' laws in the lanes of one AVX register cost one chain for all eight. The laws are
// gathered into lanes once per host block (parameters and state: a few dozen floats), stepped through every control
// block, and scattered back. The arithmetic is the law's own (dsp/DynamicsLaws.h), so each unit gets the gains it
// would get alone, to the bit.

#include <cstddef>

#include "dsp/DynamicsLaws.h"
#include "rt/Realtime.h"

namespace foh::dsp {

/// Runs `count` laws over a host block of n samples (control blocks of kControlBlock, the last may be shorter):
/// law i reads its level of control block k at levels[i * stride + k] and writes its gain to gains[i * stride + k].
void runControlSteps(GateLaw<float>* const* laws, int count, const float* levels, float* gains, std::size_t stride,
                     int n) FOH_RT;
void runControlSteps(CompressorLaw<float>* const* laws, int count, const float* levels, float* gains,
                     std::size_t stride, int n) FOH_RT;
void runControlSteps(DeEsserLaw<float>* const* laws, int count, const float* levels, float* gains,
                     std::size_t stride, int n) FOH_RT;

}  // namespace foh::dsp
