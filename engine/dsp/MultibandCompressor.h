#pragma once
// The main bus's multiband compressor: the Crossover (LR4, 3 or 4 bands, flat sum) and per band a stereo-linked
// compressor: threshold, ratio, attack, release, gain (makeup), solo, bypass.
//
// Per band, once per control block (16 samples, dsp/ControlRate.h):
//   detector: the larger |sample| of both sides (stereo link: both get the same gain, the image does not move),
//             held over a sliding window of the longer of 5 ms and half a period of the band's lowest frequency
//             (20 Hz for band 0, the crossover below it for the others). |sine| crests twice a period, so a steady
//             tone anywhere in the band always has a crest in the window: its true peak, no ripple, no distortion
//             from a gain that follows the waveform.
//   static curve: compressorGainDb() (dsp/GainComputer.h) with a fixed 6 dB soft knee;
//   smoothing: one-pole in dB, attack time constant while the reduction grows, release while it falls
//             (the channel compressor's ballistics);
//   gain: fastDbToGain(active (gain - reduction)) x audible, interpolated per sample to the next block's value.
// `active` (1 = compressing, 0 = bypassed) and `audible` (solo) move over 5 ms, the gain (dB) over 20 ms, all in
// control-block steps, so no switch or gain change steps. A band at 0 dB gain whose reduction is 0 has a gain of
// exactly 1: with all bands idle the output is the crossover's sum, an allpass (flat in magnitude).
//
// Bypass: the band passes at unity (neither compression nor gain); its detector keeps running, so the reduction is
// already where it belongs when the band comes back. Solo: while any band (of the band count) is soloed, only the
// soloed bands are heard. A band count change fades band 3 into band 2 (see Crossover): with three bands band 2's
// compressor works on the merged top band and band 3 reads no reduction.
//
// Allocation: prepare() sizes the band buffers and the detector windows; process() and the setters never allocate.
// Setters may be called before prepare() (the values are kept and take effect there, without ramps).

#include <array>
#include <vector>

#include "dsp/Crossover.h"
#include "dsp/DynamicsKit.h"
#include "dsp/ReductionMeter.h"
#include "dsp/LinearRamp.h"
#include "rt/Realtime.h"

namespace foh::dsp {

class MultibandCompressor {
public:
    static constexpr int kMaxBands = Crossover::kMaxBands;
    static constexpr float kMinThresholdDb = -60.0f, kMaxThresholdDb = 0.0f;
    static constexpr float kMinRatio = 1.0f, kMaxRatio = 20.0f;
    static constexpr float kMinAttackMs = 0.1f, kMaxAttackMs = 200.0f;
    static constexpr float kMinReleaseMs = 5.0f, kMaxReleaseMs = 2000.0f;
    static constexpr float kMinGainDb = -12.0f, kMaxGainDb = 12.0f;
    static constexpr float kDefaultThresholdDb = -20.0f;
    static constexpr float kDefaultRatio = 2.0f;        ///< gentle: mastering evens out, it does not squash
    static constexpr float kDefaultAttackMs = 20.0f;    ///< lets the transients of a mix through
    static constexpr float kDefaultReleaseMs = 200.0f;  ///< slow enough not to pump with the beat
    /// A soft knee as wide as the channel compressor's default: the onset of reduction is not heard as a corner.
    static constexpr float kKneeDb = 6.0f;
    static constexpr double kGainRampSeconds = 0.020;  ///< as the strip's gains
    static constexpr double kSwitchSeconds = 0.005;    ///< solo and bypass, as every stage's switch (BypassFade)
    static constexpr double kMinHoldSeconds = 0.005;   ///< the channel detector's peak window
    static constexpr float kLowestHz = 20.0f;          ///< the bottom of band 0, for its detector window
    /// process() works in chunks of 16 control blocks: the band buffers (8 x 256 floats) stay in L1.
    static constexpr int kChunk = 16 * kControlBlock;

