#include "params/ParamCurve.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace foh {
namespace {
constexpr float kMinusInf = -std::numeric_limits<float>::infinity();

// The fader law: four straight segments in dB over the travel, like the X32/M32 fader, so that the top half of the
// throw (where a mix lives) has fine resolution and the bottom still reaches -inf.
//   position  0.0625 -> -60 dB, 0.25 -> -30 dB, 0.5 -> -10 dB, 0.75 -> 0 dB, 1.0 -> +10 dB, 0 -> -inf.
struct Segment {
    float p0, p1, db0, db1;
};
constexpr Segment kSegments[] = {
    {0.0f, 0.0625f, -90.0f, -60.0f},
    {0.0625f, 0.25f, -60.0f, -30.0f},
    {0.25f, 0.5f, -30.0f, -10.0f},
    {0.5f, 1.0f, -10.0f, 10.0f},
};
}  // namespace

float faderLawToDb(float position) {
    position = std::clamp(position, 0.0f, 1.0f);
    if (position <= 0.0f) return kMinusInf;
    for (const Segment& s : kSegments)
        if (position <= s.p1) return s.db0 + (position - s.p0) * (s.db1 - s.db0) / (s.p1 - s.p0);
    return kSegments[3].db1;
}

float faderLawFromDb(float db) {
    if (std::isnan(db) || db <= kSegments[0].db0) return 0.0f;
    for (const Segment& s : kSegments)
        if (db <= s.db1) return s.p0 + (db - s.db0) * (s.p1 - s.p0) / (s.db1 - s.db0);
    return 1.0f;
}

float fromNormalized(const ParamSpec& spec, float norm) {
    norm = std::isnan(norm) ? 0.0f : std::clamp(norm, 0.0f, 1.0f);
    switch (spec.curve) {
        case Curve::Linear: return spec.min + norm * (spec.max - spec.min);
        case Curve::Logarithmic: return spec.min * std::pow(spec.max / spec.min, norm);
        case Curve::FaderLaw: {
            const float db = faderLawToDb(norm);
            if (db <= spec.min) return spec.minusInfAtBottom ? kMinusInf : spec.min;
            return std::min(db, spec.max);
        }
        case Curve::Toggle: return norm >= 0.5f ? 1.0f : 0.0f;
        case Curve::Choice: {
            const auto count = static_cast<float>(spec.choices.size());
            if (count <= 1.0f) return 0.0f;
            return std::min(std::floor(norm * count), count - 1.0f);
        }
    }
    return spec.def;
}

float toNormalized(const ParamSpec& spec, float value) {
    switch (spec.curve) {
        case Curve::Linear: return std::clamp((value - spec.min) / (spec.max - spec.min), 0.0f, 1.0f);
        case Curve::Logarithmic:
            return std::clamp(std::log(value / spec.min) / std::log(spec.max / spec.min), 0.0f, 1.0f);
        case Curve::FaderLaw: return faderLawFromDb(value);
        case Curve::Toggle: return value >= 0.5f ? 1.0f : 0.0f;
        case Curve::Choice: {
            const auto count = static_cast<float>(spec.choices.size());
            return count <= 1.0f ? 0.0f : (value + 0.5f) / count;
        }
    }
    return 0.0f;
}

}  // namespace foh
