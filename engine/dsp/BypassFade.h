#pragma once
// Switching a stage in or out: a 5 ms equal-gain crossfade between the dry and the processed signal, so a switch never
// clicks. A stage that is fully out is not processed at all: its bypass is bit-transparent.

#include <algorithm>
#include <cmath>

#include "rt/Realtime.h"

namespace foh::dsp {

class BypassFade {
public:
    static constexpr double kFadeSeconds = 0.005;

    void prepare(double sampleRate) { step_ = 1.0f / std::max(1.0f, static_cast<float>(kFadeSeconds * sampleRate)); }
    void set(bool on, bool snap) FOH_RT {
        target_ = on ? 1.0f : 0.0f;
        if (snap) mix_ = target_;
    }
    [[nodiscard]] bool on() const FOH_RT { return target_ > 0.5f; }
    /// Fully out and not fading: skip the stage.
    [[nodiscard]] bool bypassed() const FOH_RT { return mix_ == 0.0f && target_ == 0.0f; }
    /// Fully in and not fading: the stage's output as it is.
    [[nodiscard]] bool fullyOn() const FOH_RT { return mix_ == 1.0f && target_ == 1.0f; }

    /// wet[i] = dry[i] + (wet[i] - dry[i]) * mix, mix moving toward the target.
    void blend(const float* dry, float* wet, int n) FOH_RT {
        float m = mix_;
        const float s = target_ > m ? step_ : -step_;
        for (int i = 0; i < n; ++i) {
            m = std::clamp(m + s, 0.0f, 1.0f);
            wet[i] = dry[i] + (wet[i] - dry[i]) * m;
        }
        mix_ = (s > 0 ? m >= target_ : m <= target_) ? target_ : m;
    }

private:
    float mix_ = 0.0f;
    float target_ = 0.0f;
    float step_ = 1.0f / 240.0f;
};

}  // namespace foh::dsp
