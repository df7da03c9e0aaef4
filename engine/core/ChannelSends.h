#pragma once
// A channel's sends: one ramped gain per aux bus and per FX, each taking the channel's signal at its tap (pre-EQ,
// pre-fader or post-fader). The graph sets the targets (level, on, the pan into a linked bus pair) whenever routing
// changes; the strip calls mix_rt once per tap with that tap's signal. Gains ramp over 20 ms like faders, so a send
// moved, switched or re-tapped never clicks; a send at 0 that has settled costs nothing.

#include <array>

#include "dsp/LinearRamp.h"
#include "params/ObjectParams.h"
#include "rt/Realtime.h"

namespace foh {

class ChannelSends {
public:
    struct Send {
        dsp::LinearRamp gain;
        Tap tap = Tap::PreFader;
        // A tap change fades the send out on the old tap, then in on the new one (never a jump between signals).
        bool pending = false;
        Tap pendingTap = Tap::PreFader;
        float pendingGain = 0.0f;
        [[nodiscard]] bool live() const FOH_RT { return gain.ramping() || gain.current() != 0.0f; }
    };

    void setBus_rt(int bus, float gain, Tap tap, int rampSamples, bool snap) FOH_RT { set(buses_[static_cast<std::size_t>(bus)], gain, tap, rampSamples, snap); }
    void setFx_rt(int fx, float gain, Tap tap, int rampSamples, bool snap) FOH_RT { set(fx_[static_cast<std::size_t>(fx)], gain, tap, rampSamples, snap); }
    [[nodiscard]] const Send& bus(int b) const { return buses_[static_cast<std::size_t>(b)]; }
    [[nodiscard]] const Send& fx(int k) const { return fx_[static_cast<std::size_t>(k)]; }

    /// Once per block before mixing: a send whose fade-out for a tap change has finished moves to its new tap.
    void settle_rt(int rampSamples) FOH_RT;

    /// Which taps have a send that is audible or moving (bit 1 << tap): the strip prepares a tap's signal only
    /// then. One pass over the sends per block.
    [[nodiscard]] unsigned liveTaps(int buses, int fx) const FOH_RT;
    [[nodiscard]] static bool has(unsigned taps, Tap tap) { return (taps >> static_cast<int>(tap)) & 1u; }

    /// Adds x * gain into every bus and FX input whose send takes this tap. `bus[b]` / `fxIn[k]` are the sums.
    void mix_rt(const float* x, Tap tap, float* const* bus, int buses, float* const* fxIn, int fx, int n) FOH_RT;

    /// Carries the gains of the sends this strip replaces (a snapshot swap is inaudible).
    void continueFrom_rt(const ChannelSends& old, int rampSamples) FOH_RT;

private:
    void set(Send& s, float gain, Tap tap, int rampSamples, bool snap) FOH_RT;

    int pending_ = 0;  ///< sends waiting to change tap
    std::array<Send, kMaxBuses> buses_{};
    std::array<Send, kMaxFx> fx_{};
};

}  // namespace foh
