#pragma once
// dB <-> linear for control-rate dynamics, without libm's pow/log10 (~20 ns each). log2 from the float's exponent
// plus a polynomial for the mantissa, exp2 the reverse. Error below 0.0001 dB over the range dynamics use, checked
// in tests/unit/dsp/FastMathTest.cpp against std::log10/std::pow. Not for filter design (that stays in double).

#include <bit>
#include <cstdint>

namespace foh::dsp {

/// log2(x) for x > 0 (normal floats).
[[nodiscard]] inline float fastLog2(float x) noexcept {
    const auto bits = std::bit_cast<std::uint32_t>(x);
    const float exponent = static_cast<float>(static_cast<int>((bits >> 23) & 0xFF) - 127);
    const float m = std::bit_cast<float>((bits & 0x007FFFFFu) | 0x3F800000u) - 1.0f;  // mantissa - 1 in [0, 1)
    // Least-squares fit of log2(1 + m) = m P(m) on [0, 1] (exact at m = 0): max error 4.4e-6, i.e. 0.00003 dB.
    // Estrin's scheme (pairs, then powers of m): half the dependent steps of Horner's, same polynomial.
    const float m2 = m * m;
    const float p01 = 1.44251696f + m * -0.717897279f;
    const float p23 = 0.456888664f + m * -0.277352926f;
    const float p45 = 0.121902014f + m * -0.0260617976f;
    const float p = m * (p01 + m2 * (p23 + m2 * p45));
    return exponent + p;
}

/// 2^x for x in about [-126, 127].
[[nodiscard]] inline float fastExp2(float x) noexcept {
    if (x < -126.0f) return 0.0f;
    const float fl = static_cast<float>(static_cast<int>(x) - (x < 0.0f ? 1 : 0));  // floor
    const float f = x - fl;                                                        // [0, 1)
    // Least-squares fit of 2^f - 1 = f Q(f) on [0, 1] (so 2^0 is exactly 1: 0 dB stays bit-exact unity gain):
    // max relative error 1.4e-7, i.e. 0.000001 dB.
    const float f2 = f * f;
    const float q01 = 0.693152748f + f * 0.24015316f;
    const float q23 = 0.05582829f + f * 0.00898881279f;
    const float p = 1.0f + f * (q01 + f2 * (q23 + f2 * 0.00187670843f));  // Estrin, as above
    const auto bits = static_cast<std::uint32_t>(static_cast<int>(fl) + 127) << 23;
    return p * std::bit_cast<float>(bits);
}

inline constexpr float kLog2To20Log10 = 6.0205999f;  // 20 log10(2)

[[nodiscard]] inline float fastGainToDb(float gain) noexcept {
    return gain <= 1e-9f ? -180.0f : fastLog2(gain) * kLog2To20Log10;
}
[[nodiscard]] inline float fastDbToGain(float db) noexcept { return fastExp2(db / kLog2To20Log10); }

}  // namespace foh::dsp
