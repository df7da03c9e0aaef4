#pragma once
// The de-esser. A band-pass at `freq` (2-12 kHz, Q 2, 0 dB at its centre) finds the sibilance; whatever its level
// exceeds the threshold by is taken off, up to `range` dB (attack 1 ms, release 50 ms: sibilants are short).
//  - split-band: only the sibilant band is reduced: y = x + (g - 1) * band(x) (Regalia & Mitra's tunable bell: its
//    centre gain is exactly g, and an octave or more away the signal is untouched). One fixed filter serves the
//    detector and the cut, so nothing is redesigned while it works.
//  - wide-band: the whole signal is turned down by the reduction.
//  - listen: the unit's output carries the band instead (used alone). In the console the strip leaves the unit's
//    listen off and the graph puts the band on the solo bus, so the channel in the mix is untouched.

#include "dsp/Biquad.h"
#include "dsp/BypassFade.h"
#include "dsp/CascadeBank.h"
#include "dsp/DynamicsKit.h"
#include "dsp/DynamicsLaws.h"
#include "dsp/LevelDetector.h"

namespace foh::dsp {

class DeEsser {
public:
    enum Mode { SplitBand = 0, WideBand = 1 };
    static constexpr double kBandQ = 2.0;
    static constexpr float kAttackMs = 1.0f;
    static constexpr float kReleaseMs = 50.0f;

    void prepare(double sampleRate);
    void reset() FOH_RT;
    /// Takes over the signal state of the de-esser this one replaces.
    void continueFrom(DeEsser& old) FOH_RT;

    void setOn(bool on, bool snap) FOH_RT { fade_.set(on, snap); }
    void setMode(int mode) FOH_RT { mode_ = mode == WideBand ? WideBand : SplitBand; }
    void setFrequency(float hz) FOH_RT;
    void setThreshold(float db) FOH_RT { law_.threshold = db; }
    void setRange(float db) FOH_RT { law_.range = db; }
    void setListen(bool on) FOH_RT { listen_ = on; }

    /// In place; `scratch` is 2n samples.
    void process(float* buf, float* scratch, int n) FOH_RT;
    /// The same with `band` = the band-pass of buf already computed (the graph runs it in SIMD lanes).
    void processWithBand(float* buf, const float* band, float* scratch, int n) FOH_RT;
    [[nodiscard]] bool active() const FOH_RT { return !fade_.bypassed(); }

    // processWithBand in phases, as the compressor's (see there); the key is the band.
    void beginControl() FOH_RT {}
    [[nodiscard]] float measure(const float* band, const float*, int m) FOH_RT {
        return detector_.measure(band, nullptr, m);
    }
    [[nodiscard]] float controlStep(float level, int m) FOH_RT { return law_.step(level, static_cast<float>(m)); }
    /// The control law's parameters and state: the graph runs eight de-essers' steps in SIMD lanes.
    [[nodiscard]] DeEsserLaw<float>& law() FOH_RT { return law_; }
    void applyGains(float* buf, const float* band, const float* gains, int n, float* scratch) FOH_RT;
    /// The band-pass as a CascadeBank job: the stage input `in` filtered into `band`.
    void describeBand(CascadeJob& job, const float* in, float* band) FOH_RT {
        job = CascadeJob::single(in, band, band_, bandState_);
    }
    [[nodiscard]] float takeGainReductionDb() FOH_RT { return takeReduction(law_); }

private:
    double sampleRate_ = 48000.0;
    BypassFade fade_;
    LevelDetector detector_;
    int mode_ = SplitBand;
    float freq_ = 6000.0f;
    bool listen_ = false;
    DeEsserLaw<float> law_{.threshold = -30.0f, .range = 6.0f, .attack = 0.0f, .release = 0.0f, .grDb = 0.0f,
                           .reduction = 0.0f};
    BiquadCoeffs band_;
    BiquadState bandState_;
    float gain_ = 1.0f;  ///< the reduction as a gain, at the end of the last control block
    InterpolatedGain wide_;
};

}  // namespace foh::dsp
