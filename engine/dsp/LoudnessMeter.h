#pragma once
// The main bus loudness meter: ITU-R BS.1770-4 loudness and true peak, with the EBU R128 readouts (Tech 3341
// momentary / short-term / integrated, Tech 3342 loudness range).
//
//   in (1..6 channels) -> K-weighting (shelf + RLB high-pass, double) -> weighted sum of squares per frame
//        -> 100 ms hops -> momentary (4 hops), short-term (30 hops), gating blocks (4 hops every hop) -> histograms
//   in -> 4x polyphase interpolator (float) -> max |x| -> true peak;  max |x| of the samples -> sample peak
//
// K-weighting. BS.1770 publishes the two biquads for 48 kHz only. Each is mapped back through the bilinear transform
// (prewarped at its own pole frequency) to its analog prototype, H(s) = (n2 s^2 + n1 s + n0) / (s^2 + s / Q + 1) with
// s normalized to the pole frequency f0, and mapped forward again at the sample rate in use with K = tan(pi f0 / fs).
// At 48 kHz this gives the published coefficients back (to rounding, ~1e-15); at any other rate the same analog
// filter, up to the bilinear warp every rate has (the 48 kHz reference too): from 20 Hz to 20 kHz the response at
// 44.1, 96 and 192 kHz is within 0.008 dB of the 48 kHz one (most of it around the shelf's corner), so a 1 kHz tone
// reads within 0.006 LU at every rate. The prototype recovered this way is the one libebur128 publishes (shelf 1681.974 Hz, Q 0.70718, +3.99984 dB; high-pass 38.135 Hz, Q 0.50033), with one
// difference: the reference high-pass has b = 1, -2, 1, i.e. a pass-band gain of 1.004995 (+0.043 dB) at 48 kHz,
// and we keep that gain at every rate (it is part of the filter the -0.691 offset was calibrated against), whereas
// libebur128 keeps b = 1, -2, 1 at every rate, so its pass band is 0.02 dB lower at 96 kHz (0.004 dB higher at
// 44.1 kHz) than its own 48 kHz one. The filter runs in double (DF-I, both channels of a pair in one SSE register):
// the high-pass poles sit 0.005 from z = 1, which amplifies the rounding of a recursion by orders of magnitude; in
// double it stays far below anything a meter shows.
//
// Windows. Every frame's weighted energy sum_c G_c y_c^2 is accumulated per 100 ms hop (round(fs / 10) frames) and
// the running sum within the hop is kept for the last 31 hops. Momentary and short-term are therefore exact sliding
// windows (400 ms, 3 s) ending at the last processed frame, not only at hop boundaries: whole hops plus the exact
// tail of the oldest one. Before 400 ms / 3 s have passed the missing part counts as silence (as libebur128 does).
// Gating blocks (400 ms, 75 % overlap) end at each hop boundary; short-term values for the loudness range are taken at
// every hop boundary too (10 Hz, as Tech 3342 asks; libebur128 takes them at 1 Hz).
//
// Histograms (allocated in prepare(): a show of any length never allocates). Integrated and LRA each keep 10000 bins
// of 0.01 LU from -70 to +30 LUFS (anything louder goes into the top bin), and each bin holds the count and the
// exact sum of the energies that fell into it; the absolute-gated sums are kept exactly too. So:
//  - integrated: the relative gate (10 LU below the exact absolute-gated mean) is exact; every bin wholly above it is
//    summed exactly; only the one bin straddling the gate is decided as a whole (by its mean energy). The result is
//    exact unless blocks within 0.01 LU of the gate lie on both sides of it; each such block moves the result by
//    about 0.9 / N of a power ratio, so the error stays within 0.05 LU unless more than 1.2 % of all gated blocks sit
//    within 0.01 LU of the relative gate (steady programme never does; a test checks 0.05 LU against libebur128's
//    exact list on programme material).
//  - LRA: the percentiles are nearest rank on the gated short-term values (libebur128's convention:
//    index round((N - 1) p)); the value read for a rank is the power mean of its bin, which lies in the bin, so each
//    percentile is within 0.01 LU of the exact one and LRA within 0.02 LU (exact when the bin holds one level), plus
//    the same one-bin decision at the -20 LU gate.
//
// True peak (BS.1770-4 Annex 2). 4x oversampling at every rate (the standard asks 4x at 48 kHz and allows 2x at
// 96 kHz and up; we keep 4x so the reading is as accurate at 96 and 192 kHz as at 48, for the same cost per frame).
// The interpolator is designed here instead of the Annex's 48-tap example: a Kaiser-windowed sinc (beta 6) spanning
// 24 input samples per phase (96 taps at 4x), cut exactly at the input Nyquist so phase 0 is the sample itself.
// Interpolation error (complex, per phase, relative to the amplitude): <= 1.1e-3 (0.01 dB) up to 0.40 fs (19.2 kHz at
// 48 kHz), <= 1.5e-3 up to 0.42 fs; images at least 64 dB down from 0.6 fs; -6 dB at fs / 2 (the transition band
// is 0.42..0.58 fs). (The Annex's filter is off by up to 0.24 dB in its pass band; case 16 reads -5.80 dBTP with
// it, at the edge of the +0.2 dB tolerance.) What remains is the 4x grid itself: a peak between two interpolated
// points reads up to 1 - cos(pi f / 4 fs) low (0.17 dB at fs / 4, 0.44 dB at 0.4 fs), as with any 4x meter.
// The filter runs in float (the input is float; 24-term sums in float err by ~1e-6 relative, 1e-5 dB), eight
// consecutive outputs per AVX register. Its delay (12 input samples, 0.25 ms at 48 kHz) is ignored in the 100 ms
// bookkeeping of the momentary true peak. Every channel counts for the peaks, the LFE too.
//
// Non-finite input (NaN, infinity: a broken upstream signal) never sticks: peaks ignore such samples, and a piece of
// input (at most 512 frames) that makes the K-weighting non-finite restarts its filters and counts as silence.
//
// Peaks. truePeakMaxDbtp() / samplePeakMaxDbfs(): the largest since reset() (over all channels, or per channel).
// momentaryTruePeakDbtp() / momentarySamplePeakDbfs(): the largest of the current partial 100 ms hop and the four
// complete hops before it, i.e. of the last 400 to 500 ms.
//
// Start / pause / reset. setRunning(false) pauses the integration: no gating block, no short-term value for the
// range and no peak is added while paused; momentary, short-term and the momentary peaks keep following the input.
// A block (or a 3 s short-term value) is integrated only if all of it was played while running, so nothing heard
// during a pause leaks into the integration; after setRunning(true) the first block counts 400 ms later (a resume in
// the middle of a hop starts at the next hop), and the true peak counts from the first interpolated point after the
// resume (the interpolator looks 12 samples back). reset() starts everything over (filters, windows, histograms, peaks)
// and keeps the channel weights and the running state.
//
// Threads and allocation: prepare() allocates (about 31 x 100 ms of doubles for the window ring, 2 x 160 kB of
// histogram); everything else never allocates, locks or throws, readouts included (a readout walks at most the
// 10000 bins). The meter is not shared between threads: the thread that calls process() (the audio thread) reads it
// and publishes a LoudnessReadout, as the engine's other meters do. The filters expect flush-to-zero (the audio
// thread sets it; rt::ScopedFlushDenormals elsewhere): after seconds of digital silence the double states decay
// into denormals otherwise, which is slow but not wrong.

