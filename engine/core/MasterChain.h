#pragma once
// The mastering chain on the main bus, in signal order (each stage switches with a 5 ms crossfade):
//   corrective EQ -> bus compressor (stereo-linked, key high-pass, parallel mix) -> multiband compressor
//   -> stereo imager (width per band, mono bass) -> saturation (4x oversampled)      [pre-fader: runPre_rt]
//   main fader x mute -> true-peak limiter -> loudness meter, correlation            [post-fader: runPost_rt]
// The limiter comes after the fader so its ceiling holds at any fader position. The chain adds latency only while
// a stage that needs it is in (the saturation's oversampler, the limiter's lookahead): a live desk should not be
// late for a limiter nobody switched on. latencySamples() says what it is now; the graph delays every other output
// by as much (crossfading when it changes) and the JACK backend reports it.

#include "core/MasterMeters.h"
#include "dsp/BypassFade.h"
#include "dsp/Compressor.h"
#include "dsp/CorrelationMeter.h"
#include "dsp/LinearRamp.h"
#include "dsp/LoudnessMeter.h"
#include "dsp/MultibandCompressor.h"
#include "dsp/ParametricEq.h"
#include "dsp/Saturation.h"
#include "dsp/StereoImager.h"
#include "dsp/TruePeakLimiter.h"
#include "params/ObjectParams.h"
#include "rt/Realtime.h"

namespace foh {

class MasterChain {
public:
    void prepare(double sampleRate, int maxBlock);
    /// Parameters of the chain (the main bus's other parameters are not passed here).
    void setParam_rt(MainParam param, float value, bool snap) FOH_RT;
    /// Takes over the signal state (filters, detectors, delay lines, the loudness integration) of the chain this
    /// one replaces at the same sample rate; swaps buffers, never allocates.
    void continueFrom_rt(MasterChain& old) FOH_RT;

    /// EQ, bus compressor, multiband, imager, saturation: in place on the main sum.
    void runPre_rt(float* left, float* right, int n) FOH_RT;
    /// Limiter (after the fader) and the meters: in place.
    void runPost_rt(float* left, float* right, int n) FOH_RT;

    /// What the chain delays main by now: the latency of each latent stage that is in (or switching in).
    [[nodiscard]] int latencySamples() const FOH_RT {
        return (satFade_.on() ? satLatency_ : 0) + (limitFade_.on() ? limitLatency_ : 0);
    }
    /// The most it can be (for the alignment delays' size).
    [[nodiscard]] int maxLatencySamples() const { return satLatency_ + limitLatency_; }
    /// Fills the chain's meters (largest reductions since the last call, current loudness readouts).
    void takeMeters_rt(MasterMeters& m) FOH_RT;

private:
    /// The compressor stage: both sides keyed by both (a linked detector), wet blended with dry by mix.
    void runComp_rt(float* left, float* right, int n) FOH_RT;
    float* scratch(int k) FOH_RT { return scratch_.data() + static_cast<std::size_t>(k) * static_cast<std::size_t>(maxBlock_); }

    float values_[static_cast<std::size_t>(MainParam::Count)]{};
    int maxBlock_ = 1024;
    double sampleRate_ = 48000.0;
    dsp::ParametricEq eq_[2];
    dsp::Compressor comp_[2];
    dsp::LinearRamp compMix_;
    dsp::MultibandCompressor mb_;
    dsp::BypassFade mbFade_;
    dsp::StereoImager image_;
    dsp::BypassFade imageFade_;
    dsp::Saturation sat_;
    dsp::BypassFade satFade_;
    dsp::TruePeakLimiter limit_;
    dsp::BypassFade limitFade_;
    dsp::LoudnessMeter loudness_;
    dsp::CorrelationMeter correlation_;
    int satLatency_ = 0, limitLatency_ = 0;
    int target_ = 0;
    std::vector<float> scratch_;  ///< 8 blocks
};

}  // namespace foh
