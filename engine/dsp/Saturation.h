#pragma once
// The master bus's soft clipper: a smooth, odd-symmetric curve (tanh), anti-aliased (ADAA) and run at 8x the sample
// rate (4x at 88.2/96 kHz: the curve always runs at 352.8 kHz or more) so its harmonics do not fold back into the
// audio band, with a delay-compensated dry path for parallel (mix) saturation.
//
//   in -> Oversampler up -> ADAA tanh(drive x) -> equaliser -> Oversampler down -> wet -----.
//   in -> delay (40 samples: oversampler 38, curve 2) -------------------------------> dry ---+-> mix -> trim -> out
//
// The curve: y = tanh(drive x), exactly odd, unit slope at 0, never above 1 (curve()). Its harmonics fall off
// exponentially (its poles sit at +-i pi / 2), but at heavy drive only slowly: a 0 dBFS tone at +24 dB meets the curve
// at 16x its knee, and its harmonics fall as e^(-0.1 n), so harmonic 27 of 15 kHz (405 kHz) is 37 dB down. Plain
// oversampling folds such harmonics, above the high rate's Nyquist, back inside the oversampled signal, where no
// filter can undo them (at 4x, 0 dBFS: 25 dB under the tone).
//
// Anti-aliasing: each oversampled output is the curve's mean along the straight line between two consecutive driven
// inputs, (F(x[n]) - F(x[n-1])) / (x[n] - x[n-1]) with F = log cosh the curve's antiderivative (first-order ADAA:
// Parker, Zavalishin, Le Bivic, DAFx 2016; Bilbao et al. 2017), or the curve at the midpoint when the step is under
// 1e-5 (where the quotient would lose digits). That is the continuous curve's output seen through a one-sample box
// filter, whose sinc nulls sit on the multiples of the high rate, right where the harmonics that fold land: 26 dB
// more off harmonic 27. F in double; the midpoint and the quotient are both exactly odd, so the unit stays odd.
// Its price: the box is half a sample late and, on small signals (where the quotient is (x[n] + x[n-1]) / 2), has
// a cos(pi f / F fs) droop (-0.1 dB at 19 kHz at 8x). The equaliser takes both out: 16 taps, symmetric, with that
// average it is exactly z^-8 (1 - sin^16(w / 2)) (equaliserTaps()), flat within 1e-12 to 20 kHz at 8x, 5e-8 at 4x.
// On heavily clipped material it lifts the top a little (the box over a square wave droops as sinc, not cos): at
// 0 dBFS and +24 dB the 15 kHz fundamental comes out 0.05 dB hotter than exact tanh's at 8x.
//
// Latency: the curve's stage (the quotient's half sample and the equaliser's 7.5, plus a plain delay of 8 at 8x)
// takes 2 base-rate samples, which the oversampler gives up: it runs kMastering with its stopband 0.1 kHz higher
// (28.1 kHz at 48 kHz, still 100 dB down, ripple 0.0001 dB), which Kaiser's estimate makes 38 taps per phase instead
// of 40. So the unit's latency is still 40 samples (0.83 ms at 48 kHz), the wet path exactly on time with the dry.
// (At 2x the equaliser needs 4 base samples: the stopband moves to 28.55 kHz, 99.8 dB down.)
//
// How far "does not alias" goes (15 kHz at +24 dB of drive, every folded harmonic): at 44.1 kHz 66 dB under the tone
// at 0 dBFS in, 81 dB at -6, over 110 dB at -12 and -18; at 48 kHz 62, 79, 114, 117 dB; at 96 kHz (4x) 70 dB at
// 0 dBFS below 20 kHz (harmonic 23 folds to 39 kHz at 52 dB). 4x at 48 kHz, if asked for: 55 dB at 0 dBFS, 72 at -12.
// Cost: ~20 ns per oversampled sample for the curve, ~1.5 % of a core for stereo at 48 kHz (8x) or 96 kHz (4x) on
// the machine where exact tanh at 4x took 0.7 % (twice the work at 48 kHz, about the same at 96 kHz).
//
// Changes never click: drive ramps at the oversampled rate, mix and trim at the base rate, all over 20 ms (the
// strip's gain ramp). The wet path runs at every mix, so its filters are warm whenever the mix moves up.
//
// Allocation: prepare() sizes everything; process(), reset() and the setters never allocate. Setters may run before
// prepare() (values are kept and converted there) and on the audio thread.

#include <cstddef>
#include <vector>

#include "dsp/LinearRamp.h"
#include "dsp/Oversampler.h"
#include "rt/Realtime.h"