#include <array>
#include <complex>
#include <cstdint>
#include <vector>

#include "rt/Realtime.h"

namespace foh::dsp {

/// One biquad in double: b0..b2 over 1 + a1 z^-1 + a2 z^-2.
struct KWeightingSection {
    double b0 = 1.0, b1 = 0.0, b2 = 0.0, a1 = 0.0, a2 = 0.0;

    [[nodiscard]] std::complex<double> response(double freq, double sampleRate) const;
};

/// The BS.1770 K-weighting at 48 kHz exactly as published (ITU-R BS.1770-4, Table 1 and 2).
inline constexpr KWeightingSection kBs1770Shelf48k{1.53512485958697, -2.69169618940638, 1.19839281085285,
                                                   -1.69065929318241, 0.73248077421585};
inline constexpr KWeightingSection kBs1770HighPass48k{1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621};

/// An analog second-order section with its frequency normalized to f0: H(s) = (n2 s^2 + n1 s + n0) / (s^2 + s/q + 1).
struct AnalogSection {
    double f0 = 1000.0;  ///< Hz
    double q = 0.7071067811865476;
    double n2 = 0.0, n1 = 0.0, n0 = 1.0;
};

struct KWeighting {
    KWeightingSection shelf, highPass;

    /// Both sections at `sampleRate` from the analog prototypes (bilinear, prewarped at each f0).
    [[nodiscard]] static KWeighting design(double sampleRate);
    /// The analog prototypes recovered from the published 48 kHz sections.
    [[nodiscard]] static std::array<AnalogSection, 2> prototypes();
    [[nodiscard]] double responseDb(double freq, double sampleRate) const;
};

/// The true-peak interpolator: phase p (0..3) gives the point p/4 of a sample after the centre of its 24 taps;
/// taps[p][i] multiplies x[n - i]. Phase 0 is the identity (1 at tap 12).
inline constexpr int kTruePeakPhases = 4;
inline constexpr int kTruePeakTaps = 24;
inline constexpr double kTruePeakKaiserBeta = 6.0;
using TruePeakTaps = std::array<std::array<double, kTruePeakTaps>, kTruePeakPhases>;
[[nodiscard]] TruePeakTaps designTruePeakInterpolator();

/// The K-weighting of two channels run together (lane 0 the even channel, lane 1 the odd one): direct form I state
/// of both sections (x input, y shelf output, w high-pass output) and the channels' weights G.
struct KWeightingPair {
    double x1[2] = {}, x2[2] = {}, y1[2] = {}, y2[2] = {}, w1[2] = {}, w2[2] = {};
    double g[2] = {};

