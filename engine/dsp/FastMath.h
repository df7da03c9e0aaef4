#pragma once
// dB <-> linear for control-rate dynamics, without libm's pow/log10 (~20 ns each). log2 from the float's exponent
// plus a polynomial for the mantissa, exp2 the reverse. Error below 0.0001 dB over the range dynamics use, checked
// in tests/unit/dsp/FastMathTest.cpp against std::log10/std::pow. Not for filter design (that stays in double).
// Templates over float or F8 (dsp/Lanes.h): eight channels' conversions in one register give each the same bits.

#include <cstdint>

#include "dsp/Lanes.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace foh::dsp {

/// log2(x) for x > 0 (normal floats).
template <typename T> FOH_LANES T fastLog2(T x) noexcept {
    const auto bits = bitsOf(x);
    const T exponent = toFloat(asSigned((bits >> 23) & 0xFFu) - 127);
    const T m = fromBits((bits & 0x007FFFFFu) | 0x3F800000u) - 1.0f;  // mantissa - 1 in [0, 1)
    // Least-squares fit of log2(1 + m) = m P(m) on [0, 1] (exact at m = 0): max error 4.4e-6, i.e. 0.00003 dB.
    // Estrin's scheme (pairs, then powers of m): half the dependent steps of Horner's, same polynomial.
    const T m2 = m * m;
    const T p01 = 1.44251696f + m * -0.717897279f;
    const T p23 = 0.456888664f + m * -0.277352926f;
    const T p45 = 0.121902014f + m * -0.0260617976f;
    const T p = m * (p01 + m2 * (p23 + m2 * p45));
    return exponent + p;
}

/// 2^x for x in about [-126, 127]; 0 below -126.
template <typename T> FOH_LANES T fastExp2(T x) noexcept {
    // Below -126 the answer is 0; clamping first keeps the integer conversion in range there (no UB).
    const T xc = maxOf(x, splat<T>(-127.0f));
    const auto il = truncDown(xc);
    const T fl = toFloat(il);
    const T f = xc - fl;  // [0, 1]
    // Least-squares fit of 2^f - 1 = f Q(f) on [0, 1] (so 2^0 is exactly 1: 0 dB stays bit-exact unity gain):
    // max relative error 1.4e-7, i.e. 0.000001 dB.
    const T f2 = f * f;
    const T q01 = 0.693152748f + f * 0.24015316f;
    const T q23 = 0.05582829f + f * 0.00898881279f;
    const T p = 1.0f + f * (q01 + f2 * (q23 + f2 * 0.00187670843f));  // Estrin, as above
    const auto bits = asUnsigned(il + 127) << 23;
    return select(x < -126.0f, splat<T>(0.0f), p * fromBits(bits));
}

inline constexpr float kLog2To20Log10 = 6.0205999f;  // 20 log10(2)

template <typename T> FOH_LANES T fastGainToDb(T gain) noexcept {
    return select(gain <= 1e-9f, splat<T>(-180.0f), fastLog2(gain) * kLog2To20Log10);
}
template <typename T> FOH_LANES T fastDbToGain(T db) noexcept { return fastExp2(db / kLog2To20Log10); }

}  // namespace foh::dsp

#pragma GCC diagnostic pop