namespace foh::dsp {

class Saturation {
public:
    static constexpr float kMinDriveDb = 0.0f;
    /// +24 dB: a signal at -24 dBFS already meets the curve at its knee (tanh(1) = 0.76: 2.4 dB of compression);
    /// past that the unit is a hard clipper with rounded corners, which is as far as a mastering saturator goes.
    static constexpr float kMaxDriveDb = 24.0f;
    static constexpr float kMinTrimDb = -24.0f;  ///< enough to take back the full drive
    static constexpr float kMaxTrimDb = 12.0f;
    static constexpr float kDefaultDriveDb = 0.0f;
    static constexpr float kDefaultMixPercent = 100.0f;
    static constexpr float kDefaultTrimDb = 0.0f;
    /// Drive, mix and trim ramps: the strip's 20 ms, slow enough not to click, fast enough to feel immediate.
    static constexpr double kRampSeconds = 0.020;
    /// prepare()'s default: autoOversampling(sampleRate).
    static constexpr int kAutoOversampling = 0;

    /// The curve itself: tanh, exactly odd.
    [[nodiscard]] static float curve(float x) noexcept;

    /// The factor that runs the curve at 352.8 kHz or more: 8 at 44.1 and 48 kHz, 4 at 88.2 and 96, 2 above.
    [[nodiscard]] static int autoOversampling(double sampleRate) noexcept;

    /// Sizes the oversampler (`oversampling` 2, 4 or 8, or kAutoOversampling) and the dry delay for blocks of up to
    /// `maxBlock`; process() takes any n, working in pieces. Clears the signal state.
    void prepare(double sampleRate, int maxBlock, int oversampling = kAutoOversampling);
    /// Clears the filters and the dry delay and completes every ramp; keeps the parameters.
    void reset() FOH_RT;

    void setDriveDb(float db) FOH_RT;        ///< 0..+24 dB into the curve
    void setMix(float percent) FOH_RT;       ///< 0..100 %: 0 = the (delayed) input only, 100 = saturated only
    void setOutputTrimDb(float db) FOH_RT;   ///< -24..+12 dB after the mix

    [[nodiscard]] float driveDb() const FOH_RT { return driveDb_; }
    [[nodiscard]] float mixPercent() const FOH_RT { return mixPercent_; }
    [[nodiscard]] float outputTrimDb() const FOH_RT { return trimDb_; }
    [[nodiscard]] int oversampling() const FOH_RT { return os_.factor(); }

    /// In place, n samples of each channel.
    void process(float* left, float* right, int n) FOH_RT;

    /// What the output lags the input by (wet and dry alike), in samples: the oversampler's round trip and the
    /// curve's stage, 40 at any rate and factor (0.83 ms at 48 kHz).
    [[nodiscard]] int latencySamples() const FOH_RT { return os_.latency() + curveLatency_; }

    /// The curve's antiderivative, log cosh x, computed without overflow or loss for any x; even.
    [[nodiscard]] static double curveAntiderivative(double x) noexcept;
    /// The equaliser that makes the anti-aliased curve flat and on time (see above), for order J: 2 J taps, newest
    /// first, J - 1/2 samples of delay.
    [[nodiscard]] static std::vector<double> equaliserTaps(int order);

private:
    struct CurveState {
        double x = 0.0;    ///< the previous driven input
        double big = 0.0;  ///< curveAntiderivative(x)
    };
    [[nodiscard]] static float antialiasedCurve(double x, CurveState& s) noexcept;
    void processPiece(float* left, float* right, int n) FOH_RT;

    double sampleRate_ = 48000.0;
    int maxBlock_ = 1;
    int rampSamples_ = 960;
    float driveDb_ = kDefaultDriveDb;
    float mixPercent_ = kDefaultMixPercent;
    float trimDb_ = kDefaultTrimDb;

    Oversampler os_;
    LinearRamp drive_;  ///< at the oversampled rate
    LinearRamp wet_;
    LinearRamp dry_;
    LinearRamp trim_;
    std::vector<float> line_[Oversampler::kChannels];  ///< the dry delay
    std::size_t lineMask_ = 0;
    std::size_t pos_ = 0;
    std::vector<float> wetOut_[Oversampler::kChannels];  ///< maxBlock: the downsampled wet block
    /// The equaliser's J: 16 taps, flat within sin^16(w / 2) of the oversampled w (see above).
    static constexpr int kEqualiserOrder = 8;
    int curveLatency_ = 2;                               ///< base-rate samples the curve and its equaliser take
    CurveState curve_[Oversampler::kChannels];
    std::vector<float> eqTaps_;                           ///< oldest first
    int eqHistory_ = 0;  ///< taps - 1, plus the delay at 8x
    std::vector<float> curveOut_[Oversampler::kChannels];  ///< eqHistory_ + factor maxBlock: the curve's output
};

}  // namespace foh::dsp
