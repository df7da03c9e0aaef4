#pragma once
// The 4-band parametric EQ. Each band: on/off, shape, frequency, gain, Q. Frequency and Q glide geometrically and
// gain linearly in dB over 20 ms, with the coefficients redesigned at control rate only while something moves, so
// sweeping a band never zips. A band at 0 dB gain (peak or shelf) is skipped: it is exactly transparent anyway.

#include <array>

#include "dsp/Biquad.h"
#include "dsp/BypassFade.h"
#include "dsp/CascadeBank.h"
#include "dsp/FilterDesign.h"
#include "dsp/LinearRamp.h"

namespace foh::dsp {

class ParametricEq {
public:
    static constexpr int kBands = 4;
    static constexpr double kGlideSeconds = 0.020;

    void prepare(double sampleRate);
    void reset() FOH_RT;
    /// Takes over the filter state (not the parameters) of the EQ this one replaces at the same sample rate.
    void continueFrom(ParametricEq& old) FOH_RT;

    void setOn(bool on, bool snap) FOH_RT { fade_.set(on, snap); }
    void setBandOn(int band, bool on, bool snap) FOH_RT;
    void setBandShape(int band, FilterShape shape) FOH_RT;
    void setBandFrequency(int band, float hz, bool snap) FOH_RT;
    void setBandGain(int band, float db, bool snap) FOH_RT;
    void setBandQ(int band, float q, bool snap) FOH_RT;
    /// A band parameter as the registry lays them out: five per band (on, type, freq, gain, q), `offset` counted
    /// from band 1's "on". Type is the index into the band's choices (bands 1 and 4 have a cut as fourth choice).
    void setBandParam(int offset, float value, bool snap) FOH_RT;

    /// True when nothing moves: the stage fully in, every band fully in or out, none gliding. The EQ can then run
    /// in a CascadeBank lane.
    [[nodiscard]] bool steady() const FOH_RT;
    /// Its audible bands as a CascadeBank job on `buf` (only when steady()); sections = 0 means nothing to run.
    void describe(CascadeJob& job, float* buf) FOH_RT;

    /// In place; `dry` is 2n samples of scratch.
    void process(float* buf, float* dry, int n) FOH_RT;

    /// Exact response of one band / of the whole EQ at the current settings (0 dB for what is off).
    [[nodiscard]] double bandResponseDb(int band, double freq) const;
    [[nodiscard]] double responseDb(double freq) const;

private:
    struct Band {
        BypassFade fade;
        FilterShape shape = FilterShape::Peak;
        LinearRamp log2Freq, gainDb, log2Q;
        BiquadCoeffs coeffs;
        BiquadState state;
        [[nodiscard]] bool gliding() const { return log2Freq.ramping() || gainDb.ramping() || log2Q.ramping(); }
        [[nodiscard]] bool transparent() const {
            return (shape == FilterShape::Peak || shape == FilterShape::LowShelf || shape == FilterShape::HighShelf) &&
                   gainDb.current() == 0.0f && !gliding();
        }
    };
    void redesign(Band& b) FOH_RT;
    void runBand(Band& b, float* buf, int n) FOH_RT;
    void glideTo(LinearRamp& r, float target, bool snap) FOH_RT;

    double sampleRate_ = 48000.0;
    int glideBlocks_ = 60;
    BypassFade fade_;
    std::array<Band, kBands> bands_;
};

}  // namespace foh::dsp
