#pragma once
// The channel compressor: threshold, ratio (1:1 .. inf:1), soft knee, attack, release, makeup (manual or automatic),
// peak or RMS detector, and a key that can be any channel (the kick ducks the bass) with its own high-pass.
//
// Once per control block: detector level -> static curve (dB) -> attack/release smoothing of the gain reduction
// (one-pole in dB, time constants are the set times) -> one pow() to linear; per sample the gain is interpolated.

#include "dsp/Biquad.h"
#include "dsp/BypassFade.h"
#include "dsp/CascadeBank.h"
#include "dsp/DynamicsKit.h"
#include "dsp/DynamicsLaws.h"
#include "dsp/LevelDetector.h"

namespace foh::dsp {

class Compressor {
public:
    void prepare(double sampleRate);
    void reset() FOH_RT;
    /// Takes over the signal state (detector, gain reduction) of the compressor this one replaces.
    void continueFrom(Compressor& old) FOH_RT;

    void setOn(bool on, bool snap) FOH_RT { fade_.set(on, snap); }
    void setThreshold(float db) FOH_RT { law_.threshold = db; }
    void setRatio(float ratio) FOH_RT { law_.ratio = ratio; }
    void setKnee(float db) FOH_RT { law_.knee = db; }
    void setAttack(float ms) FOH_RT;
    void setRelease(float ms) FOH_RT;
    void setMakeup(float db) FOH_RT { makeup_ = db; }
    void setAutoMakeup(bool on) FOH_RT { autoMakeup_ = on; }
    void setDetector(int mode) FOH_RT { detector_.setMode(mode); }
    void setKeyHighPass(float hz) FOH_RT;
    /// The controls in the order the registry lays them out after comp/on on every strip that has this unit
    /// (channel, bus, main), so each maps its parameter to a control by offset instead of its own switch.
    enum class Control { Threshold, Ratio, Knee, Attack, Release, Makeup, AutoMakeup, Detector, KeyHpf };
    void setControl(Control c, float value) FOH_RT;

    /// In place. `keyA` is the detector's input (the stage input itself for a self key), `keyB` a linked partner's
    /// key or null. `scratch` is 3n samples.
    void process(float* buf, const float* keyA, const float* keyB, float* scratch, int n) FOH_RT;
    /// The same with keys already through the key high-pass (the graph filters them in SIMD lanes).
    void processFiltered(float* buf, const float* keyA, const float* keyB, float* scratch, int n) FOH_RT;
    [[nodiscard]] bool active() const FOH_RT { return !fade_.bypassed(); }
    [[nodiscard]] bool keyFiltered() const FOH_RT { return keyHpfHz_ > 20.0f; }

    // The three phases of processFiltered, for the graph to run each across all channels (the control steps of
    // many channels are independent chains the CPU overlaps). Per host block: beginControl(); per control block:
    // measure() then controlStep(); then applyGains() with the gains of every control block.
    void beginControl() FOH_RT { law_.makeup = makeupDb(); }
    [[nodiscard]] float measure(const float* keyA, const float* keyB, int m) FOH_RT {
        return detector_.measure(keyA, keyB, m);
    }
    [[nodiscard]] float controlStep(float level, int m) FOH_RT { return law_.step(level, static_cast<float>(m)); }
    /// The control law's parameters and state: the graph runs eight compressors' steps in SIMD lanes.
    [[nodiscard]] CompressorLaw<float>& law() FOH_RT { return law_; }
    void applyGains(float* buf, const float* band, const float* gains, int n, float* scratch) FOH_RT;
    /// The key high-pass as a CascadeBank job: `key` filtered into `buf`.
    void describeKeyFilter(CascadeJob& job, const float* key, float* buf) FOH_RT {
        job = CascadeJob::single(key, buf, keyHpf_, keyState_[0]);
    }

    /// The gain change the static curve gives a steady input at `levelDb` (without makeup), for tests and the GUI.
    [[nodiscard]] float staticGainDb(float levelDb) const;
    /// The makeup in effect (manual plus automatic).
    [[nodiscard]] float makeupDb() const;
    /// Largest gain reduction (positive dB) since the last call.
    [[nodiscard]] float takeGainReductionDb() FOH_RT { return takeReduction(law_); }

private:
    double sampleRate_ = 48000.0;
    BypassFade fade_;
    LevelDetector detector_;
    CompressorLaw<float> law_{.threshold = -20.0f, .ratio = 3.0f, .knee = 6.0f, .attack = 0.0f, .release = 0.0f,
                              .makeup = 0.0f, .grDb = 0.0f, .reduction = 0.0f};
    float makeup_ = 0.0f;  ///< manual makeup, dB
    bool autoMakeup_ = false;
    InterpolatedGain gain_;
    float keyHpfHz_ = 20.0f;  ///< 20 Hz = off
    BiquadCoeffs keyHpf_;
    BiquadState keyState_[2];
};

}  // namespace foh::dsp