    void clearSignal() noexcept {
        for (int l = 0; l < 2; ++l) x1[l] = x2[l] = y1[l] = y2[l] = w1[l] = w2[l] = 0.0;
    }
};

/// BS.1770 channel roles; the weight G of each (LFE is not measured for loudness).
enum class ChannelRole : std::uint8_t { Left, Right, Centre, Lfe, LeftSurround, RightSurround };
[[nodiscard]] constexpr double loudnessWeight(ChannelRole role) noexcept {
    switch (role) {
        case ChannelRole::Lfe: return 0.0;
        case ChannelRole::LeftSurround:
        case ChannelRole::RightSurround: return 1.41;
        default: return 1.0;
    }
}

/// Everything the meter shows, in one plain struct for the meter packets. -inf = nothing measured (silence, or
/// no gating block above the gates yet); LRA is 0 until there is a short-term value above the gates.
struct LoudnessReadout {
    double momentaryLufs = 0.0;
    double shortTermLufs = 0.0;
    double integratedLufs = 0.0;
    double rangeLu = 0.0;
    double truePeakMaxDbtp = 0.0;
    double momentaryTruePeakDbtp = 0.0;
    double samplePeakMaxDbfs = 0.0;
    double momentarySamplePeakDbfs = 0.0;
    double integratedSeconds = 0.0;  ///< programme time integrated so far (hops played while running)
    bool running = true;
};

class LoudnessMeter {
public:
    static constexpr int kMaxChannels = 6;
    static constexpr double kMinSampleRate = 8000.0;   ///< the shelf's 1.68 kHz pole must stay below fs / 2
    static constexpr double kMaxSampleRate = 768000.0;
    /// 100 ms: the gating hop of BS.1770-4 (400 ms blocks, 75 % overlap) and the update step of the range.
    static constexpr double kHopSeconds = 0.1;
    static constexpr int kMomentaryHops = 4;    ///< 400 ms
    static constexpr int kShortTermHops = 30;   ///< 3 s
    static constexpr double kAbsoluteGateLufs = -70.0;
    static constexpr double kRelativeGateLu = -10.0;       ///< integrated (BS.1770-4)
    static constexpr double kRangeRelativeGateLu = -20.0;  ///< loudness range (Tech 3342)
    static constexpr double kRangeLowPercentile = 0.10;
    static constexpr double kRangeHighPercentile = 0.95;
    static constexpr double kHistogramLowLufs = -70.0;
    static constexpr double kHistogramStepLu = 0.01;
    static constexpr int kHistogramBins = 10000;  ///< -70 .. +30 LUFS

    /// Allocates everything for `channels` (1..6) at `sampleRate` (8 kHz .. 768 kHz); throws std::invalid_argument
    /// outside those. Default weights by channel count: 1 mono, 2 L R, 3 L R C, 4 L R Ls Rs, 5 L R C Ls Rs,
    /// 6 L R C LFE Ls Rs (the order of libebur128 and of SMPTE 5.1). process() takes any n; it works in pieces of
    /// at most min(maxBlock, 512) frames. Starts running, as after reset().
    void prepare(double sampleRate, int maxBlock, int channels = 2);
    /// Clears filters, windows, histograms and peaks; keeps the weights and the running state.
    void reset() FOH_RT;

    void setChannelRole(int channel, ChannelRole role) FOH_RT { setChannelWeight(channel, loudnessWeight(role)); }
    /// Any weight >= 0 (e.g. 2 for a mono signal meant for both sides of a stereo pair); takes effect at once.
    void setChannelWeight(int channel, double weight) FOH_RT;
    [[nodiscard]] double channelWeight(int channel) const FOH_RT;
    [[nodiscard]] int channels() const FOH_RT { return channels_; }
    [[nodiscard]] double sampleRate() const FOH_RT { return sampleRate_; }

