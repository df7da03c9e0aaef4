#pragma once
// The de-esser. A band-pass detector at `freq` (2-12 kHz) measures sibilance; whatever exceeds the threshold is taken
// off, up to `range` dB (attack 1 ms, release 50 ms: sibilants are short).
//  - split-band: only the sibilant band is reduced, by a dynamic bell (Q 2) at `freq` whose cut is the reduction;
//    everything an octave or more away is untouched.
//  - wide-band: the whole signal is turned down by the reduction.
//  - listen: the channel carries the detector band instead (to hear what it reacts to; on the solo bus once the
//    buses exist).

#include "dsp/Biquad.h"
#include "dsp/BypassFade.h"
#include "dsp/DynamicsKit.h"
#include "dsp/LevelDetector.h"

namespace foh::dsp {

class DeEsser {
public:
    enum Mode { SplitBand = 0, WideBand = 1 };
    static constexpr double kBellQ = 2.0;
    static constexpr float kAttackMs = 1.0f;
    static constexpr float kReleaseMs = 50.0f;

    void prepare(double sampleRate);
    void reset() FOH_RT;
    /// Takes over the signal state of the de-esser this one replaces.
    void continueFrom(DeEsser& old) FOH_RT;

    void setOn(bool on, bool snap) FOH_RT { fade_.set(on, snap); }
    void setMode(int mode) FOH_RT { mode_ = mode == WideBand ? WideBand : SplitBand; }
    void setFrequency(float hz) FOH_RT;
    void setThreshold(float db) FOH_RT { thresholdDb_ = db; }
    void setRange(float db) FOH_RT { range_ = db; }
    void setListen(bool on) FOH_RT { listen_ = on; }

    /// In place; `scratch` is 2n samples.
    void process(float* buf, float* scratch, int n) FOH_RT;
    [[nodiscard]] float takeGainReductionDb() FOH_RT;

private:
    double sampleRate_ = 48000.0;
    BypassFade fade_;
    LevelDetector detector_;
    int mode_ = SplitBand;
    float freq_ = 6000.0f, thresholdDb_ = -30.0f, range_ = 6.0f;
    bool listen_ = false;
    float attackCoeff_ = 0.0f, releaseCoeff_ = 0.0f;
    BiquadCoeffs band_;
    BiquadState bandState_;
    BiquadCoeffs bell_;
    BiquadState bellState_;
    float grDb_ = 0.0f;
    float bellGrDb_ = 0.0f;  ///< the reduction the bell is designed for
    InterpolatedGain gain_;
    float maxGrDb_ = 0.0f;
};

}  // namespace foh::dsp
