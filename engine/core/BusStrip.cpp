#include "core/BusStrip.h"

#include <algorithm>
#include <cmath>

#include "core/ChannelStrip.h"
#include "dsp/Decibels.h"
#include "dsp/PanLaw.h"

namespace foh {

void BusStrip::prepare(double sampleRate, int maxBlock) {
    sampleRate_ = sampleRate;
    gainRampSamples_ = dsp::rampSamplesFor(ChannelStrip::kGainRampSeconds, sampleRate);
    muteFadeSamples_ = dsp::rampSamplesFor(ChannelStrip::kMuteFadeSeconds, sampleRate);
    eq_.prepare(sampleRate);
    comp_.prepare(sampleRate);
    delay_.prepare(sampleRate, maxBlock);
    for (std::size_t p = 0; p < kBusParams.size(); ++p) setParam_rt(static_cast<BusParam>(p), kBusParams[p].def, true);
}

void BusStrip::setParam_rt(BusParam param, float value, bool snap) FOH_RT {
    const auto p = static_cast<std::size_t>(param);
    if (p >= kBusParams.size()) return;
    values_[p] = value;
    const bool on = value >= 0.5f;
    using P = BusParam;
    switch (param) {
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
        case P::DelayOn: delay_.setOn(on, snap); break;
        case P::DelayMs: delay_.setMilliseconds(value, snap); break;
        case P::Fader: updatePostTarget_rt(gainRampSamples_, snap); break;
        case P::Mute: updatePostTarget_rt(muteFadeSamples_, snap); break;
        case P::Pan:
        case P::MainOn: updateMainTarget_rt(snap); break;
        case P::Solo:
        case P::Link:
        case P::Count: break;
        default:
            if (param >= P::Eq1On && param <= P::Eq4Q)
                eq_.setBandParam(static_cast<int>(param) - static_cast<int>(P::Eq1On), value, snap);
            break;
    }
}

void BusStrip::setPairSide_rt(int side, bool snap) FOH_RT {
    if (side == pairSide_ && !snap) return;
    pairSide_ = side;
    updateMainTarget_rt(snap);
}

void BusStrip::updatePostTarget_rt(int rampSamples, bool snap) FOH_RT {
    const float g = param(BusParam::Mute) >= 0.5f ? 0.0f : dsp::dbToGain(param(BusParam::Fader));
    snap ? post_.snapTo(g) : post_.rampTo(g, rampSamples);
}

void BusStrip::updateMainTarget_rt(bool snap) FOH_RT {
    dsp::PanGains g = dsp::constantPowerPan(param(BusParam::Pan));
    if (pairSide_ == 0) g = {1.0f, 0.0f};
    if (pairSide_ == 1) g = {0.0f, 1.0f};
    const float assign = param(BusParam::MainOn) >= 0.5f ? 1.0f : 0.0f;
    if (snap) {
        mainL_.snapTo(g.left * assign);
        mainR_.snapTo(g.right * assign);
    } else {
        mainL_.rampTo(g.left * assign, gainRampSamples_);
        mainR_.rampTo(g.right * assign, gainRampSamples_);
    }
}

void BusStrip::toMain_rt(const float* buf, float* mainL, float* mainR, int n) FOH_RT {
    mainL_.mixInto(buf, mainL, n);
    mainR_.mixInto(buf, mainR, n);
}

void BusStrip::continueFrom_rt(BusStrip& old) FOH_RT {
    post_.continueFrom(old.post_, gainRampSamples_);
    mainL_.continueFrom(old.mainL_, gainRampSamples_);
    mainR_.continueFrom(old.mainR_, gainRampSamples_);
    if (sampleRate_ == old.sampleRate_) {
        eq_.continueFrom(old.eq_);
        comp_.continueFrom(old.comp_);
        delay_.continueFrom(old.delay_);
    }
}

}  // namespace foh
