#pragma once
// The main bus's stereo imager: mid/side width in two bands and mono bass.
//
//   M = (L + R) / 2, S = (L - R) / 2
//   width:     S' = wLow LR4low(S) + wHigh LR4high(S)       M' = AP(M)          (LR4 split at the split frequency)
//   mono bass: S" = LR8high(S')                             M" = AP8(M')        (at the mono-bass frequency)
//   L = M" + S", R = M" - S"
//
// Width w is percent / 100: 0 = mono, 1 = unchanged, 2 = side doubled. The LR4 split of S sums to the allpass AP
// of its point (see Crossover.h), so the mid goes through that same allpass: mid and side keep their relative
// phase at every frequency and only the side's level changes per band. The price: at 100 % both sides come out
// through AP (magnitude exactly flat, a phase turn around the split frequency), not bit-identical to the input.
//
// Mono bass removes the side below its frequency with a Linkwitz-Riley 48 dB/oct high-pass (two 4th-order
// Butterworth high-passes in series, -6.02 dB at the frequency). LR4 would leave S only 24.6 dB down an octave
// below; LR8 takes it down 48 dB there. LR8's low and high branches sum to AP8 (the two Butterworth-4 sections'
// allpasses: (1 + s^8) / D4(s)^2 = D4(-s) / D4(s)), so the mid passes AP8. Then S and M stay in phase at every
// frequency (LR8high / AP8 = s^8 / (1 + s^8) is real on s = jW): the side is only attenuated, never turned against
// the mid, and the mid's magnitude is untouched at every frequency.
//
// Width ramps linearly over 20 ms; both frequencies glide geometrically over 20 ms, redesigned per control block
// while moving; mono bass on/off crossfades over 5 ms (off = 20 Hz or below, as the parameter's bottom). While it is
// off its filters are not run. The sections run in double, as the Crossover's (see there why).
//
// Allocation: prepare() sizes the scratch buffers; process() and the setters never allocate. Setters may be called
// before prepare() (the values are kept and take effect there, without ramps).

#include <complex>
#include <vector>

#include "dsp/BypassFade.h"
#include "dsp/Crossover.h"
#include "dsp/LinearRamp.h"
#include "rt/Realtime.h"

namespace foh::dsp {

class StereoImager {
public:
    static constexpr float kMinSplitHz = 50.0f, kMaxSplitHz = 5000.0f;
    static constexpr float kDefaultSplitHz = 300.0f;  ///< below: the bass and the room; above: the mix's width
    static constexpr float kMaxWidthPercent = 200.0f;
    static constexpr float kDefaultWidthPercent = 100.0f;
    static constexpr float kMonoBassOffHz = 20.0f;  ///< at or below: mono bass off
    static constexpr float kMaxMonoBassHz = 500.0f;
    static constexpr double kRampSeconds = 0.020;   ///< width, as the strip's gains
    static constexpr double kGlideSeconds = 0.020;  ///< frequencies, as the strip's filters
    /// process() works in chunks of this many samples (the scratch buffers stay in L1).
    static constexpr int kChunk = 256;

    /// Sizes the scratch buffers and designs the filters for `sampleRate` (no ramps). process() takes any n, so
    /// `maxBlock` is not needed; it is taken for the common prepare signature.
    void prepare(double sampleRate, int maxBlock);
    /// Clears the filter state and completes every ramp, glide and fade; keeps the parameters.
    void reset() FOH_RT;
    /// Takes over the filter state (not the parameters) of the imager this one replaces at the same rate.
    void continueFrom(const StereoImager& old) FOH_RT;

    void setSplitFrequency(float hz, bool snap) FOH_RT;   ///< 50 Hz .. 5 kHz
    void setLowWidth(float percent, bool snap) FOH_RT;    ///< 0..200 % below the split
    void setHighWidth(float percent, bool snap) FOH_RT;   ///< 0..200 % above the split
    void setMonoBass(float hz, bool snap) FOH_RT;         ///< 20 (off) .. 500 Hz

    /// In place on both sides.
    void process(float* left, float* right, int n) FOH_RT;

    [[nodiscard]] bool monoBassOn() const FOH_RT { return monoFade_.on(); }
    /// The exact responses of the mid path and the side path (mid and side in, mid and side out) for the current
    /// coefficients and the set widths; sideResponseDb is the side's level.
    [[nodiscard]] std::complex<double> midResponse(double freq) const;
    [[nodiscard]] std::complex<double> sideResponse(double freq) const;
    [[nodiscard]] double sideResponseDb(double freq) const;

private:
    void redesignSplit() FOH_RT;
    void redesignMono() FOH_RT;
    void runBlock(float* mid, float* side, float* sideLow, float* dryMid, float* drySide, int m) FOH_RT;
    void resetMono() FOH_RT;

    double sampleRate_ = 48000.0;
    int rampSamples_ = 960;
    int glideBlocks_ = 60;

    // parameters, operator units
    float splitHz_ = kDefaultSplitHz;
    float lowWidth_ = kDefaultWidthPercent, highWidth_ = kDefaultWidthPercent;
    float monoHz_ = kMonoBassOffHz;

    // width
    LinearRamp log2Split_;  ///< log2(Hz): a linear glide here is a geometric glide in Hz
    Lr4Point split_;
    LinearRamp wLow_, wHigh_;
    SectionState sideLowState_[2], sideHighState_[2], midAllpassState_;

    // mono bass
    BypassFade monoFade_;
    LinearRamp log2Mono_;
    Section monoHigh_[2];     ///< the two Butterworth-4 high-pass sections, each run twice
    Section monoAllpass_[2];  ///< their allpasses
    SectionState monoSideState_[4], monoMidState_[2];

    std::vector<float> scratch_;  ///< 5 x kChunk
};

}  // namespace foh::dsp
