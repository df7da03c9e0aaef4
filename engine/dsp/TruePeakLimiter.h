#pragma once
// The main bus's brickwall limiter: stereo-linked, look-ahead, true peak (inter-sample peaks as BS.1770-4 Annex 2
// measures them, by 4x oversampling), so the output stays under the ceiling after the DAC, a sample-rate converter
// or a lossy codec downstream, not only at its samples.
//
//   in -> input gain (ramped) -> delay line (W + detector latency) -> x gain -> out
//                             -> detector: 4x oversampled copy of both channels -> peak around each sample (a
//                                parabola through the oversampled points, the louder channel) -> the gain that
//                                peak needs, min(1, target / peak)
//                             -> gain: minimum over the look-ahead window W -> release (one-pole in dB, upwards
//                                only) -> two running means of (W + 1) / 2 samples in series (a triangular window
//                                of W samples)
//
// Why it never overshoots: the minimum over W samples holds every needed gain for W samples, and the triangular
// window averages only values from that stretch, so when a peak leaves the delay line the gain has come down to (or
// below) what that peak needs, with an S-shaped attack (the integral of a triangle: no corner to click) landing
// exactly on it. The release only ever raises the gain more slowly than the minimum would, never faster. The means
// are exact integer sums (the gain quantized down to 2^-40), so after a stretch of unity gain the gain is exactly
// 1.0 again: below the ceiling the limiter is bit-transparent (the input, delayed by latencySamples()).
//
// Why the output's inter-sample peaks stay under the ceiling too: the target is the ceiling less
// kDetectionMarginDb, which covers the detector's worst under-read (see there). A gain that moves also changes what
// lies between the samples (gain x signal has sidebands the signal had not), so the output's inter-sample peaks are
// not exactly gain x the input's. How much that adds was measured, not assumed, on 1000 signals (band-limited
// noise, tones near fs / 4, clipped squares; 12 dB into the ceiling; 44.1-96 kHz): a second, identical stage
// (0.25 ms window) re-measuring the output of the first and correcting it changed the worst true peak by less
// than 0.0001 dB, and with no margin at all the worst was 0.028 dB over, all of it the detector's own error. So
// there is no second stage (it would cost 30 samples of latency for nothing measurable): the margin is the safety.
//
// What "true peak" covers: the detector's 4x filter is flat to 0.45 fs (Oversampler::kPeakDetection: 19.8 kHz at
// 44.1 kHz). Energy between 0.45 fs and fs / 2 has no well-defined inter-sample peak: two good interpolators disagree
// about it by tenths of a dB, since it depends on samples hundreds away. Such content does not come out of an ADC or
// a resampler; for synthetic full-band signals (white noise generated sample by sample) the guarantee is the
// detector's reading.
//
// Allocation: prepare() sizes every buffer; process(), reset() and the setters never allocate. Setters may run
// before prepare() (values are kept and converted there) and on the audio thread.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dsp/LinearRamp.h"
#include "dsp/Oversampler.h"
#include "rt/Realtime.h"

namespace foh::dsp {

class TruePeakLimiter {
public:
    static constexpr float kMinCeilingDb = -12.0f;
    static constexpr float kMaxCeilingDb = 0.0f;
    /// -1 dBTP: EBU R 128's maximum true peak for distribution, and what most streaming services ask for.
    static constexpr float kDefaultCeilingDb = -1.0f;
    static constexpr float kMinReleaseMs = 1.0f;
    static constexpr float kMaxReleaseMs = 1000.0f;
    /// 50 ms: short enough that the limiter lets go between beats, long enough not to follow (and distort) a bass
    /// wave, whose half period is 10 ms at 50 Hz.
    static constexpr float kDefaultReleaseMs = 50.0f;
    static constexpr float kMinInputGainDb = 0.0f;
    static constexpr float kMaxInputGainDb = 24.0f;
    /// Look-ahead: the window W, i.e. the attack. 1.5 ms: a shorter brickwall attack is heard as a click on every
    /// kick; a much longer one ducks audibly ahead of each transient. W is the largest odd number of samples within
    /// it (71 at 48 kHz, 65 at 44.1 kHz, 143 at 96 kHz).
    static constexpr double kLookaheadSeconds = 0.0015;
    /// The detector's worst under-read of a peak in its band, which the target leaves under the ceiling: a tone at
    /// 0.45 fs whose peak falls midway between two oversampled points reads 0.0495 dB low on the parabola through
    /// the nearest three (the raw points would read up to 0.54 dB low), the filter's passband ripple and its
    /// images (both 10^(-60/20)) take up to 0.0087 dB each: 0.067 dB.
    static constexpr float kDetectionMarginDb = 0.07f;
    /// Input gain ramp: the strip's 20 ms gain ramp.
    static constexpr double kRampSeconds = 0.020;
    static constexpr int kOversampling = 4;

