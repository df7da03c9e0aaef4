#pragma once
// Stereo polyphase FIR up/down-sampling by 2, 4 or 8, linear phase, for the master bus's mastering chain
// (TruePeakLimiter's peak detector, Saturation's curve).
//
//   upsample:   x[m] -> zero-stuff by F -> F h -> y[F m + p] = F sum_l h[p + F l] x[m - l]  (F phases, P + 1 taps)
//   downsample: v[i] -> h -> keep every F-th -> z[m] = sum_k h[k] v[F m - k]                  (one dot product each)
//
// h is a Kaiser-windowed sinc (designed in double in prepare(), run in float) of length N = F P + 1 with unit gain
// at DC (the upsampler's F makes up for the zeros stuffed in): symmetric, so linear phase, with its centre F P / 2
// oversampled samples in. The oversampled signal therefore lags the input by
// P / 2 base samples (upLatency()), and up then down by exactly P base samples (latency()), at every factor: the
// transition band is fixed in base-rate units, so the taps per phase, P, do not depend on F.
//
// Two designs (fractions of the base rate; 48 kHz figures in brackets):
// - kMastering, for processing at the high rate: flat (ripple under 0.001 dB, i.e. 0.01 dB spec with margin) to
//   0.4167 fs [20 kHz], at least 100 dB down from 0.5833 fs [28 kHz]. The stopband starts at fs - 20 kHz, not at
//   fs / 2: whatever the downsampler lets through from between fs / 2 and fs - 20 kHz folds to between 20 kHz and
//   fs / 2, above the audio band, and everything that would fold below 20 kHz is 100 dB down; the images the
//   upsampler leaves lie above fs / 2 for the same reason. That halves the taps (P = 40 instead of 78) and so the
//   latency (40 samples, 0.83 ms at 48 kHz, instead of 1.6 ms). At 44.1 kHz the flat band is 18.4 kHz (-0.25 dB at
//   20 kHz).
// - kPeakDetection, for estimating inter-sample peaks: flat (0.01 dB) to 0.45 fs [21.6 kHz, 19.8 kHz at 44.1 kHz],
//   60 dB down from 0.55 fs. A peak meter needs the band right up to near fs / 2 (a mastering filter would
//   under-read anything between 20 kHz and fs / 2 by up to 6 dB), while images only have to be small next to the
//   signal, not inaudible: 60 dB leaves at most 0.01 dB of error in a peak. P = 38, up latency 19 samples.
//
// Cost: both directions run 8 independent vector accumulators (8 M inputs' F phases up; 64 / F outputs down) so
// the adds of one output's P + 1 taps, a dependent chain, overlap with seven others (AVX2 and baseline clones);
// each output's sum is taken in the same order as one at a time would, so the samples do not depend on it.
//
// Allocation: prepare() sizes every buffer for `maxBlock`; upsample(), downsample() and reset() never allocate.

#include <vector>

#include "rt/Realtime.h"

namespace foh::dsp {

class Oversampler {
public:
    /// A low-pass spec in fractions of the base sample rate.
    struct Design {
        double passband;       ///< flat up to here
        double stopband;       ///< attenuated by at least attenuationDb from here up
        double attenuationDb;  ///< also sets the passband ripple: a Kaiser window's ripple equals its stopband's
    };
    static constexpr Design kMastering{20.0 / 48.0, 28.0 / 48.0, 100.0};
    static constexpr Design kPeakDetection{0.45, 0.55, 60.0};

    static constexpr int kChannels = 2;

    /// Designs the filter for `factor` (2, 4 or 8; anything else is taken as 4) and sizes the buffers for blocks of
    /// up to `maxBlock` base-rate samples. Clears the signal state.
    void prepare(double sampleRate, int maxBlock, int factor = 4, const Design& design = kMastering);
    /// Clears the filter histories (as after prepare()).
    void reset() FOH_RT;

    [[nodiscard]] int factor() const FOH_RT { return factor_; }
    [[nodiscard]] int maxBlock() const FOH_RT { return maxBlock_; }
    /// Up then down: the output lags the input by exactly this many base-rate samples (P).
    [[nodiscard]] int latency() const FOH_RT { return phaseTaps_ - 1; }
    /// Up only: oversampled sample F m lines up with base-rate sample m - upLatency() (P / 2).
    [[nodiscard]] int upLatency() const FOH_RT { return (phaseTaps_ - 1) / 2; }

    /// Upsamples n (<= maxBlock) samples per channel into oversampled(0) and oversampled(1), n * factor() each.
    void upsample(const float* left, const float* right, int n) FOH_RT;
    /// The oversampled block of `channel` (0 = left, 1 = right): written by upsample(), and what downsample() reads,
    /// so a unit may process it in place in between, or fill it itself.
    [[nodiscard]] float* oversampled(int channel) FOH_RT { return os_[channel].data() + downHistory_; }
    /// Downsamples n * factor() oversampled samples per channel (from oversampled()) to n samples in left and right.
    void downsample(float* left, float* right, int n) FOH_RT;

    /// The magnitude of the designed filter at `freq` Hz (normalized to unity in the passband), in dB.
    [[nodiscard]] double responseDb(double freq) const;

private:
    double sampleRate_ = 48000.0;
    int factor_ = 4;
    int maxBlock_ = 0;
    int phaseTaps_ = 1;    ///< P + 1: taps per phase (phase 0 has them all; the others end in a zero)
    int downHistory_ = 0;  ///< oversampled samples of history kept in front of each oversampled block
    std::vector<double> prototype_;  ///< h, N = F P + 1 taps, DC gain 1
    std::vector<float> upTaps_;      ///< [l][p] = F h[p + F l] (l = 0..P, p = 0..F-1): all phases of one input
    std::vector<float> downTaps_;    ///< [l][q] = h[F l + F - 1 - q]: one input period of taps, newest last
    std::vector<float> base_[kChannels];  ///< P history samples, then the block being upsampled
    std::vector<float> os_[kChannels];    ///< downHistory_ samples of history, then the oversampled block
};

}  // namespace foh::dsp
