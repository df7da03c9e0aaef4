#pragma once
// One mono aux/monitor bus (adjacent pairs link into a stereo bus, as on an X32): the sum of its sends, then
//   EQ (the channel's 4-band unit) -> compressor -> delay -> [pre-fader: PFL] -> fader x mute -> port bus_N,
//   matrices, and (when assigned, as a subgroup) main L/R through its pan.
// The graph drives the two halves (processPre_rt, then fader_rt) so a linked pair's compressors share a detector.

#include "dsp/Compressor.h"
#include "dsp/Delay.h"
#include "dsp/LinearRamp.h"
#include "dsp/ParametricEq.h"
#include "params/ObjectParams.h"
#include "rt/Realtime.h"

namespace foh {

class BusStrip {
public:
    void prepare(double sampleRate, int maxBlock);
    void setParam_rt(BusParam param, float value, bool snap) FOH_RT;
    [[nodiscard]] float param(BusParam p) const FOH_RT { return values_[static_cast<std::size_t>(p)]; }
    void continueFrom_rt(BusStrip& old) FOH_RT;

    /// EQ in place (`scratch` 3n).
    void eq_rt(float* buf, float* scratch, int n) FOH_RT { eq_.process(buf, scratch, n); }
    /// Compressor in place, keyed by `keyA` (this bus before its compressor) and a linked partner's `keyB` or null.
    void comp_rt(float* buf, const float* keyA, const float* keyB, float* scratch, int n) FOH_RT {
        comp_.process(buf, keyA, keyB, scratch, n);
    }
    [[nodiscard]] bool compActive() const FOH_RT { return comp_.active(); }
    /// Delay in place; `buf` is then the pre-fader signal.
    void delay_rt(float* buf, float* scratch, int n) FOH_RT { delay_.process(buf, scratch, n); }
    /// Fader x mute in place.
    void fader_rt(float* buf, int n) FOH_RT { post_.applyGain(buf, buf, n); }
    /// Adds the post-fader signal into main through the pan (or hard to one side when linked: odd L, even R).
    void toMain_rt(const float* buf, float* mainL, float* mainR, int n) FOH_RT;

    [[nodiscard]] bool linked() const FOH_RT { return param(BusParam::Link) >= 0.5f; }
    [[nodiscard]] bool soloed() const FOH_RT { return param(BusParam::Solo) >= 0.5f; }
    [[nodiscard]] float takeCompReductionDb() FOH_RT { return comp_.takeGainReductionDb(); }
    /// Which side of main a linked pair's half feeds (0 = left for odd buses, 1 = right), set by the graph.
    void setPairSide_rt(int side, bool snap) FOH_RT;

private:
    void updateMainTarget_rt(bool snap) FOH_RT;
    void updatePostTarget_rt(int rampSamples, bool snap) FOH_RT;

    float values_[static_cast<std::size_t>(BusParam::Count)]{};
    dsp::ParametricEq eq_;
    dsp::Compressor comp_;
    dsp::Delay delay_;
    dsp::LinearRamp post_, mainL_, mainR_;
    int pairSide_ = -1;  ///< -1: not linked, pan applies
    int gainRampSamples_ = 960;
    int muteFadeSamples_ = 480;
    double sampleRate_ = 48000.0;
};

}  // namespace foh
