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
#include "dsp/DynamicsLaws.h"
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
    void setMode(int mode) FOH_RT { law_.expander = mode == ExpanderMode ? 1.0f : 0.0f; }
    void setThreshold(float db) FOH_RT;
    void setRange(float db) FOH_RT { law_.range = std::max(0.0f, db); }
    void setRatio(float ratio) FOH_RT { law_.ratio = ratio; }
    void setAttack(float ms) FOH_RT { law_.attackMs = ms; }
    void setHold(float ms) FOH_RT { law_.holdMs = ms; }
    void setRelease(float ms) FOH_RT { law_.releaseMs = ms; }
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
    [[nodiscard]] float controlStep(float level, int m) FOH_RT { return law_.step(level, static_cast<float>(m)); }
    /// The control law's parameters and state: the graph runs eight gates' steps in SIMD lanes (dsp/ControlLanes).
    [[nodiscard]] GateLaw<float>& law() FOH_RT { return law_; }
    void applyGains(float* buf, const float* band, const float* gains, int n, float* scratch) FOH_RT;
    /// The key filter as a CascadeBank job: `key` filtered into `buf`.
    void describeKeyFilter(CascadeJob& job, const float* key, float* buf) FOH_RT {
        job = CascadeJob::single(key, buf, keyFilter_, keyState_[0]);
    }

    [[nodiscard]] bool isOpen() const FOH_RT { return law_.open > 0.5f; }
    /// Largest attenuation (positive dB) since the last call, and whether it was open at any time since.
    [[nodiscard]] float takeGainReductionDb() FOH_RT { return takeReduction(law_); }
    [[nodiscard]] bool takeWasOpen() FOH_RT;

private:
    double sampleRate_ = 48000.0;
    BypassFade fade_;
    LevelDetector detector_;
    GateLaw<float> law_{.threshold = 0.01f, .thresholdDb = -40.0f, .range = 40.0f, .ratio = 2.0f, .expander = 0.0f,
                        .attackMs = 1.0f, .holdMs = 50.0f, .releaseMs = 200.0f, .rate = 48000.0f, .gainDb = 0.0f,
                        .holdLeft = 0.0f, .open = 1.0f, .wasOpen = 0.0f, .reduction = 0.0f};
    bool keyFilterOn_ = false;
    BiquadCoeffs keyFilter_;
    BiquadState keyState_[2];
    InterpolatedGain gain_;
};

}  // namespace foh::dsp