    /// Allocates the band buffers and the detector windows for `sampleRate`. process() takes any n (it works in
    /// chunks of kChunk samples), so `maxBlock` is not needed; it is taken for the common prepare signature.
    void prepare(double sampleRate, int maxBlock);
    /// Clears the crossover, detectors and reductions and completes every ramp; keeps the parameters.
    void reset() FOH_RT;
    /// Takes over the signal state (crossover, detectors, reductions) of the unit this one replaces at the same rate.
    void continueFrom(const MultibandCompressor& old) FOH_RT;

    void setBandCount(int bands, bool snap) FOH_RT;            ///< 3 or 4
    void setCrossover(int index, float hz, bool snap) FOH_RT;  ///< see Crossover::setFrequency
    void setThreshold(int band, float db) FOH_RT;              ///< -60..0 dB
    void setRatio(int band, float ratio) FOH_RT;               ///< 1..20 (N:1)
    void setAttack(int band, float ms) FOH_RT;                 ///< 0.1..200 ms
    void setRelease(int band, float ms) FOH_RT;                ///< 5..2000 ms
    void setGain(int band, float db, bool snap) FOH_RT;        ///< -12..+12 dB makeup
    void setSolo(int band, bool on, bool snap) FOH_RT;
    void setBypass(int band, bool on, bool snap) FOH_RT;

    /// In place on both sides.
    void process(float* left, float* right, int n) FOH_RT;

    [[nodiscard]] int bandCount() const FOH_RT { return crossover_.bandCount(); }
    [[nodiscard]] const Crossover& crossover() const { return crossover_; }
    /// Band `band`'s static gain change (<= 0 dB, without its gain) for a steady band peak level, for tests and the
    /// GUI.
    [[nodiscard]] float staticGainDb(int band, float levelDb) const;
    /// Largest gain reduction (positive dB) applied to `band` since the last call; 0 for a band that is bypassed
    /// or beyond the band count.
    [[nodiscard]] float takeGainReductionDb(int band) FOH_RT;

private:
    /// The sliding maximum of the per-control-block peaks over the last `window` blocks.
    struct PeakHold {
        std::vector<float> ring;  ///< sized in prepare()
        int pos = 0;
        int window = 1;
        [[nodiscard]] float measure(const float* l, const float* r, int m) FOH_RT;
        void reset() FOH_RT;
    };
    struct Band {
        float thresholdDb = kDefaultThresholdDb, ratio = kDefaultRatio;
        float attackMs = kDefaultAttackMs, releaseMs = kDefaultReleaseMs, gainDb = 0.0f;
        bool solo = false, bypass = false;
        float attackCoeff = 0.0f, releaseCoeff = 0.0f;
        PeakHold detector;
        float grDb = 0.0f;    ///< smoothed reduction, >= 0
        LinearRamp gain;      ///< dB, control-rate steps
        LinearRamp active;    ///< 1 = compressing, 0 = bypassed
        LinearRamp audible;   ///< solo: 1 = heard
        InterpolatedGain out[2];
        ReductionMeter meter;
    };

    void updateSolo(bool snap) FOH_RT;
    void updateHold(int band) FOH_RT;
    [[nodiscard]] float controlStep(Band& b, float level) FOH_RT;
    void resetBand(Band& b) FOH_RT;
    void processChunk(float* left, float* right, int n) FOH_RT;
    [[nodiscard]] float coeff(float ms) const FOH_RT;
    [[nodiscard]] Band* at(int band) FOH_RT;

    double sampleRate_ = 48000.0;
    int gainSteps_ = 60;    ///< control blocks in kGainRampSeconds
    int switchSteps_ = 15;  ///< control blocks in kSwitchSeconds
    Crossover crossover_;
    std::array<Band, kMaxBands> bands_;
    bool lastBandIdle_ = false;   ///< band 3 silent (three bands) and its state cleared
    std::vector<float> buffers_;  ///< 2 x kMaxBands x kChunk
};

}  // namespace foh::dsp