    /// Pauses (false) or resumes (true) the integration; see the header comment.
    void setRunning(bool running) FOH_RT;
    [[nodiscard]] bool running() const FOH_RT { return running_; }

    /// n frames of channels()-many planar buffers.
    void process(const float* const* channels, int n) FOH_RT;

    [[nodiscard]] double momentaryLufs() const FOH_RT;
    [[nodiscard]] double shortTermLufs() const FOH_RT;
    [[nodiscard]] double integratedLufs() const FOH_RT;
    [[nodiscard]] double loudnessRangeLu() const FOH_RT;
    [[nodiscard]] double truePeakMaxDbtp() const FOH_RT;
    [[nodiscard]] double truePeakMaxDbtp(int channel) const FOH_RT;
    [[nodiscard]] double momentaryTruePeakDbtp() const FOH_RT;
    [[nodiscard]] double samplePeakMaxDbfs() const FOH_RT;
    [[nodiscard]] double samplePeakMaxDbfs(int channel) const FOH_RT;
    [[nodiscard]] double momentarySamplePeakDbfs() const FOH_RT;
    [[nodiscard]] double integratedSeconds() const FOH_RT;
    [[nodiscard]] LoudnessReadout readout() const FOH_RT;

private:
    static constexpr int kRingHops = kShortTermHops + 1;  ///< the window's hops plus the one being filled
    static constexpr int kPeakHops = kMomentaryHops;
    static constexpr int kMaxChunk = 512;
    static constexpr int kPairs = kMaxChannels / 2;

    struct Bin {
        double energy = 0.0;
        std::uint64_t count = 0;
    };
    /// A histogram of block energies with the exact sums of everything in it.
    struct Histogram {
        std::vector<Bin> bins;
        double energy = 0.0;
        std::uint64_t count = 0;
        int lowest = kHistogramBins;  ///< touched range, so reset() and readouts skip the rest
        int highest = -1;

        void add(double energy) noexcept;
        void clear() noexcept;
        /// First bin wholly at or above `threshold`, deciding the straddling bin by its mean.
        [[nodiscard]] int firstGated(double threshold) const noexcept;
    };

    void weightChunk(const float* const* in, int n) noexcept;
    void peakChunk(const float* const* in, int n) noexcept;
    void endHop() noexcept;
    [[nodiscard]] double windowEnergy(int hops) const noexcept;  ///< mean energy of the last hops x 100 ms
    [[nodiscard]] double hopsEnergy(int hops) const noexcept;    ///< mean energy of the last complete hops

    double sampleRate_ = 48000.0;
    int channels_ = 2;
    int hop_ = 4800;  ///< frames per 100 ms
    int chunk_ = kMaxChunk;
    bool running_ = true;

    std::array<double, kMaxChannels> weights_{};
    KWeighting k_;
    std::array<KWeightingPair, kPairs> pairs_{};
    std::vector<float> zeros_;  ///< chunk of silence: the partner of an odd channel

    // windows
    std::vector<double> ring_;             ///< kRingHops x hop_: running energy sum within each hop, per frame
    std::array<double, kRingHops> hopSums_{};
    std::uint64_t hops_ = 0;  ///< complete hops since reset; the one being filled has this index
    int hopPos_ = 0;          ///< frames into it
    double hopSum_ = 0.0;     ///< its energy so far
    bool hopRan_ = true;      ///< running for all of it so far
    int runHops_ = 0;         ///< consecutive complete hops played while running (capped at kRingHops)
    std::uint64_t integratedHops_ = 0;

    Histogram gating_;  ///< 400 ms blocks: integrated loudness
    Histogram range_;   ///< 3 s values at 10 Hz: loudness range

    // true peak
    std::array<std::array<float, kTruePeakTaps>, kTruePeakPhases - 1> taps_{};  ///< phases 1..3
    std::array<std::vector<float>, kMaxChannels> history_;  ///< kTruePeakTaps - 1 past samples, then the chunk
    std::array<float, kMaxChannels> truePeak_{};    ///< since reset, linear
    std::array<float, kMaxChannels> samplePeak_{};
    float hopTruePeak_ = 0.0f, hopSamplePeak_ = 0.0f;  ///< the hop being filled, all channels
    int truePeakSettle_ = 0;  ///< frames after a resume whose interpolated points still lie before it
    std::array<float, kPeakHops> recentTruePeak_{}, recentSamplePeak_{};
};

}  // namespace foh::dsp
