#pragma once
// The stereo main bus: the sum of every channel, then the main fader and mute (the mastering chain joins here in a
// later issue).

#include "dsp/LinearRamp.h"
#include "params/ObjectParams.h"
#include "rt/Realtime.h"

namespace foh {

class MainBus {
public:
    void prepare(double sampleRate);
    void setParam_rt(MainParam param, float value, bool snap) FOH_RT;
    [[nodiscard]] float param(MainParam p) const FOH_RT { return values_[static_cast<std::size_t>(p)]; }
    void continueFrom_rt(const MainBus& old) FOH_RT;

    /// Applies the main gain to the summed L/R in place and adds their peak/energy to the meters.
    void process_rt(float* left, float* right, int n, float peak[2], float sumSq[2]) FOH_RT;
    /// The mono/centre output: `sum` ((L + R) / 2, post main fader) x mono on x mono level -> out.
    void mono_rt(const float* sum, float* out, int n) FOH_RT { mono_.applyGain(sum, out, n); }

private:
    void updateGain_rt(int rampSamples, bool snap) FOH_RT;
    float values_[static_cast<std::size_t>(MainParam::Count)]{};
    dsp::LinearRamp gain_;
    dsp::LinearRamp mono_;
    int gainRampSamples_ = 960;
    int muteFadeSamples_ = 480;
};

}  // namespace foh
