#pragma once
// A stereo Linkwitz-Riley 24 dB/oct crossover into 3 or 4 bands whose sum is flat in magnitude (an allpass).
//
// One LR4 point at f: the low branch is the second-order Butterworth low-pass run twice, the high branch the
// high-pass run twice. Each is -6.02 dB at f, and (analog prototype, exact through the bilinear transform):
//   1/D^2 + s^4/D^2 = (s^2 - sqrt2 s + 1) / (s^2 + sqrt2 s + 1),   D = s^2 + sqrt2 s + 1,
// the second-order allpass at f with Q = 1/sqrt2. So a split sums to an allpass, not to a wire.
//
// The tree (f1 < f2 < f3 are the three points; AP_f is the allpass of point f):
//
//   in --+-- low  f2 -- AP f3 --+-- low  f1 --> band 0        band 0 = L2 AP3 L1     band 1 = L2 AP3 H1
//        |                      '-- high f1 --> band 1        band 2 = H2 AP1 L3     band 3 = H2 AP1 H3
//        '-- high f2 -- AP f1 --+-- low  f3 --> band 2
//                               '-- high f3 --> band 3        sum = (L2 + H2) AP1 AP3 = AP1 AP2 AP3
//
// Without the two compensating allpasses the bands of the low branch would sum to L2 AP1 and those of the high
// branch to H2 AP3: different phases, and the sum would dip around f2. With them every band passes the same
// allpass chain and the sum is AP1 AP2 AP3, |sum| = 1 at every frequency (to the float output's ~1e-6 dB).
//
// Three bands are the same tree with bands 2 and 3 summed: band 2 = H2 AP1 (L3 + H3) = H2 AP1 AP3. The third
// point then only adds its allpass (magnitude 1; it puts the same phase on all three bands). Why not a separate
// 3-band tree: a change of the band count then only moves band 3's signal into band 2 or out of it, which fades
// over 20 ms with the sum untouched at every moment (band 2 + band 3 is the same signal before, during and after),
// so a processor giving the bands different gains crossfades between them instead of jumping. All three points
// run all the time so their state is warm when the count changes.
//
// A frequency change glides geometrically over 20 ms (as every filter of the strip), with the point's three
// sections redesigned once per control block while it moves; the low branch, high branch and the compensating
// allpass of a point always share one design, so the sum stays an allpass while gliding. The points are not
// reordered: the sum is an allpass for any three frequencies, but the bands only mean low..high when f1 < f2 < f3
// (the parameter ranges keep them so).
//
// Precision: the sections run in double (float in and out). A float biquad's low-frequency gain hangs on the small
// difference 1 + a1 + a2 (about (2 pi f / fs)^2: 7e-6 for 40 Hz at 96 kHz) against float steps of 6e-8 near 1, so
// its passband gain is off by up to 1 % and the sum by several hundredths of a dB (measured: 0.03 dB at 96 kHz,
// 0.07 dB at 192 kHz for a 40 Hz point). In double the same error is 1e-11: the sum stays flat to ~1e-6 dB.
//
// Allocation: none anywhere (all state is in fixed members). Setters may be called before prepare() (the values
// are kept and designed there, without glides) and from the audio thread.

#include <array>
#include <complex>

#include "dsp/LinearRamp.h"
#include "rt/Realtime.h"

namespace foh::dsp {

/// A second-order section with double coefficients: the RBJ cookbook forms (the bilinear transform prewarped at
/// `freq`, as dsp::design()), normalized to a0 = 1.
struct Section {
    double b0 = 1.0, b1 = 0.0, b2 = 0.0, a1 = 0.0, a2 = 0.0;

    [[nodiscard]] static Section lowPass(double freq, double q, double sampleRate);
    [[nodiscard]] static Section highPass(double freq, double q, double sampleRate);
    /// (1 - s/Q + s^2) / (1 + s/Q + s^2): magnitude exactly 1, the phase of a low-pass and high-pass pair's sum.
    [[nodiscard]] static Section allpass(double freq, double q, double sampleRate);
    /// The exact response at `freq` Hz.
    [[nodiscard]] std::complex<double> response(double freq, double sampleRate) const;
};

/// A section's state, transposed direct form II.
struct SectionState {
    double s1 = 0.0, s2 = 0.0;
};

/// Runs `Count` sections in series over buf[0..n) in one pass (the sections' recursions overlap in the CPU).
template <int Count>
void runSectionsFixed(const Section* const* c, SectionState* const* st, float* buf, int n) noexcept {
    double b0[Count], b1[Count], b2[Count], a1[Count], a2[Count], z1[Count], z2[Count];
    for (int k = 0; k < Count; ++k) {
        b0[k] = c[k]->b0, b1[k] = c[k]->b1, b2[k] = c[k]->b2, a1[k] = c[k]->a1, a2[k] = c[k]->a2;
        z1[k] = st[k]->s1, z2[k] = st[k]->s2;
    }
    for (int i = 0; i < n; ++i) {
        double x = buf[i];
        for (int k = 0; k < Count; ++k) {
            const double y = b0[k] * x + z1[k];
            z1[k] = b1[k] * x - a1[k] * y + z2[k];
            z2[k] = b2[k] * x - a2[k] * y;
            x = y;
        }
        buf[i] = static_cast<float>(x);
    }
    for (int k = 0; k < Count; ++k) st[k]->s1 = z1[k], st[k]->s2 = z2[k];
}
inline void runSections(const Section* const* c, SectionState* const* st, int count, float* buf, int n) FOH_RT {
    switch (count) {
        case 0: return;
        case 1: runSectionsFixed<1>(c, st, buf, n); return;
        case 2: runSectionsFixed<2>(c, st, buf, n); return;
        case 3: runSectionsFixed<3>(c, st, buf, n); return;
        default: runSectionsFixed<4>(c, st, buf, n); return;
    }
}

/// The three sections of one LR4 crossover point. `low` and `high` are each run twice in series.
struct Lr4Point {
    Section low, high, allpass;

