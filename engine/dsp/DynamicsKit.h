#pragma once
// Pieces every dynamics stage (gate, compressor, de-esser) shares: filtering copies of its key signals, and moving
// the gain from one control block's value to the next.

#include <algorithm>
#include <cstring>

#include "dsp/Biquad.h"
#include "dsp/ControlRate.h"
#include "rt/Realtime.h"

namespace foh::dsp {

/// A gain that moves linearly, per sample, from its last value to the next control block's value.
class InterpolatedGain {
public:
    void reset(float gain = 1.0f) FOH_RT { gain_ = gain; }
    [[nodiscard]] float value() const FOH_RT { return gain_; }
    /// Multiplies buf[0..m) by the gain moving to `next`, landing on it at the last sample.
    void apply(float* buf, int m, float next) FOH_RT {
        // Each sample's gain from its index, not from the previous sample's: no loop-carried chain, so the loop
        // vectorizes. The last sample gets exactly `next`.
        const float start = gain_;
        const float step = (next - start) / static_cast<float>(m);
        if (step == 0.0f) {
            if (start != 1.0f)
                for (int i = 0; i < m; ++i) buf[i] *= start;
        } else {
            for (int i = 0; i < m - 1; ++i) buf[i] *= start + step * static_cast<float>(i + 1);
            buf[m - 1] *= next;
        }
        gain_ = next;
    }

    /// Applies one gain per control block of buf[0..n), each reached at the block's last sample.
    void applyControlGains(float* buf, const float* gains, int n) FOH_RT {
        for (int done = 0, k = 0; done < n; done += kControlBlock, ++k)
            apply(buf + done, std::min(kControlBlock, n - done), gains[k]);
    }

private:
    float gain_ = 1.0f;
};

/// Runs `body` on buf with a stage's switching crossfade around it: a dry copy while fading, the blend after, and
/// `onBypassed` when the fade has just finished going out.
template <typename Fade, typename Body, typename OnBypassed>
inline void withFade(Fade& fade, float* buf, float* dry, int n, Body&& body, OnBypassed&& onBypassed) FOH_RT {
    const bool blend = !fade.fullyOn();
    if (blend) std::memcpy(dry, buf, sizeof(float) * static_cast<std::size_t>(n));
    body();
    if (blend) {
        fade.blend(dry, buf, n);
        if (fade.bypassed()) onBypassed();
    }
}

/// One dynamics unit's phases over a host block, in chunks of up to 16 control blocks: measure and control-step
/// every control block, then apply. The graph runs the same phases with each phase across all channels.
template <typename Unit>
inline void runControlPhases(Unit& unit, float* buf, const float* keyA, const float* keyB, const float* band,
                             float* scratch, int n) FOH_RT {
    constexpr int kChunkBlocks = 16;
    constexpr int kChunk = kChunkBlocks * kControlBlock;
    float gains[kChunkBlocks];
    for (int start = 0; start < n; start += kChunk) {
        const int len = std::min(kChunk, n - start);
        for (int done = 0, k = 0; done < len; done += kControlBlock, ++k) {
            const int m = std::min(kControlBlock, len - done);
            const int at = start + done;
            gains[k] = unit.controlStep(unit.measure(keyA + at, keyB != nullptr ? keyB + at : nullptr, m), m);
        }
        unit.applyGains(buf + start, band != nullptr ? band + start : nullptr, gains, len, scratch);
    }
}

/// The key through its own filter, for the detector only (the audio is never touched): copies `keyA` (and `keyB`, a
/// linked partner's key, when there is one) into `scratch` and filters them there. Updates the pointers.
inline void filterKeys(const BiquadCoeffs& filter, BiquadState state[2], const float*& keyA, const float*& keyB,
                       float* scratch, int n) FOH_RT {
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    std::memcpy(scratch, keyA, bytes);
    state[0].process(filter, scratch, n);
    keyA = scratch;
    if (keyB != nullptr) {
        std::memcpy(scratch + n, keyB, bytes);
        state[1].process(filter, scratch + n, n);
        keyB = scratch + n;
    }
}

}  // namespace foh::dsp
