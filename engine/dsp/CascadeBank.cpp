#include "dsp/CascadeBank.h"

#include <algorithm>
#include <cstring>

namespace foh::dsp {
namespace {

typedef float V __attribute__((vector_size(32)));
typedef float VU __attribute__((vector_size(32), aligned(4)));  // unaligned loads and stores

// 8x8 transpose in 24 shuffles: rows r[l] = 8 samples of lane l  ->  rows r[j] = sample j of every lane.
// (unpack pairs, then 64-bit pairs, then 128-bit halves; its own inverse.) __builtin_shufflevector takes constant
// indices into the concatenation of its two operands; GCC (12+) and clang both have it.
[[gnu::always_inline]] inline void transpose8(V r[8]) noexcept {
    V t[8], u[8];
    for (int k = 0; k < 4; ++k) {
        t[2 * k] = __builtin_shufflevector(r[2 * k], r[2 * k + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[2 * k + 1] = __builtin_shufflevector(r[2 * k], r[2 * k + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int k = 0; k < 8; k += 4) {  // u[k..k+3] from t[k..k+3]
        u[k] = __builtin_shufflevector(t[k], t[k + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[k + 1] = __builtin_shufflevector(t[k], t[k + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        u[k + 2] = __builtin_shufflevector(t[k + 1], t[k + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        u[k + 3] = __builtin_shufflevector(t[k + 1], t[k + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int k = 0; k < 4; ++k) {
        r[k] = __builtin_shufflevector(u[k], u[k + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        r[k + 4] = __builtin_shufflevector(u[k], u[k + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

// Lane buffers (one per lane, null = silence) -> interleaved t[i * 8 + lane], and back.
[[gnu::always_inline]] inline void interleave(const float* const* src, float* t, int n) noexcept {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        V r[8];
        for (int l = 0; l < kLanes; ++l) r[l] = src[l] != nullptr ? *reinterpret_cast<const VU*>(src[l] + i) : V{};
        transpose8(r);
        for (int j = 0; j < 8; ++j) *reinterpret_cast<VU*>(t + (i + j) * kLanes) = r[j];
    }
    for (; i < n; ++i)
        for (int l = 0; l < kLanes; ++l) t[i * kLanes + l] = src[l] != nullptr ? src[l][i] : 0.0f;
}
[[gnu::always_inline]] inline void deinterleave(const float* t, float* const* dst, int n) noexcept {
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        V r[8];
        for (int j = 0; j < 8; ++j) r[j] = *reinterpret_cast<const VU*>(t + (i + j) * kLanes);
        transpose8(r);
        for (int l = 0; l < kLanes; ++l)
            if (dst[l] != nullptr) *reinterpret_cast<VU*>(dst[l] + i) = r[l];
    }
    for (; i < n; ++i)
        for (int l = 0; l < kLanes; ++l)
            if (dst[l] != nullptr) dst[l][i] = t[i * kLanes + l];
}

struct LaneSection {
    V b0, b1, b2, a1, a2, z1, z2;
};

template <int Sections>
[[gnu::always_inline]] inline void runLanes(LaneSection* s, float* t, int n) noexcept {
    V b0[Sections], b1[Sections], b2[Sections], a1[Sections], a2[Sections], z1[Sections], z2[Sections];
    for (int k = 0; k < Sections; ++k) {
        b0[k] = s[k].b0, b1[k] = s[k].b1, b2[k] = s[k].b2, a1[k] = s[k].a1, a2[k] = s[k].a2;
        z1[k] = s[k].z1, z2[k] = s[k].z2;
    }
    for (int i = 0; i < n; ++i) {
        V x = *reinterpret_cast<const VU*>(t + i * kLanes);
        for (int k = 0; k < Sections; ++k) {
            const V y = b0[k] * x + z1[k];
            z1[k] = b1[k] * x - a1[k] * y + z2[k];
            z2[k] = b2[k] * x - a2[k] * y;
            x = y;
        }
        *reinterpret_cast<VU*>(t + i * kLanes) = x;
    }
    for (int k = 0; k < Sections; ++k) s[k].z1 = z1[k], s[k].z2 = z2[k];
}

// One group of up to eight jobs. Compiled twice (AVX2+FMA and baseline x86-64); the loader picks at start-up.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void runGroup(const CascadeJob* jobs, int lanes, int n,
                                                                          float* t) noexcept {
    int sections = 0;
    for (int l = 0; l < lanes; ++l) sections = std::max(sections, jobs[l].sections);
    LaneSection s[kMaxCascade];
    for (int k = 0; k < sections; ++k) {
        for (int l = 0; l < kLanes; ++l) {
            // Lanes without a job, or jobs with fewer sections, run the identity: y = x exactly, state stays 0.
            const bool real = l < lanes && k < jobs[l].sections;
            const BiquadCoeffs c = real ? *jobs[l].coeffs[k] : BiquadCoeffs{};
            const BiquadState st = real ? *jobs[l].states[k] : BiquadState{};
            s[k].b0[l] = c.b0, s[k].b1[l] = c.b1, s[k].b2[l] = c.b2, s[k].a1[l] = c.a1, s[k].a2[l] = c.a2;
            s[k].z1[l] = st.s1, s[k].z2[l] = st.s2;
        }
    }
    float* bufs[kLanes];
    const float* ins[kLanes];
    for (int l = 0; l < kLanes; ++l) {
        bufs[l] = l < lanes ? jobs[l].buf : nullptr;
        ins[l] = l < lanes && jobs[l].in != nullptr ? jobs[l].in : bufs[l];
    }
    interleave(ins, t, n);
    switch (sections) {
        case 1: runLanes<1>(s, t, n); break;
        case 2: runLanes<2>(s, t, n); break;
        case 3: runLanes<3>(s, t, n); break;
        case 4: runLanes<4>(s, t, n); break;
        case 5: runLanes<5>(s, t, n); break;
        default: runLanes<6>(s, t, n); break;
    }
    deinterleave(t, bufs, n);
    for (int l = 0; l < lanes; ++l) {
        for (int k = 0; k < jobs[l].sections; ++k) {
            jobs[l].states[k]->s1 = s[k].z1[l];
            jobs[l].states[k]->s2 = s[k].z2[l];
        }
    }
}

}  // namespace

void runCascades(const CascadeJob* jobs, int count, int n, float* scratch) FOH_RT {
    for (int first = 0; first < count; first += kLanes) {
        const int lanes = std::min(kLanes, count - first);
        if (lanes == 1) {
            // A lone channel gains nothing from lanes: the scalar cascade is the same arithmetic.
            if (jobs[first].in != nullptr)
                std::memcpy(jobs[first].buf, jobs[first].in, sizeof(float) * static_cast<std::size_t>(n));
            processCascade(jobs[first].coeffs, jobs[first].states, jobs[first].sections, jobs[first].buf, n);
            continue;
        }
        runGroup(jobs + first, lanes, n, scratch);
    }
}

}  // namespace foh::dsp
