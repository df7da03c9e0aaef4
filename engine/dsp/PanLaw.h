#pragma once
// Constant-power pan: the left/right gains lie on a quarter circle, so L^2 + R^2 = 1 at every position and a
// source keeps its loudness as it moves. Centre is cos(pi/4) = -3.01 dB on each side; hard left is exactly 1 / 0.

#include <cmath>
#include <numbers>

namespace foh::dsp {

struct PanGains {
    float left;
    float right;
};

/// `pan` in -100 (hard left) .. +100 (hard right).
[[nodiscard]] inline PanGains constantPowerPan(float pan) {
    if (pan <= -100.0f) return {1.0f, 0.0f};
    if (pan >= 100.0f) return {0.0f, 1.0f};
    const double theta = (static_cast<double>(pan) + 100.0) / 200.0 * (std::numbers::pi / 2.0);
    return {static_cast<float>(std::cos(theta)), static_cast<float>(std::sin(theta))};
}

}  // namespace foh::dsp
