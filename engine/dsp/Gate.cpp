#include "dsp/Gate.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/ControlRate.h"
#include "dsp/FilterDesign.h"
#include "dsp/DynamicsKit.h"
#include "dsp/FastMath.h"
#include "dsp/GainComputer.h"

namespace foh::dsp {

void Gate::prepare(double sampleRate) {
    sampleRate_ = sampleRate;
    fade_.prepare(sampleRate);
    detector_.prepare(sampleRate, kControlBlock);
    setKeyFrequency(1000.0f);
    reset();
}

void Gate::reset() FOH_RT {
    detector_.reset();
    keyState_[0].reset();
    keyState_[1].reset();
    gainDb_ = 0.0f;
    gain_.reset();
    holdLeft_ = 0.0f;
    open_ = true;
}

void Gate::setThreshold(float db) FOH_RT {
    thresholdDb_ = db;
    threshold_ = std::pow(10.0f, db / 20.0f);
}

void Gate::setKeyFrequency(float hz) FOH_RT {
    // A band-pass one octave and a half wide (Q 1): tunes the key to the kick's thump or the snare's crack.
    keyFilter_ = design(FilterShape::BandPass, hz, 0.0, 1.0, sampleRate_);
}

bool Gate::takeWasOpen() FOH_RT {
    const bool was = wasOpen_ || open_;
    wasOpen_ = false;
    return was;
}

void Gate::process(float* buf, const float* keyA, const float* keyB, float* scratch, int n) FOH_RT {
    if (fade_.bypassed()) return;
    if (keyFilterOn_) filterKeys(keyFilter_, keyState_, keyA, keyB, scratch + n, n);
    processFiltered(buf, keyA, keyB, scratch, n);
}

float Gate::controlStep(float level, int m) FOH_RT {
    float target;
    if (level >= threshold_) {
        holdLeft_ = holdMs_ * 1e-3f * static_cast<float>(sampleRate_);
        target = 0.0f;
    } else if (holdLeft_ > 0.0f) {
        holdLeft_ -= static_cast<float>(m);
        target = 0.0f;
    } else if (mode_ == ExpanderMode) {
        target = expanderGainDb(fastGainToDb(level), thresholdDb_, ratio_, range_);
    } else {
        target = -range_;
    }
    open_ = target == 0.0f;
    wasOpen_ = wasOpen_ || open_;
    // Linear in dB: the whole range in `attack` when opening, in `release` when closing.
    const float perSample = static_cast<float>(m) / static_cast<float>(sampleRate_) * 1e3f * range_;
    if (target > gainDb_) gainDb_ = std::min(target, gainDb_ + perSample / std::max(attackMs_, 0.001f));
    else gainDb_ = std::max(target, gainDb_ - perSample / std::max(releaseMs_, 0.001f));
    meter_.note(-gainDb_);
    return gainDb_ <= -200.0f ? 0.0f : fastDbToGain(gainDb_);
}

void Gate::applyGains(float* buf, const float*, const float* gains, int n, float* scratch) FOH_RT {
    withFade(fade_, buf, scratch, n, [&] { gain_.applyControlGains(buf, gains, n); }, [&] { reset(); });
}

void Gate::processFiltered(float* buf, const float* keyA, const float* keyB, float* scratch, int n) FOH_RT {
    if (fade_.bypassed()) return;
    beginControl();
    runControlPhases(*this, buf, keyA, keyB, nullptr, scratch, n);
}

void Gate::continueFrom(Gate& old) FOH_RT {
    detector_ = old.detector_;
    keyState_[0] = old.keyState_[0];
    keyState_[1] = old.keyState_[1];
    gainDb_ = old.gainDb_;
    gain_ = old.gain_;
    holdLeft_ = old.holdLeft_;
    open_ = old.open_;
}

}  // namespace foh::dsp
