#include "dsp/Gate.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/ControlRate.h"
#include "dsp/FilterDesign.h"
#include "dsp/DynamicsKit.h"

namespace foh::dsp {

void Gate::prepare(double sampleRate) {
    sampleRate_ = sampleRate;
    law_.rate = static_cast<float>(sampleRate);
    fade_.prepare(sampleRate);
    detector_.prepare(sampleRate, kControlBlock);
    setKeyFrequency(1000.0f);
    reset();
}

void Gate::reset() FOH_RT {
    detector_.reset();
    keyState_[0].reset();
    keyState_[1].reset();
    law_.gainDb = 0.0f;
    gain_.reset();
    law_.holdLeft = 0.0f;
    law_.open = 1.0f;
}

void Gate::setThreshold(float db) FOH_RT {
    law_.thresholdDb = db;
    law_.threshold = std::pow(10.0f, db / 20.0f);
}

void Gate::setKeyFrequency(float hz) FOH_RT {
    // A band-pass one octave and a half wide (Q 1): tunes the key to the kick's thump or the snare's crack.
    keyFilter_ = design(FilterShape::BandPass, hz, 0.0, 1.0, sampleRate_);
}

bool Gate::takeWasOpen() FOH_RT {
    const bool was = law_.wasOpen > 0.5f || law_.open > 0.5f;
    law_.wasOpen = 0.0f;
    return was;
}

void Gate::process(float* buf, const float* keyA, const float* keyB, float* scratch, int n) FOH_RT {
    if (fade_.bypassed()) return;
    if (keyFilterOn_) filterKeys(keyFilter_, keyState_, keyA, keyB, scratch + n, n);
    processFiltered(buf, keyA, keyB, scratch, n);
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
    law_.gainDb = old.law_.gainDb;
    gain_ = old.gain_;
    law_.holdLeft = old.law_.holdLeft;
    law_.open = old.law_.open;
}

}  // namespace foh::dsp
