#pragma once
// Conversions between a parameter's operator value and a 0..1 control position, through the spec's curve.

#include "params/ParamSpec.h"

namespace foh {

/// The operator value for control position `norm` (clamped to 0..1).
[[nodiscard]] float fromNormalized(const ParamSpec& spec, float norm);
/// The control position 0..1 that shows `value`.
[[nodiscard]] float toNormalized(const ParamSpec& spec, float value);

/// The desk fader law, exposed for the GUI and tests: position 0..1 <-> dB (-inf at 0).
[[nodiscard]] float faderLawToDb(float position);
[[nodiscard]] float faderLawFromDb(float db);

}  // namespace foh
