#pragma once
// One mono input channel: trim and polarity, then (later issues) filter, dynamics and EQ stages, then fader and mute,
// then a constant-power pan into the stereo main bus.
//
// Every gain is a LinearRamp: trim and fader ramp over kGainRampSeconds, mute fades over kMuteFadeSeconds, so no
// parameter change can produce a step. Parameter values arrive in operator units and are converted here, once per
// change, never per sample.

#include "dsp/LinearRamp.h"
#include "params/ObjectParams.h"
#include "rt/Realtime.h"

namespace foh {

struct ChannelLevels {
    float inputPeak = 0.0f;
    float peak = 0.0f;   ///< post-fader, pre-pan
    float sumSq = 0.0f;  ///< post-fader, pre-pan
};

class ChannelStrip {
public:
    /// 20 ms: long enough that a full-scale fader jump moves < 0.1 % of full scale per sample at 48 kHz (no
    /// audible zipper or click), short enough to feel immediate under a finger.
    static constexpr double kGainRampSeconds = 0.020;
    /// 10 ms: a mute is a fast fade, not a cut; a cut at a non-zero sample is a click.
    static constexpr double kMuteFadeSeconds = 0.010;

    void prepare(double sampleRate);

    /// Applies a parameter in operator units. `snap` jumps without a ramp (used when building a snapshot).
    void setParam_rt(ChannelParam param, float value, bool snap) FOH_RT;
    [[nodiscard]] float param(ChannelParam p) const FOH_RT { return values_[static_cast<std::size_t>(p)]; }

    /// Takes over the signal state (ramps) of the strip this one replaces, so a snapshot swap is inaudible.
    void continueFrom_rt(const ChannelStrip& old) FOH_RT;

    /// Adds this channel's `n` samples of `in` to main L/R. `scratch` holds n samples of working space.
    void process_rt(const float* in, float* scratch, float* mainL, float* mainR, int n, ChannelLevels& levels) FOH_RT;

private:
    void updateTrimTarget_rt(bool snap) FOH_RT;
    void updatePostTarget_rt(int rampSamples, bool snap) FOH_RT;
    void updatePanTarget_rt(bool snap) FOH_RT;

    float values_[static_cast<std::size_t>(ChannelParam::Count)]{};
    dsp::LinearRamp trim_;  ///< trim gain with the polarity sign
    dsp::LinearRamp post_;  ///< fader gain x mute
    dsp::LinearRamp panL_, panR_;
    int gainRampSamples_ = 960;
    int muteFadeSamples_ = 480;
};

}  // namespace foh
