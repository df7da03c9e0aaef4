#pragma once
// Control-rate arithmetic written once for a float or for eight channels in the lanes of one register.
//
// The dynamics' control steps (FastMath, GainComputer, DynamicsLaws) are templates over T = float or F8. Every
// choice is a select of values (no branch), and each operation is the same IEEE float operation in both, so with
// -ffp-contract=off a channel gets bit-identical gains whether it ran alone or in lanes beside seven others.
// Masks are bool for float and I8 (-1 / 0 per lane) for F8, as the comparison operators give them.

#include <bit>
#include <cstdint>

// F8 is passed by value only between always-inline helpers: there is no ABI boundary for -Wpsabi to warn about
// (a file that calls them on F8 outside an AVX target says the same).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace foh::dsp {

typedef float F8 __attribute__((vector_size(32)));
typedef std::int32_t I8 __attribute__((vector_size(32)));
typedef std::uint32_t U8 __attribute__((vector_size(32)));

#define FOH_LANES [[nodiscard, gnu::always_inline]] inline

template <typename T> FOH_LANES T splat(float c) noexcept {
    if constexpr (sizeof(T) == sizeof(float)) return c;
    else return T{c, c, c, c, c, c, c, c};
}

// a ? b : c per lane.
FOH_LANES float select(bool m, float a, float b) noexcept { return m ? a : b; }
FOH_LANES F8 select(I8 m, F8 a, F8 b) noexcept { return m ? a : b; }
FOH_LANES bool both(bool a, bool b) noexcept { return a && b; }
FOH_LANES I8 both(I8 a, I8 b) noexcept { return a & b; }
FOH_LANES bool either(bool a, bool b) noexcept { return a || b; }
FOH_LANES I8 either(I8 a, I8 b) noexcept { return a | b; }
FOH_LANES bool inverse(bool a) noexcept { return !a; }
FOH_LANES I8 inverse(I8 a) noexcept { return ~a; }

// std::min / std::max exactly: (b < a ? b : a) and (a < b ? b : a).
template <typename T> FOH_LANES T minOf(T a, T b) noexcept { return select(b < a, b, a); }
template <typename T> FOH_LANES T maxOf(T a, T b) noexcept { return select(a < b, b, a); }
// std::clamp exactly.
template <typename T> FOH_LANES T clampTo(T v, T lo, T hi) noexcept { return select(v < lo, lo, select(hi < v, hi, v)); }

// The bits of a float and back; float <-> int conversions (toward zero, as static_cast).
FOH_LANES std::uint32_t bitsOf(float x) noexcept { return std::bit_cast<std::uint32_t>(x); }
FOH_LANES U8 bitsOf(F8 x) noexcept { return reinterpret_cast<U8>(x); }
FOH_LANES float fromBits(std::uint32_t b) noexcept { return std::bit_cast<float>(b); }
FOH_LANES F8 fromBits(U8 b) noexcept { return reinterpret_cast<F8>(b); }
FOH_LANES std::int32_t truncToInt(float x) noexcept { return static_cast<std::int32_t>(x); }
FOH_LANES I8 truncToInt(F8 x) noexcept { return __builtin_convertvector(x, I8); }
FOH_LANES float toFloat(std::int32_t i) noexcept { return static_cast<float>(i); }
FOH_LANES F8 toFloat(I8 i) noexcept { return __builtin_convertvector(i, F8); }
FOH_LANES std::int32_t asSigned(std::uint32_t i) noexcept { return static_cast<std::int32_t>(i); }
FOH_LANES I8 asSigned(U8 i) noexcept { return reinterpret_cast<I8>(i); }
FOH_LANES std::uint32_t asUnsigned(std::int32_t i) noexcept { return static_cast<std::uint32_t>(i); }
FOH_LANES U8 asUnsigned(I8 i) noexcept { return reinterpret_cast<U8>(i); }
// static_cast<int>(x) - (x < 0 ? 1 : 0): floor, except one less at negative integers (fastExp2's split).
FOH_LANES std::int32_t truncDown(float x) noexcept { return truncToInt(x) - (x < 0.0f ? 1 : 0); }
FOH_LANES I8 truncDown(F8 x) noexcept { return truncToInt(x) + (x < 0.0f); }  // a true lane is -1
// |x| (std::fabs: the sign bit cleared).
FOH_LANES float absOf(float x) noexcept { return fromBits(bitsOf(x) & 0x7FFFFFFFu); }
FOH_LANES F8 absOf(F8 x) noexcept { return fromBits(bitsOf(x) & 0x7FFFFFFFu); }

}  // namespace foh::dsp

#pragma GCC diagnostic pop
