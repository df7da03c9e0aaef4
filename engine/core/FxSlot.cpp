#include "core/FxSlot.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/ChannelStrip.h"
#include "dsp/BlockStats.h"
#include "dsp/Decibels.h"

namespace foh {

void FxSlot::prepare(double sampleRate, int maxBlock) {
    sampleRate_ = sampleRate;
    gainRampSamples_ = dsp::rampSamplesFor(ChannelStrip::kGainRampSeconds, sampleRate);
    muteFadeSamples_ = dsp::rampSamplesFor(ChannelStrip::kMuteFadeSeconds, sampleRate);
    reverb_.prepare(sampleRate, maxBlock);
    delay_.prepare(sampleRate, maxBlock);
    for (std::size_t p = 0; p < kFxParams.size(); ++p) setParam_rt(static_cast<FxParam>(p), kFxParams[p].def, true);
}

void FxSlot::setParam_rt(FxParam param, float value, bool snap) FOH_RT {
    const auto p = static_cast<std::size_t>(param);
    if (p >= kFxParams.size()) return;
    values_[p] = value;
    using P = FxParam;
    switch (param) {
        case P::Type: {
            const float t = value >= 0.5f ? 1.0f : 0.0f;
            snap ? type_.snapTo(t) : type_.rampTo(t, gainRampSamples_);
            break;
        }
        case P::RevPreDelay: reverb_.setPreDelayMs(value); break;
        case P::RevDecay: reverb_.setDecaySeconds(value); break;
        case P::RevDamping: reverb_.setDamping(value / 100.0f); break;
        case P::RevSize: reverb_.setSize(value / 100.0f); break;
        case P::RevMix: reverb_.setMix(value); break;
        case P::DlyMs: delay_.setTimeMs(value); break;
        case P::DlyTap: break;  // the control side turns taps into delay/ms
        case P::DlyFeedback: delay_.setFeedback(value); break;
        case P::DlyLowCut: delay_.setLowCut(value); break;
        case P::DlyHighCut: delay_.setHighCut(value); break;
        case P::DlyPingPong: delay_.setPingPong(value >= 0.5f); break;
        case P::DlyMix: delay_.setMix(value); break;
        case P::Fader: updateReturn_rt(gainRampSamples_, snap); break;
        case P::Mute: updateReturn_rt(muteFadeSamples_, snap); break;
        case P::MainOn: {
            const float g = value >= 0.5f ? 1.0f : 0.0f;
            snap ? main_.snapTo(g) : main_.rampTo(g, muteFadeSamples_);
            break;
        }
        case P::Solo:
        case P::Count: break;
        default:
            if (param >= P::FxSendFirst) {
                const int fx = (static_cast<int>(param) - static_cast<int>(P::FxSendFirst)) / 2;
                const float g = this->param(fxToFxParam(fx, 0)) >= 0.5f ? 0.5f * dsp::dbToGain(this->param(fxToFxParam(fx, 1))) : 0.0f;
                setFxGain_rt(fx, g, snap);
            }
            break;  // return sends into buses: the graph sets them (they depend on bus links)
    }
}

double FxSlot::tailSamples() const FOH_RT {
    // How long the unit can still sound after its input stops, to -120 dB: the reverb's pre-delay plus twice its
    // RT60; the delay's echoes until feedback^k < 1e-6 (the filters only shorten that).
    double seconds;
    if (param(FxParam::Type) >= 0.5f) {
        const double fb = param(FxParam::DlyFeedback) / 100.0;
        const double repeats = fb > 1e-6 ? std::log(1e-6) / std::log(fb) : 0.0;
        seconds = param(FxParam::DlyMs) * 1e-3 * (1.0 + repeats);
    } else {
        seconds = param(FxParam::RevPreDelay) * 1e-3 + 2.0 * param(FxParam::RevDecay);
    }
    return (seconds + 0.1) * sampleRate_;
}

void FxSlot::updateReturn_rt(int rampSamples, bool snap) FOH_RT {
    const float g = param(FxParam::Mute) >= 0.5f ? 0.0f : dsp::dbToGain(param(FxParam::Fader));
    snap ? post_.snapTo(g) : post_.rampTo(g, rampSamples);
}

void FxSlot::process_rt(const float* in, float* outL, float* outR, float* scratch, int n) FOH_RT {
    // An FX with nothing coming in whose tail has died away (below -120 dB) sleeps until input arrives: four idle
    // reverbs would otherwise cost as much as a dozen channel strips.
    const bool silentIn = dsp::peakAbs(in, n) == 0.0f;
    if (silentIn && asleep_) {
        std::memset(outL, 0, sizeof(float) * static_cast<std::size_t>(n));
        std::memset(outR, 0, sizeof(float) * static_cast<std::size_t>(n));
        return;
    }
    const bool both = type_.ramping();
    const bool delay = type_.current() >= 0.5f;
    if (both || !delay) reverb_.process(in, outL, outR, n);
    if (both) {
        float* dl = scratch;
        float* dr = scratch + n;
        delay_.process(in, dl, dr, n);
        for (int i = 0; i < n; ++i) {
            const float t = type_.next();
            outL[i] += (dl[i] - outL[i]) * t;
            outR[i] += (dr[i] - outR[i]) * t;
        }
    } else if (delay) {
        delay_.process(in, outL, outR, n);
    }
    silentFor_ = silentIn ? silentFor_ + static_cast<double>(n) : 0.0;
    asleep_ = silentFor_ > tailSamples() && !both && std::max(dsp::peakAbs(outL, n), dsp::peakAbs(outR, n)) < kSleepBelow;
    if (!post_.ramping()) {
        const float g = post_.current();
        if (g == 1.0f) return;
        for (int i = 0; i < n; ++i) {
            outL[i] *= g;
            outR[i] *= g;
        }
        return;
    }
    for (int i = 0; i < n; ++i) {
        const float g = post_.next();
        outL[i] *= g;
        outR[i] *= g;
    }
}

void FxSlot::toMain_rt(const float* l, const float* r, float* mainL, float* mainR, int n) FOH_RT {
    if (!main_.ramping() && main_.current() == 0.0f) return;
    for (int i = 0; i < n; ++i) {
        const float g = main_.next();
        mainL[i] += l[i] * g;
        mainR[i] += r[i] * g;
    }
}

void FxSlot::setBusGains_rt(int bus, float fromL, float fromR, bool snap) FOH_RT {
    auto& gl = busL_[static_cast<std::size_t>(bus)];
    auto& gr = busR_[static_cast<std::size_t>(bus)];
    if (snap) {
        gl.snapTo(fromL);
        gr.snapTo(fromR);
        return;
    }
    if (gl.target() != fromL) gl.rampTo(fromL, gainRampSamples_);
    if (gr.target() != fromR) gr.rampTo(fromR, gainRampSamples_);
}

bool FxSlot::feedsBus(int bus) const FOH_RT {
    const auto& gl = busL_[static_cast<std::size_t>(bus)];
    const auto& gr = busR_[static_cast<std::size_t>(bus)];
    return gl.ramping() || gr.ramping() || gl.current() != 0.0f || gr.current() != 0.0f;
}

void FxSlot::toBus_rt(int bus, const float* l, const float* r, float* dst, int n) FOH_RT {
    busL_[static_cast<std::size_t>(bus)].mixInto(l, dst, n);
    busR_[static_cast<std::size_t>(bus)].mixInto(r, dst, n);
}

void FxSlot::setFxGain_rt(int fx, float gain, bool snap) FOH_RT {
    auto& g = fx_[static_cast<std::size_t>(fx)];
    snap ? g.snapTo(gain) : g.rampTo(gain, gainRampSamples_);
}

void FxSlot::toFx_rt(int fx, const float* sum, float* dst, int n) FOH_RT {
    fx_[static_cast<std::size_t>(fx)].mixInto(sum, dst, n);
}

void FxSlot::continueFrom_rt(FxSlot& old) FOH_RT {
    for (auto [mine, theirs] : {std::pair{&type_, &old.type_}, {&post_, &old.post_}, {&main_, &old.main_}})
        mine->continueFrom(*theirs, gainRampSamples_);
    for (std::size_t b = 0; b < busL_.size(); ++b) {
        busL_[b].continueFrom(old.busL_[b], gainRampSamples_);
        busR_[b].continueFrom(old.busR_[b], gainRampSamples_);
    }
    for (std::size_t k = 0; k < fx_.size(); ++k) fx_[k].continueFrom(old.fx_[k], gainRampSamples_);
    if (sampleRate_ == old.sampleRate_) {
        std::swap(reverb_, old.reverb_);
        asleep_ = old.asleep_;
        silentFor_ = old.silentFor_;
        std::swap(delay_, old.delay_);
        // Keep our parameters on the units we took over.
        for (auto p : {FxParam::RevPreDelay, FxParam::RevDecay, FxParam::RevDamping, FxParam::RevSize, FxParam::RevMix,
                       FxParam::DlyMs, FxParam::DlyFeedback, FxParam::DlyLowCut, FxParam::DlyHighCut,
                       FxParam::DlyPingPong, FxParam::DlyMix})
            setParam_rt(p, param(p), false);
    }
}

}  // namespace foh
