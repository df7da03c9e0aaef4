#pragma once
// One mono input channel, in signal order:
//   trim x polarity -> high-pass -> gate/expander -> 4-band EQ -> compressor -> de-esser -> delay
//   -> fader x mute -> post-fader meter -> constant-power pan -> main L/R
// The graph drives it in two passes per block: trim and high-pass for every channel first (their output is the key
// any other channel's gate or compressor may listen to), then the rest, stage by stage across channels.
//
// Every gain is a LinearRamp (trim and fader 20 ms, mute 10 ms); filters glide; stages switch with a 5 ms
// crossfade and a stage that is out costs nothing and is bit-transparent.

#include "core/ChannelSends.h"
#include "dsp/Compressor.h"
#include "dsp/DeEsser.h"
#include "dsp/Delay.h"
#include "dsp/Gate.h"
#include "dsp/HighPass.h"
#include "dsp/LinearRamp.h"
#include "dsp/ParametricEq.h"
#include "params/ObjectParams.h"
#include "rt/Realtime.h"

namespace foh {

struct ChannelLevels {
    float inputPeak = 0.0f;
    float peak = 0.0f;   ///< post-fader, pre-pan
    float sumSq = 0.0f;  ///< post-fader, pre-pan
    float gateGrDb = 0.0f;
    float compGrDb = 0.0f;
    float deessGrDb = 0.0f;
    bool gateOpen = false;
};

class ChannelStrip {
public:
    /// 20 ms: long enough that a full-scale fader jump moves < 0.1 % of full scale per sample at 48 kHz (no
    /// audible zipper or click), short enough to feel immediate under a finger.
    static constexpr double kGainRampSeconds = 0.020;
    /// 10 ms: a mute is a fast fade, not a cut; a cut at a non-zero sample is a click.
    static constexpr double kMuteFadeSeconds = 0.010;
    /// Scratch each stage call needs, in multiples of the block length.
    static constexpr int kScratchBlocks = 3;

    void prepare(double sampleRate, int maxBlock);

    /// Applies a parameter in operator units. `snap` jumps without a ramp (used when building a snapshot).
    void setParam_rt(ChannelParam param, float value, bool snap) FOH_RT;
    [[nodiscard]] float param(ChannelParam p) const FOH_RT { return values_[static_cast<std::size_t>(p)]; }

    /// Takes over the signal state of the strip this one replaces, so a snapshot swap is inaudible.
    void continueFrom_rt(ChannelStrip& old) FOH_RT;

    /// Pass 1: trim and polarity, `in` -> `out` (this channel's key tap, once the high-pass has run on it).
    void trim_rt(const float* in, float* out, int n, ChannelLevels& levels) FOH_RT;
    /// Pass 1 with a played-back track (`played`, recorded post-trim, so it skips trim and polarity): `live`
    /// through trim while `/ch/N/source` is live, `played` as it is while it is playback, crossfaded over the
    /// mute fade (10 ms) when the source switches. The input meter reads whichever is heard.
    void input_rt(const float* live, const float* played, float* out, int n, ChannelLevels& levels) FOH_RT;
    /// Whether the source is live and settled (pass 1 is trim_rt alone).
    [[nodiscard]] bool liveOnly() const FOH_RT { return !source_.ramping() && source_.current() == 0.0f; }
    /// The high-pass: as a lane job when steady (returns true, the graph runs it), else run here (returns false).
    bool highPass_rt(float* buf, float* scratch, int n, dsp::CascadeJob& job) FOH_RT;
    /// Pass 2 runs the dynamics units stage by stage across channels (their key filters in SIMD lanes).
    [[nodiscard]] dsp::Gate& gate() { return gate_; }
    [[nodiscard]] dsp::Compressor& comp() { return comp_; }
    [[nodiscard]] dsp::DeEsser& deess() { return deess_; }
    /// The EQ: as a lane job when steady and audible (returns true), else run here (returns false).
    bool eq_rt(float* buf, float* scratch, int n, dsp::CascadeJob& job) FOH_RT;
    /// The delay, and the dynamics' meters for this block. `buf` is then the pre-fader signal.
    void delay_rt(float* buf, float* scratch, int n, ChannelLevels& levels) FOH_RT;
    /// `in` x the mute gain (own mute, DCA and mute-group mutes) -> `out`: what pre-EQ and pre-fader taps send.
    /// Every tap of one block gets the same stretch of the mute fade; endBlock_rt() moves it on once.
    void muteOnly_rt(const float* in, float* out, int n) const FOH_RT { mute_.applyGainAhead(in, out, n); }
    void endBlock_rt(int n) FOH_RT { mute_.advance(n); }
    /// Fader x mute in place, then the post-fader meters.
    void fader_rt(float* buf, int n, ChannelLevels& levels) FOH_RT;
    /// Constant-power pan of the post-fader signal into main L/R (when assigned), and into the AFL solo sides.
    void pan_rt(const float* buf, float* mainL, float* mainR, float* soloL, float* soloR, int n) FOH_RT;

