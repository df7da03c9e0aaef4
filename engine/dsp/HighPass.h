#pragma once
// The channel's high-pass filter: Butterworth, 12, 18 or 24 dB/oct, 20-400 Hz. A frequency change glides
// (geometrically, over 20 ms) with the coefficients redesigned at control rate, so a sweep never zips.

#include "dsp/Biquad.h"
#include "dsp/BypassFade.h"
#include "dsp/CascadeBank.h"
#include "dsp/LinearRamp.h"

namespace foh::dsp {

class HighPass {
public:
    enum Slope { Slope12 = 0, Slope18 = 1, Slope24 = 2 };
    static constexpr double kGlideSeconds = 0.020;

    void prepare(double sampleRate);
    void reset() FOH_RT;
    /// Takes over the signal state (not the parameters) of the unit this one replaces at the same sample rate.
    void continueFrom(HighPass& old) FOH_RT;
    void setOn(bool on, bool snap) FOH_RT { fade_.set(on, snap); }
    void setFrequency(float hz, bool snap) FOH_RT;
    void setSlope(int slope) FOH_RT;

    /// True when the filter is fully in at a steady frequency: it can then run in a CascadeBank lane.
    [[nodiscard]] bool steady() const FOH_RT { return fade_.fullyOn() && !logFreq_.ramping(); }
    /// Its sections as a CascadeBank job on `buf` (only when steady()).
    void describe(CascadeJob& job, float* buf) FOH_RT;

    /// In place. `dry` holds n samples of scratch space.
    void process(float* buf, float* dry, int n) FOH_RT;

    /// The filter's exact response at `freq` for the current settings (0 dB when off).
    [[nodiscard]] double responseDb(double freq) const;

private:
    void redesign() FOH_RT;
    void run(float* buf, int n) FOH_RT;

    double sampleRate_ = 48000.0;
    BypassFade fade_;
    LinearRamp logFreq_;  ///< log2(Hz): a linear glide here is a geometric glide in Hz
    int slope_ = Slope24;
    int glideBlocks_ = 60;
    BiquadCoeffs sections_[2];
    BiquadState state_[2];
};

}  // namespace foh::dsp
