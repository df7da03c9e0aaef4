#pragma once
// The analytic Linkwitz-Riley crossover tree, written out from its definition (not from engine code): LR4 branches
// are two cascaded second-order Butterworth sections through the bilinear transform prewarped at the crossover
// point, and the 2-, 3- or 4-band tree splits at f2 first, then f1 and f3, each branch compensated by the other
// split's allpass.

#include <array>
#include <cmath>
#include <complex>
#include <numbers>

namespace foh::test {

using cd = std::complex<double>;

/// The three crossover points f1 < f2 < f3 (Hz).
using Points = std::array<double, 3>;

/// The bilinear transform prewarped at fc maps the digital frequency f to the analog s = j tan(pi f/fs)/tan(pi fc/fs).
inline cd analogS(double f, double fc, double rate) {
    return {0.0, std::tan(std::numbers::pi * f / rate) / std::tan(std::numbers::pi * fc / rate)};
}

// The LR4 branches and their allpass: two second-order Butterworth sections, D = s^2 + sqrt2 s + 1.
inline cd lr4Low(cd s) {
    const cd d = s * s + std::numbers::sqrt2 * s + 1.0;
    return 1.0 / (d * d);
}
inline cd lr4High(cd s) {
    const cd d = s * s + std::numbers::sqrt2 * s + 1.0;
    return s * s * s * s / (d * d);
}
inline cd allpass2(cd s) { return (s * s - std::numbers::sqrt2 * s + 1.0) / (s * s + std::numbers::sqrt2 * s + 1.0); }

/// |LR4| in dB: the Butterworth |H|^2 = 1 / (1 + W^4), squared, W = tan(pi f/fs)/tan(pi fc/fs) (low) or its inverse.
inline double lr4Db(bool high, double f, double fc, double rate) {
    const double w = std::tan(std::numbers::pi * f / rate) / std::tan(std::numbers::pi * fc / rate);
    return -20.0 * std::log10(1.0 + std::pow(high ? 1.0 / w : w, 4.0));
}

/// Magnitude (dB) of band k of a `bands`-band tree: the product of the LR4 branches on its path (the allpasses have
/// magnitude 1).
inline double bandDb(int bands, int k, double f, const Points& fc, double rate) {
    switch (k) {
        case 0: return lr4Db(false, f, fc[1], rate) + lr4Db(false, f, fc[0], rate);
        case 1: return lr4Db(false, f, fc[1], rate) + lr4Db(true, f, fc[0], rate);
        case 2: return lr4Db(true, f, fc[1], rate) + (bands == 4 ? lr4Db(false, f, fc[2], rate) : 0.0);
        default: return lr4Db(true, f, fc[1], rate) + lr4Db(true, f, fc[2], rate);
    }
}

/// The complex response of band k of a `bands`-band tree (split at f2, then f1 and f3; each branch compensated by the
/// other's allpass).
inline cd bandResponse(int bands, int k, double f, const Points& fc, double rate) {
    const cd s1 = analogS(f, fc[0], rate), s2 = analogS(f, fc[1], rate), s3 = analogS(f, fc[2], rate);
    switch (k) {
        case 0: return lr4Low(s2) * allpass2(s3) * lr4Low(s1);
        case 1: return lr4Low(s2) * allpass2(s3) * lr4High(s1);
        case 2: return lr4High(s2) * allpass2(s1) * (bands == 4 ? lr4Low(s3) : lr4Low(s3) + lr4High(s3));
        default: return bands == 4 ? lr4High(s2) * allpass2(s1) * lr4High(s3) : 0.0;
    }
}

}  // namespace foh::test
