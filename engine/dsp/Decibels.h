#pragma once
// dB <-> linear gain. Control-side helpers: the audio thread only sees linear targets.

#include <cmath>
#include <limits>

namespace foh::dsp {

/// -inf dB (or anything at or below -200 dB) is silence: exactly 0.
[[nodiscard]] inline float dbToGain(float db) {
    if (!(db > -200.0f)) return 0.0f;
    return static_cast<float>(std::pow(10.0, static_cast<double>(db) / 20.0));
}

[[nodiscard]] inline float gainToDb(float gain) {
    return gain > 0.0f ? 20.0f * std::log10(gain) : -std::numeric_limits<float>::infinity();
}

}  // namespace foh::dsp
