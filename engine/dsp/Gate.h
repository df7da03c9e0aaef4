#pragma once
// The channel gate / expander: threshold, range (how far it closes), ratio (expander), attack (time to open fully),
// hold (stays open after the key falls below threshold), release (time to close fully), a band-pass key filter
// and a key that can be any channel. The gain moves linearly in dB at range/attack opening and range/release
// closing, decided once per control block and interpolated per sample: no click beyond the set times.

#include <algorithm>

#include "dsp/Biquad.h"
#include "dsp/BypassFade.h"
#include "dsp/CascadeBank.h"
#include "dsp/DynamicsKit.h"
#include "dsp/LevelDetector.h"

namespace foh::dsp {

class Gate {
public:
    enum Mode { GateMode = 0, ExpanderMode = 1 };

    void prepare(double sampleRate);
    void reset() FOH_RT;
    /// Takes over the signal state (envelope, gain, hold) of the gate this one replaces.
    void continueFrom(Gate& old) FOH_RT;

    void setOn(bool on, bool snap) FOH_RT { fade_.set(on, snap); }
    void setMode(int mode) FOH_RT { mode_ = mode == ExpanderMode ? ExpanderMode : GateMode; }
    void setThreshold(float db) FOH_RT;
    void setRange(float db) FOH_RT { range_ = std::max(0.0f, db); }
    void setRatio(float ratio) FOH_RT { ratio_ = ratio; }
    void setAttack(float ms) FOH_RT { attackMs_ = ms; }
    void setHold(float ms) FOH_RT { holdMs_ = ms; }
    void setRelease(float ms) FOH_RT { releaseMs_ = ms; }
    void setKeyFilter(bool on) FOH_RT { keyFilterOn_ = on; }
    void setKeyFrequency(float hz) FOH_RT;

    /// In place; `keyA`/`keyB` as for the compressor; `scratch` is 3n samples. Filters the keys itself.
    void process(float* buf, const float* keyA, const float* keyB, float* scratch, int n) FOH_RT;
    /// The same with keys already through the key filter (the graph filters them in SIMD lanes).
    void processFiltered(float* buf, const float* keyA, const float* keyB, float* scratch, int n) FOH_RT;
    [[nodiscard]] bool active() const FOH_RT { return !fade_.bypassed(); }
    [[nodiscard]] bool keyFiltered() const FOH_RT { return keyFilterOn_; }

    // processFiltered in phases, as the compressor's (see there).
    void beginControl() FOH_RT {}
    [[nodiscard]] float measure(const float* keyA, const float* keyB, int m) FOH_RT {
        return detector_.measure(keyA, keyB, m);
    }
    [[nodiscard]] float controlStep(float level, int m) FOH_RT;
    void applyGains(float* buf, const float* band, const float* gains, int n, float* scratch) FOH_RT;
    /// The key filter as a CascadeBank job on `buf` (a copy of the key).
    void describeKeyFilter(CascadeJob& job, float* buf) FOH_RT { job = CascadeJob::single(buf, keyFilter_, keyState_[0]); }

    [[nodiscard]] bool isOpen() const FOH_RT { return open_; }
    /// Largest attenuation (positive dB) since the last call, and whether it was open at any time since.
    [[nodiscard]] float takeGainReductionDb() FOH_RT { return meter_.take(); }
    [[nodiscard]] bool takeWasOpen() FOH_RT;

private:
    double sampleRate_ = 48000.0;
    BypassFade fade_;
    LevelDetector detector_;
    int mode_ = GateMode;
    float thresholdDb_ = -40.0f, threshold_ = 0.01f, range_ = 40.0f, ratio_ = 2.0f;
    float attackMs_ = 1.0f, holdMs_ = 50.0f, releaseMs_ = 200.0f;
    bool keyFilterOn_ = false;
    BiquadCoeffs keyFilter_;
    BiquadState keyState_[2];
    float gainDb_ = 0.0f;  ///< 0 (open) .. -range (closed)
    InterpolatedGain gain_;
    float holdLeft_ = 0.0f;  ///< samples
    bool open_ = true;
    ReductionMeter meter_;
    bool wasOpen_ = false;
};

}  // namespace foh::dsp