    [[nodiscard]] static Lr4Point design(double freq, double sampleRate);
    [[nodiscard]] std::complex<double> lowResponse(double freq, double sampleRate) const {
        const auto h = low.response(freq, sampleRate);
        return h * h;
    }
    [[nodiscard]] std::complex<double> highResponse(double freq, double sampleRate) const {
        const auto h = high.response(freq, sampleRate);
        return h * h;
    }
    [[nodiscard]] std::complex<double> allpassResponse(double freq, double sampleRate) const {
        return allpass.response(freq, sampleRate);
    }
};

class Crossover {
public:
    static constexpr int kMaxBands = 4;
    static constexpr int kMinBands = 3;
    static constexpr int kPoints = kMaxBands - 1;
    static constexpr float kMinHz = 20.0f;
    static constexpr float kMaxHz = 20000.0f;
    /// 120 Hz (kick and bass fundamentals below), 1 kHz, 6 kHz (presence and air above): the main bus's defaults.
    static constexpr std::array<float, kPoints> kDefaultHz = {120.0f, 1000.0f, 6000.0f};
    static constexpr int kDefaultBands = 4;
    static constexpr double kGlideSeconds = 0.020;      ///< as the strip's filters
    static constexpr double kBandCountSeconds = 0.020;  ///< band 3 fading into band 2 or out of it

    /// Designs the points for `sampleRate` (no glide) and clears the state. `maxBlock` is not needed (process()
    /// takes any n); it is taken for the common prepare signature.
    void prepare(double sampleRate, int maxBlock);
    /// Clears the filter state and completes any glide or band-count fade; keeps the parameters.
    void reset() FOH_RT;
    /// Takes over the filter state (not the parameters) of the crossover this one replaces at the same rate.
    void continueFrom(const Crossover& old) FOH_RT;

    void setBandCount(int bands, bool snap) FOH_RT;  ///< 3 or 4 (clamped)
    /// Point `index` (0: between bands 0 and 1, 1: between 1 and 2, 2: between 2 and 3), 20 Hz .. 20 kHz (and
    /// below 0.45 of the sample rate).
    void setFrequency(int index, float hz, bool snap) FOH_RT;

    [[nodiscard]] int bandCount() const FOH_RT { return bands_; }
    /// The frequency point `index` is set to (where a glide ends).
    [[nodiscard]] float frequency(int index) const FOH_RT;
    /// True when band 3 is silent: three bands and no fade running (a processor may skip it).
    [[nodiscard]] bool lastBandSilent() const FOH_RT { return bands_ == 3 && !four_.ramping(); }

    /// Splits n samples of `left` and `right` into kMaxBands buffers per side (band 3 silent with three bands).
    /// The inputs must not be any of the band buffers.
    void process(const float* left, const float* right, float* const* bandsLeft, float* const* bandsRight,
                 int n) FOH_RT;

    /// Band `band`'s exact response at `freq` for the current coefficients and the set band count (0 for band 3
    /// with three bands); responseDb() is its level (-300 dB for silence).
    [[nodiscard]] std::complex<double> bandResponse(int band, double freq) const;
    [[nodiscard]] double responseDb(int band, double freq) const;
    /// The sum of the bands (an allpass: magnitude 1).
    [[nodiscard]] std::complex<double> sumResponse(double freq) const;
    [[nodiscard]] double sumResponseDb(double freq) const;

private:
    struct Channel {
        SectionState low[kPoints][2], high[kPoints][2];
        SectionState allpassLow;   ///< point 2's allpass on the low branch
        SectionState allpassHigh;  ///< point 0's allpass on the high branch
    };
    void redesign(int index) FOH_RT;
    void runTree(const float* in, Channel& ch, float* const* bands, int offset, int m) FOH_RT;
    void mergeLastBand(float* const* bandsLeft, float* const* bandsRight, int n) FOH_RT;
    [[nodiscard]] float clampHz(float hz) const FOH_RT;

    double sampleRate_ = 48000.0;
    int glideBlocks_ = 60;
    int bandCountSamples_ = 960;
    int bands_ = kDefaultBands;
    std::array<float, kPoints> hz_ = kDefaultHz;  ///< set values, operator units
    std::array<LinearRamp, kPoints> log2Hz_;      ///< log2(Hz): a linear glide here is a geometric glide in Hz
    std::array<Lr4Point, kPoints> points_;
    LinearRamp four_;  ///< 1 = band 3 on its own, 0 = band 3 summed into band 2
    Channel channels_[2];
};

}  // namespace foh::dsp
