#include "core/ChannelStrip.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/BlockStats.h"
#include "dsp/Decibels.h"
#include "dsp/PanLaw.h"

namespace foh {

void ChannelStrip::prepare(double sampleRate, int maxBlock) {
    sampleRate_ = sampleRate;
    gainRampSamples_ = dsp::rampSamplesFor(kGainRampSeconds, sampleRate);
    muteFadeSamples_ = dsp::rampSamplesFor(kMuteFadeSeconds, sampleRate);
    hpf_.prepare(sampleRate);
    gate_.prepare(sampleRate);
    eq_.prepare(sampleRate);
    comp_.prepare(sampleRate);
    deess_.prepare(sampleRate);
    delay_.prepare(sampleRate, maxBlock);
    for (std::size_t p = 0; p < kChannelParams.size(); ++p)
        setParam_rt(static_cast<ChannelParam>(p), kChannelParams[p].def, true);
}

void ChannelStrip::setParam_rt(ChannelParam param, float value, bool snap) FOH_RT {
    const auto p = static_cast<std::size_t>(param);
    if (p >= kChannelParams.size()) return;
    values_[p] = value;
    const bool on = value >= 0.5f;
    // Only the choice parameters read `index` (whole numbers, validated); any other value, a fader's -inf among
    // them, is not converted: a float outside int's range converts with undefined behaviour.
    const int index = std::fabs(value) < 1e6f ? static_cast<int>(value) : 0;
    using P = ChannelParam;
    switch (param) {
        case P::Trim:
        case P::Polarity: updateTrimTarget_rt(snap); break;
        case P::HpfOn: hpf_.setOn(on, snap); break;
        case P::HpfFreq: hpf_.setFrequency(value, snap); break;
        case P::HpfSlope: hpf_.setSlope(index); break;
        case P::GateOn: gate_.setOn(on, snap); break;
        case P::GateMode: gate_.setMode(index); break;
        case P::GateThreshold: gate_.setThreshold(value); break;
        case P::GateRange: gate_.setRange(value); break;
        case P::GateRatio: gate_.setRatio(value); break;
        case P::GateAttack: gate_.setAttack(value); break;
        case P::GateHold: gate_.setHold(value); break;
        case P::GateRelease: gate_.setRelease(value); break;
        case P::GateKeySrc: break;  // read by the graph
        case P::GateKeyFilter: gate_.setKeyFilter(on); break;
        case P::GateKeyFreq: gate_.setKeyFrequency(value); break;
        case P::EqOn: eq_.setOn(on, snap); break;
        case P::CompOn: comp_.setOn(on, snap); break;
        case P::CompThreshold:
        case P::CompRatio:
        case P::CompKnee:
        case P::CompAttack:
        case P::CompRelease:
        case P::CompMakeup:
        case P::CompAutoMakeup:
        case P::CompDetector:
            comp_.setControl(static_cast<dsp::Compressor::Control>(static_cast<int>(param) - static_cast<int>(P::CompThreshold)), value);
            break;
        case P::CompKeySrc: break;  // read by the graph
        case P::CompKeyHpf: comp_.setControl(dsp::Compressor::Control::KeyHpf, value); break;
        case P::DeessOn: deess_.setOn(on, snap); break;
        case P::DeessMode: deess_.setMode(index); break;
        case P::DeessFreq: deess_.setFrequency(value); break;
        case P::DeessThreshold: deess_.setThreshold(value); break;
        case P::DeessRange: deess_.setRange(value); break;
        case P::DeessListen: break;  // the graph puts the detector band on the solo bus
        case P::DelayOn: delay_.setOn(on, snap); break;
        case P::DelayMs: delay_.setMilliseconds(value, snap); break;
        case P::Fader: updatePostTarget_rt(gainRampSamples_, snap); break;
        case P::Mute: updatePostTarget_rt(muteFadeSamples_, snap); break;
        case P::Pan: updatePanTarget_rt(gainRampSamples_, snap); break;
        case P::MainOn: updatePanTarget_rt(muteFadeSamples_, snap); break;
        case P::Source: {
            const float target = value >= 0.5f ? 1.0f : 0.0f;
            if (snap) source_.snapTo(target);
            else source_.rampTo(target, muteFadeSamples_);
            break;
        }
        case P::Solo:
        case P::Link:
        case P::DirectTap:
        case P::RecArm:  // read by the control side when a take starts
        case P::Count: break;  // read by the graph; sends, DCA and mute-group membership too
        default:
            if (param >= P::Eq1On && param <= P::Eq4Q) applyEq_rt(param, value, snap);
            break;
    }
}

void ChannelStrip::applyEq_rt(ChannelParam param, float value, bool snap) FOH_RT {
    eq_.setBandParam(static_cast<int>(param) - static_cast<int>(ChannelParam::Eq1On), value, snap);
}

void ChannelStrip::continueFrom_rt(ChannelStrip& old) FOH_RT {
    // Keep our targets (they reflect the newest parameter values) but start from where the old strip's gains are.
    trim_.continueFrom(old.trim_, gainRampSamples_);
    post_.continueFrom(old.post_, gainRampSamples_);
    mute_.continueFrom(old.mute_, muteFadeSamples_);
    source_.continueFrom(old.source_, muteFadeSamples_);
    mainL_.continueFrom(old.mainL_, gainRampSamples_);
    mainR_.continueFrom(old.mainR_, gainRampSamples_);
    aflL_.continueFrom(old.aflL_, gainRampSamples_);
    aflR_.continueFrom(old.aflR_, gainRampSamples_);
    sends_.continueFrom_rt(old.sends_, gainRampSamples_);
    if (sampleRate_ == old.sampleRate_) {
        hpf_.continueFrom(old.hpf_);
        gate_.continueFrom(old.gate_);
        eq_.continueFrom(old.eq_);
        comp_.continueFrom(old.comp_);
        deess_.continueFrom(old.deess_);
        delay_.continueFrom(old.delay_);
    }
}

void ChannelStrip::updateTrimTarget_rt(bool snap) FOH_RT {
    const float sign = param(ChannelParam::Polarity) >= 0.5f ? -1.0f : 1.0f;
    const float g = sign * dsp::dbToGain(param(ChannelParam::Trim));
    snap ? trim_.snapTo(g) : trim_.rampTo(g, gainRampSamples_);
}

void ChannelStrip::updatePostTarget_rt(int rampSamples, bool snap) FOH_RT {
    // A DCA offset adds to the fader in dB; -inf anywhere is silence.
    // Fader plus DCA offsets stop at the fader's top (+10 dB), as on a desk: eight DCAs at +10 cannot add 80 dB.
    const float g = muted() ? 0.0f : dsp::dbToGain(std::min(param(ChannelParam::Fader) + groupOffsetDb_, spec(ChannelParam::Fader).max));
    snap ? post_.snapTo(g) : post_.rampTo(g, rampSamples);
    const float m = muted() ? 0.0f : 1.0f;
    snap ? mute_.snapTo(m) : mute_.rampTo(m, muteFadeSamples_);
}

void ChannelStrip::updatePanTarget_rt(int rampSamples, bool snap) FOH_RT {
    const dsp::PanGains g = dsp::constantPowerPan(param(ChannelParam::Pan));
    const float assign = param(ChannelParam::MainOn) >= 0.5f && !outOfMain_ ? 1.0f : 0.0f;
    if (snap) {
        mainL_.snapTo(g.left * assign);
        mainR_.snapTo(g.right * assign);
        aflL_.snapTo(g.left);
        aflR_.snapTo(g.right);
    } else {
        mainL_.rampTo(g.left * assign, rampSamples);
        mainR_.rampTo(g.right * assign, rampSamples);
        aflL_.rampTo(g.left, gainRampSamples_);
        aflR_.rampTo(g.right, gainRampSamples_);
    }
}

void ChannelStrip::setGroupState_rt(float offsetDb, bool muted, bool outOfMain, bool snap) FOH_RT {
    const bool fader = offsetDb != groupOffsetDb_, mute = muted != groupMuted_, main = outOfMain != outOfMain_;
    groupOffsetDb_ = offsetDb;
    groupMuted_ = muted;
    outOfMain_ = outOfMain;
    if (fader || mute || snap) updatePostTarget_rt(mute && !fader ? muteFadeSamples_ : gainRampSamples_, snap);
    if (main || snap) updatePanTarget_rt(muteFadeSamples_, snap);
}

void ChannelStrip::trim_rt(const float* in, float* out, int n, ChannelLevels& levels) FOH_RT {
    levels.inputPeak = std::max(levels.inputPeak, dsp::peakAbs(in, n));
    // Trim 0 dB with polarity off is a copy: the post-trim tap (the recorder's default) is then the input bit for
    // bit, denormals included (a multiply by 1.0f would flush them, FTZ/DAZ being on in the audio thread).
    if (!trim_.ramping() && trim_.current() == 1.0f) {
        if (out != in) std::memcpy(out, in, sizeof(float) * static_cast<std::size_t>(n));
        return;
    }
    trim_.applyGain(in, out, n);
}

void ChannelStrip::input_rt(const float* live, const float* played, float* out, int n, ChannelLevels& levels) FOH_RT {
    if (liveOnly()) {
        trim_rt(live, out, n, levels);
        return;
    }
    if (!source_.ramping()) {  // settled on playback: the track as it was recorded, bit for bit
        levels.inputPeak = std::max(levels.inputPeak, dsp::peakAbs(played, n));
        std::memcpy(out, played, sizeof(float) * static_cast<std::size_t>(n));
        trim_.advance(n);
        return;
    }
    trim_.applyGain(live, out, n);
    for (int i = 0; i < n; ++i) {
        const float g = source_.next();
        out[i] = out[i] * (1.0f - g) + played[i] * g;
    }
    levels.inputPeak = std::max(levels.inputPeak, dsp::peakAbs(out, n));
}

bool ChannelStrip::highPass_rt(float* buf, float* scratch, int n, dsp::CascadeJob& job) FOH_RT {
    if (hpf_.steady()) {
        hpf_.describe(job, buf);
        return true;
    }
    hpf_.process(buf, scratch, n);
    return false;
}

bool ChannelStrip::eq_rt(float* buf, float* scratch, int n, dsp::CascadeJob& job) FOH_RT {
    if (eq_.steady()) {
        eq_.describe(job, buf);
        return job.sections > 0;
    }
    eq_.process(buf, scratch, n);
    return false;
}

void ChannelStrip::delay_rt(float* buf, float* scratch, int n, ChannelLevels& levels) FOH_RT {
    delay_.process(buf, scratch, n);
    levels.gateGrDb = std::max(levels.gateGrDb, gate_.takeGainReductionDb());
    levels.gateOpen = levels.gateOpen || gate_.takeWasOpen();
    levels.compGrDb = std::max(levels.compGrDb, comp_.takeGainReductionDb());
    levels.deessGrDb = std::max(levels.deessGrDb, deess_.takeGainReductionDb());
    sends_.settle_rt(gainRampSamples_);
}

void ChannelStrip::fader_rt(float* buf, int n, ChannelLevels& levels) FOH_RT {
    post_.applyGain(buf, buf, n);
    levels.peak = std::max(levels.peak, dsp::peakAbs(buf, n));
    levels.sumSq += dsp::sumSquares(buf, n);
}

void ChannelStrip::pan_rt(const float* buf, float* mainL, float* mainR, float* soloL, float* soloR, int n) FOH_RT {
    // AFL hears the channel where the pan puts it, whether or not it is assigned to main.
    if (soloL != nullptr) {
        aflL_.mixInto(buf, soloL, n);
        aflR_.mixInto(buf, soloR, n);
    }
    if (!mainL_.ramping() && !mainR_.ramping()) {
        const float gl = mainL_.current();
        const float gr = mainR_.current();
        if (gl == 0.0f && gr == 0.0f) return;
        for (int i = 0; i < n; ++i) {
            mainL[i] += buf[i] * gl;
            mainR[i] += buf[i] * gr;
        }
    } else {
        for (int i = 0; i < n; ++i) {
            mainL[i] += buf[i] * mainL_.next();
            mainR[i] += buf[i] * mainR_.next();
        }
    }
}

}  // namespace foh