    /// Whether fader, post-fader meters, pan and post-fader sends can be skipped (post gain settled at 0).
    [[nodiscard]] bool silentOut() const FOH_RT { return !post_.ramping() && post_.current() == 0.0f; }
    /// When the fader path is skipped: the pan gains land on their targets (nothing is audible through them).
    void skipOut_rt() FOH_RT {
        mainL_.snapTo(mainL_.target());
        mainR_.snapTo(mainR_.target());
    }
    /// Whether the pre-fader taps are silent too (muted and settled).
    [[nodiscard]] bool mutedSettled() const FOH_RT { return !mute_.ramping() && mute_.current() == 0.0f; }

    /// What the graph works out from DCAs, mute groups and solo-in-place: a fader offset (dB, may be -inf) and a
    /// mute that do not change the channel's own values, and whether solo-in-place holds it out of main.
    void setGroupState_rt(float offsetDb, bool muted, bool outOfMain, bool snap) FOH_RT;
    [[nodiscard]] ChannelSends& sends() FOH_RT { return sends_; }
    [[nodiscard]] bool soloed() const FOH_RT { return param(ChannelParam::Solo) >= 0.5f; }
    /// De-esser listen asked for on a de-esser switched in (parameters only, so the solo state follows the switch
    /// at once; the graph adds the band while the de-esser runs).
    [[nodiscard]] bool deessListen() const FOH_RT {
        return param(ChannelParam::DeessListen) >= 0.5f && param(ChannelParam::DeessOn) >= 0.5f;
    }
    [[nodiscard]] int gainRampSamples() const { return gainRampSamples_; }
    [[nodiscard]] int gateKeySource() const FOH_RT { return static_cast<int>(param(ChannelParam::GateKeySrc)); }
    [[nodiscard]] int compKeySource() const FOH_RT { return static_cast<int>(param(ChannelParam::CompKeySrc)); }
    [[nodiscard]] bool linked() const FOH_RT { return param(ChannelParam::Link) >= 0.5f; }

    /// The strip's static frequency response: high-pass plus EQ (the dynamic stages at rest).
    [[nodiscard]] double responseDb(double freq) const { return hpf_.responseDb(freq) + eq_.responseDb(freq); }

private:
    void updateTrimTarget_rt(bool snap) FOH_RT;
    void updatePostTarget_rt(int rampSamples, bool snap) FOH_RT;
    void updatePanTarget_rt(int rampSamples, bool snap) FOH_RT;
    [[nodiscard]] bool muted() const FOH_RT { return param(ChannelParam::Mute) >= 0.5f || groupMuted_; }
    void applyEq_rt(ChannelParam param, float value, bool snap) FOH_RT;

    float values_[static_cast<std::size_t>(ChannelParam::Count)]{};
    dsp::LinearRamp trim_;  ///< trim gain with the polarity sign
    dsp::LinearRamp post_;  ///< fader gain (+ DCA offset) x mute
    dsp::LinearRamp mute_;  ///< 0/1: own mute, DCA mute, mute group (pre-fader taps follow it)
    dsp::LinearRamp source_;  ///< 0: live input, 1: playback (virtual soundcheck)
    dsp::LinearRamp mainL_, mainR_;  ///< pan gains x main assignment
    dsp::LinearRamp aflL_, aflR_;    ///< pan gains alone (AFL hears the pan, assigned to main or not)
    ChannelSends sends_;
    float groupOffsetDb_ = 0.0f;
    bool groupMuted_ = false;
    bool outOfMain_ = false;
    dsp::HighPass hpf_;
    dsp::Gate gate_;
    dsp::ParametricEq eq_;
    dsp::Compressor comp_;
    dsp::DeEsser deess_;
    dsp::Delay delay_;
    double sampleRate_ = 48000.0;
    int gainRampSamples_ = 960;
    int muteFadeSamples_ = 480;
};

}  // namespace foh
