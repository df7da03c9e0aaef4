#pragma once
// The stereo main bus: the sum of every channel, bus and FX return, then the mastering chain's pre-fader stages,
// the main fader and mute, the true-peak limiter and the meters (MasterChain), and the mono/centre output.

#include "core/MasterChain.h"
#include "dsp/LinearRamp.h"
#include "params/ObjectParams.h"
#include "rt/Realtime.h"

namespace foh {

class MainBus {
public:
    void prepare(double sampleRate, int maxBlock);
    void setParam_rt(MainParam param, float value, bool snap) FOH_RT;
    [[nodiscard]] float param(MainParam p) const FOH_RT { return values_[static_cast<std::size_t>(p)]; }
    void continueFrom_rt(MainBus& old) FOH_RT;

    /// Runs the chain and the main gain on the summed L/R in place and adds their peak/energy to the meters.
    void process_rt(float* left, float* right, int n, float peak[2], float sumSq[2]) FOH_RT;
    /// The mono/centre output: `sum` ((L + R) / 2, post main fader) x mono on x mono level -> out.
    void mono_rt(const float* sum, float* out, int n) FOH_RT { mono_.applyGain(sum, out, n); }

    [[nodiscard]] int latencySamples() const FOH_RT { return chain_.latencySamples(); }
    [[nodiscard]] int maxLatencySamples() const { return chain_.maxLatencySamples(); }
    void takeMeters_rt(MasterMeters& m) FOH_RT { chain_.takeMeters_rt(m); }

private:
    void updateGain_rt(int rampSamples, bool snap) FOH_RT;
    float values_[static_cast<std::size_t>(MainParam::Count)]{};
    MasterChain chain_;
    dsp::LinearRamp gain_;
    dsp::LinearRamp mono_;
    int gainRampSamples_ = 960;
    int muteFadeSamples_ = 480;
};

}  // namespace foh
