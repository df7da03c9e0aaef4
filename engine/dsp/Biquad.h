#pragma once
// A second-order IIR section: coefficients (designed in double elsewhere, run in float) and state, transposed
// direct form II (two state floats, best float behaviour at low frequencies). response() evaluates the exact transfer
// function: the same function serves the tests and the GUI's EQ curve.

#include <cmath>
#include <complex>
#include <numbers>

#include "rt/Realtime.h"

namespace foh::dsp {

struct BiquadCoeffs {
    float b0 = 1.0f, b1 = 0.0f, b2 = 0.0f, a1 = 0.0f, a2 = 0.0f;  ///< normalized: a0 = 1

    /// Complex response at `freq` Hz for `sampleRate`.
    [[nodiscard]] std::complex<double> response(double freq, double sampleRate) const {
        const std::complex<double> z1 = std::polar(1.0, -2.0 * std::numbers::pi * freq / sampleRate);
        const std::complex<double> z2 = z1 * z1;
        return (static_cast<double>(b0) + static_cast<double>(b1) * z1 + static_cast<double>(b2) * z2) /
               (1.0 + static_cast<double>(a1) * z1 + static_cast<double>(a2) * z2);
    }
    [[nodiscard]] double responseDb(double freq, double sampleRate) const {
        return 20.0 * std::log10(std::abs(response(freq, sampleRate)));
    }
};

struct BiquadState {
    float s1 = 0.0f, s2 = 0.0f;

    [[nodiscard]] float tick(const BiquadCoeffs& c, float x) FOH_RT {
        const float y = c.b0 * x + s1;
        s1 = c.b1 * x - c.a1 * y + s2;
        s2 = c.b2 * x - c.a2 * y;
        return y;
    }
    /// In place over n samples; coefficients and state kept in registers for the loop.
    void process(const BiquadCoeffs& c, float* buf, int n) FOH_RT {
        const float b0 = c.b0, b1 = c.b1, b2 = c.b2, a1 = c.a1, a2 = c.a2;
        float z1 = s1, z2 = s2;
        for (int i = 0; i < n; ++i) {
            const float x = buf[i];
            const float y = b0 * x + z1;
            z1 = b1 * x - a1 * y + z2;
            z2 = b2 * x - a2 * y;
            buf[i] = y;
        }
        s1 = z1;
        s2 = z2;
    }
    void reset() FOH_RT { s1 = s2 = 0.0f; }
};

/// Runs `count` (<= kMaxCascade) sections in series over the block in one pass. Each section's recursion is a chain
/// of dependent multiply-adds; in one loop the chains of the different sections overlap in the CPU instead of
/// running one after the other, which makes a cascade several times faster than section-by-section passes.
inline constexpr int kMaxCascade = 6;
template <int Count>
void processCascadeFixed(const BiquadCoeffs* const* c, BiquadState* const* st, float* buf, int n) noexcept {
    float b0[Count], b1[Count], b2[Count], a1[Count], a2[Count], z1[Count], z2[Count];
    for (int k = 0; k < Count; ++k) {
        b0[k] = c[k]->b0, b1[k] = c[k]->b1, b2[k] = c[k]->b2, a1[k] = c[k]->a1, a2[k] = c[k]->a2;
        z1[k] = st[k]->s1, z2[k] = st[k]->s2;
    }
    for (int i = 0; i < n; ++i) {
        float x = buf[i];
        for (int k = 0; k < Count; ++k) {
            const float y = b0[k] * x + z1[k];
            z1[k] = b1[k] * x - a1[k] * y + z2[k];
            z2[k] = b2[k] * x - a2[k] * y;
            x = y;
        }
        buf[i] = x;
    }
    for (int k = 0; k < Count; ++k) st[k]->s1 = z1[k], st[k]->s2 = z2[k];
}
inline void processCascade(const BiquadCoeffs* const* c, BiquadState* const* st, int count, float* buf, int n) FOH_RT {
    switch (count) {
        case 0: return;
        case 1: st[0]->process(*c[0], buf, n); return;
        case 2: processCascadeFixed<2>(c, st, buf, n); return;
        case 3: processCascadeFixed<3>(c, st, buf, n); return;
        case 4: processCascadeFixed<4>(c, st, buf, n); return;
        case 5: processCascadeFixed<5>(c, st, buf, n); return;
        default: processCascadeFixed<6>(c, st, buf, n); return;
    }
}

}  // namespace foh::dsp
