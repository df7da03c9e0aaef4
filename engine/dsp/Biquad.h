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
    [[nodiscard]] bool isIdentity() const { return b0 == 1.0f && b1 == a1 && b2 == a2; }
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

}  // namespace foh::dsp
