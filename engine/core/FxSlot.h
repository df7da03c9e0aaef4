#pragma once
// One FX slot: its input is the sum of the channels' FX sends (and other FX returns routed into it), its
// processor is our reverb or our echo delay, and its stereo return goes through the return fader x mute into main
// L/R, into aux buses (reverb in the wedges) and into other FX (a delay into a reverb; the control side refuses any
// routing that would make a loop). Switching the type crossfades the two processors over 20 ms.

#include <array>

#include "dsp/FxDelay.h"
#include "dsp/LinearRamp.h"
#include "dsp/Reverb.h"
#include "params/ObjectParams.h"
#include "rt/Realtime.h"

namespace foh {

class FxSlot {
public:
    void prepare(double sampleRate, int maxBlock);
    void setParam_rt(FxParam param, float value, bool snap) FOH_RT;
    [[nodiscard]] float param(FxParam p) const FOH_RT { return values_[static_cast<std::size_t>(p)]; }
    void continueFrom_rt(FxSlot& old) FOH_RT;
    /// After a new graph's values are set: the units start on them at once instead of gliding from defaults.
    void settle() FOH_RT {
        reverb_.reset();
        delay_.reset();
    }

    /// in (mono, the FX bus) -> the return after the return fader, outL/outR (overwritten). `scratch` 2n.
    void process_rt(const float* in, float* outL, float* outR, float* scratch, int n) FOH_RT;

    /// The return into main L/R (when assigned).
    void toMain_rt(const float* l, const float* r, float* mainL, float* mainR, int n) FOH_RT;
    /// The return into bus b: gains from L and from R (the graph works them out from the send and bus links).
    void setBusGains_rt(int bus, float fromL, float fromR, bool snap) FOH_RT;
    void toBus_rt(int bus, const float* l, const float* r, float* dst, int n) FOH_RT;
    [[nodiscard]] bool feedsBus(int bus) const FOH_RT;
    /// The return into another FX's input: `sum` is L + R; the gain includes the 1/2 of the mono fold.
    void setFxGain_rt(int fx, float gain, bool snap) FOH_RT;
    void toFx_rt(int fx, const float* sum, float* dst, int n) FOH_RT;
    /// Whether the return feeds that FX now: switched on, or still fading out (switching off never cuts).
    [[nodiscard]] bool feedsFx(int fx) const FOH_RT {
        const auto& g = fx_[static_cast<std::size_t>(fx)];
        return g.ramping() || g.current() != 0.0f;
    }
    [[nodiscard]] bool soloed() const FOH_RT { return param(FxParam::Solo) >= 0.5f; }

private:
    void updateReturn_rt(int rampSamples, bool snap) FOH_RT;
    [[nodiscard]] double tailSamples() const FOH_RT;

    static constexpr float kSleepBelow = 1e-6f;  ///< -120 dBFS: below any converter's noise floor
    float values_[static_cast<std::size_t>(FxParam::Count)]{};
    bool asleep_ = false;
    double silentFor_ = 0.0;  ///< samples of silent input so far
    dsp::Reverb reverb_;
    dsp::FxDelay delay_;
    dsp::LinearRamp type_;  ///< 0 = reverb, 1 = delay; between: both run, crossfaded
    dsp::LinearRamp post_, main_;
    std::array<dsp::LinearRamp, kMaxBuses> busL_{}, busR_{};
    std::array<dsp::LinearRamp, kMaxFx> fx_{};
    int gainRampSamples_ = 960;
    int muteFadeSamples_ = 480;
    double sampleRate_ = 48000.0;
};

}  // namespace foh
