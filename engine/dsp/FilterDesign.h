#pragma once
// Filter design: turning operator parameters into biquad coefficients (Robert Bristow-Johnson's cookbook forms, i.e.
// the bilinear transform prewarped at the corner frequency). Computed in double; called only when a parameter
// moves, at control rate, never per sample.

#include "dsp/Biquad.h"

namespace foh::dsp {

enum class FilterShape { LowShelf, Peak, HighShelf, LowCut, HighCut, BandPass };

/// `gainDb` is used by the shelves and the peak; `q` by all (for shelves, Q = 0.707 is the cookbook's S = 1).
[[nodiscard]] BiquadCoeffs design(FilterShape shape, double freq, double gainDb, double q, double sampleRate);

/// A first-order high-pass (bilinear, prewarped), as a biquad with b2 = a2 = 0.
[[nodiscard]] BiquadCoeffs designFirstOrderHighPass(double freq, double sampleRate);

/// The Q of each second-order section of an even Butterworth filter of `order`, and of the second-order section of
/// an odd one (which also has a first-order section): Q_k = 1 / (2 sin((2k - 1) pi / (2 order))).
[[nodiscard]] double butterworthQ(int order, int section);

}  // namespace foh::dsp
