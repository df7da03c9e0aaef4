#include "dsp/ControlLanes.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "dsp/CascadeBank.h"
#include "dsp/ControlRate.h"

// F8 values pass only between always-inline helpers inside each clone: no ABI boundary for -Wpsabi.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace foh::dsp {
namespace {

// A law is a struct of floats (T = float) or of F8s (T = F8) with the same fields in the same order: field f of
// lane l is float f of unit l's law.
template <template <class> class Law>
constexpr int kFields = static_cast<int>(sizeof(Law<float>) / sizeof(float));

template <template <class> class Law>
[[gnu::always_inline]] inline void gather(Law<F8>& lanes, Law<float>* const* laws, int count) noexcept {
    static_assert(std::is_trivially_copyable_v<Law<float>> && sizeof(Law<F8>) == kLanes * sizeof(Law<float>));
    constexpr int fields = kFields<Law>;
    alignas(32) float t[fields][kLanes];
    for (int l = 0; l < kLanes; ++l) {
        // Lanes without a unit repeat the last one: real parameters, so nothing there is NaN or slow; not stored.
        float f[fields];
        std::memcpy(f, laws[std::min(l, count - 1)], sizeof f);
        for (int k = 0; k < fields; ++k) t[k][l] = f[k];
    }
    std::memcpy(&lanes, t, sizeof lanes);
}

template <template <class> class Law>
[[gnu::always_inline]] inline void scatter(const Law<F8>& lanes, Law<float>* const* laws, int count) noexcept {
    constexpr int fields = kFields<Law>;
    alignas(32) float t[fields][kLanes];
    std::memcpy(t, &lanes, sizeof t);
    for (int l = 0; l < count; ++l) {
        float f[fields];
        for (int k = 0; k < fields; ++k) f[k] = t[k][l];
        std::memcpy(laws[l], f, sizeof f);
    }
}

template <template <class> class Law>
[[gnu::always_inline]] inline void run(Law<float>* const* laws, int count, const float* levels, float* gains,
                                       std::size_t stride, int n) noexcept {
    const int blocks = (n + kControlBlock - 1) / kControlBlock;
    for (int first = 0; first < count; first += kLanes) {
        const int lanes = std::min(kLanes, count - first);
        Law<F8> v;
        gather(v, laws + first, lanes);
        const float* in = levels + static_cast<std::size_t>(first) * stride;
        float* out = gains + static_cast<std::size_t>(first) * stride;
        for (int k = 0; k < blocks; ++k) {
            const float m = static_cast<float>(std::min(kControlBlock, n - k * kControlBlock));
            F8 level;
            for (int l = 0; l < kLanes; ++l) level[l] = in[static_cast<std::size_t>(std::min(l, lanes - 1)) * stride + k];
            const F8 g = v.step(level, splat<F8>(m));
            for (int l = 0; l < lanes; ++l) out[static_cast<std::size_t>(l) * stride + k] = g[l];
        }
        scatter(v, laws + first, lanes);
    }
}

}  // namespace

// Each compiled twice (AVX2 and baseline x86-64), as CascadeBank's lanes; the loader picks at start-up.
__attribute__((target_clones("arch=x86-64-v3", "default"))) void runControlSteps(
    GateLaw<float>* const* laws, int count, const float* levels, float* gains, std::size_t stride, int n) FOH_RT {
    run(laws, count, levels, gains, stride, n);
}
__attribute__((target_clones("arch=x86-64-v3", "default"))) void runControlSteps(
    CompressorLaw<float>* const* laws, int count, const float* levels, float* gains, std::size_t stride, int n) FOH_RT {
    run(laws, count, levels, gains, stride, n);
}
__attribute__((target_clones("arch=x86-64-v3", "default"))) void runControlSteps(
    DeEsserLaw<float>* const* laws, int count, const float* levels, float* gains, std::size_t stride, int n) FOH_RT {
    run(laws, count, levels, gains, stride, n);
}

}  // namespace foh::dsp