    /// Sizes the delay line and the detector for `sampleRate`; process() takes any n (it works in pieces of at
    /// most `maxBlock`). Clears the signal state.
    void prepare(double sampleRate, int maxBlock);
    /// Silences the delay line and the detector, puts the gain back to unity and completes the input gain ramp;
    /// keeps the parameters.
    void reset() FOH_RT;

    void setCeilingDb(float db) FOH_RT;    ///< -12..0 dBTP; holds for everything that enters after the change
    void setReleaseMs(float ms) FOH_RT;    ///< 1..1000 ms: the time constant (1/e) of the recovery, in dB
    void setInputGainDb(float db) FOH_RT;  ///< 0..+24 dB in front of the limiter (drive into the ceiling), ramped

    [[nodiscard]] float ceilingDb() const FOH_RT { return ceilingDb_; }
    [[nodiscard]] float releaseMs() const FOH_RT { return releaseMs_; }
    [[nodiscard]] float inputGainDb() const FOH_RT { return inputGainDb_; }

    /// In place, n samples of each channel.
    void process(float* left, float* right, int n) FOH_RT;

    /// What the output lags the input by, in samples (the window W plus the detector's latency; 90 at 48 kHz, 84 at
    /// 44.1 kHz, 162 at 96 kHz), for the JACK latency callback.
    [[nodiscard]] int latencySamples() const FOH_RT { return window_ + detector_.upLatency(); }
    /// The largest gain reduction (positive dB, not counting the input gain) since the last call.
    [[nodiscard]] float takeGainReductionDb() FOH_RT;

private:
    void detect(int n) FOH_RT;
    [[nodiscard]] float smoothedGain(float needed) FOH_RT;
    void processPiece(float* left, float* right, int n) FOH_RT;

    double sampleRate_ = 48000.0;
    int maxBlock_ = 1;
    int rampSamples_ = 960;
    float ceilingDb_ = kDefaultCeilingDb;
    float releaseMs_ = kDefaultReleaseMs;
    float inputGainDb_ = 0.0f;
    LinearRamp inputGain_;
    float target_ = 1.0f;        ///< the ceiling less the margin, linear
    float releaseCoeff_ = 0.0f;  ///< per sample, on log2 gain

    Oversampler detector_;
    // detector state: the last two |oversampled| points per channel, and the last two per-sample peaks
    float prevAbs_[Oversampler::kChannels][2] = {};
    float prevPeak_[2] = {};
    std::vector<float> abs_;    ///< 2 + F maxBlock: the last two |points| of the previous block, then this one's
    std::vector<float> peaks_;  ///< maxBlock: the peak detected at each input sample
    std::vector<float> refined_;  ///< F maxBlock: the refined peak at each oversampled point (scratch)

    int box_ = 1;     ///< the length of each running mean
    int window_ = 1;  ///< W = 2 box - 1
    // sliding minimum of the needed gain over W (a monotonic wedge in a ring)
    std::vector<float> wedgeValue_;
    std::vector<std::int64_t> wedgeIndex_;
    std::size_t wedgeMask_ = 0, wedgeHead_ = 0, wedgeTail_ = 0;
    std::int64_t now_ = 0;  ///< samples since reset
    float logGain_ = 0.0f;  ///< the released gain, log2
    // the two running means, as exact integer sums of gains quantized to 2^-40
    std::vector<std::int64_t> ring1_, ring2_;
    std::size_t ringPos_ = 0;
    std::int64_t sum1_ = 0, sum2_ = 0;
    double sumToGain_ = 1.0;
    // the delayed signal
    std::vector<float> delay_[Oversampler::kChannels];
    std::size_t delayMask_ = 0;

    float minGain_ = 1.0f;  ///< for the meter, since the last take
};

}  // namespace foh::dsp
