#include "dsp/Compressor.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/ControlRate.h"
#include "dsp/FilterDesign.h"
#include "dsp/DynamicsKit.h"
#include "dsp/FastMath.h"

namespace foh::dsp {
namespace {
float smoothingCoeff(float ms, double sampleRate) {
    // One-pole per control block reaching 1 - 1/e of a step after `ms`.
    return static_cast<float>(std::exp(-kControlBlock / (std::max(0.01, static_cast<double>(ms)) * 1e-3 * sampleRate)));
}
}  // namespace

void Compressor::prepare(double sampleRate) {
    sampleRate_ = sampleRate;
    fade_.prepare(sampleRate);
    detector_.prepare(sampleRate, kControlBlock);
    setAttack(10.0f);
    setRelease(100.0f);
    setKeyHighPass(keyHpfHz_);
    reset();
}

void Compressor::reset() FOH_RT {
    detector_.reset();
    keyState_[0].reset();
    keyState_[1].reset();
    law_.grDb = 0.0f;
    gain_.reset(fastDbToGain(makeupDb()));
}

void Compressor::setControl(Control c, float value) FOH_RT {
    switch (c) {
        case Control::Threshold: setThreshold(value); break;
        case Control::Ratio: setRatio(value); break;
        case Control::Knee: setKnee(value); break;
        case Control::Attack: setAttack(value); break;
        case Control::Release: setRelease(value); break;
        case Control::Makeup: setMakeup(value); break;
        case Control::AutoMakeup: setAutoMakeup(value >= 0.5f); break;
        case Control::Detector: setDetector(static_cast<int>(value)); break;
        case Control::KeyHpf: setKeyHighPass(value); break;
    }
}

void Compressor::setAttack(float ms) FOH_RT { law_.attack = smoothingCoeff(ms, sampleRate_); }
void Compressor::setRelease(float ms) FOH_RT { law_.release = smoothingCoeff(ms, sampleRate_); }

void Compressor::setKeyHighPass(float hz) FOH_RT {
    keyHpfHz_ = hz;
    if (hz > 20.0f) keyHpf_ = design(FilterShape::LowCut, hz, 0.0, 0.7071, sampleRate_);
}

float Compressor::staticGainDb(float levelDb) const { return compressorGainDb(levelDb, law_.threshold, law_.ratio, law_.knee); }

float Compressor::makeupDb() const {
    // Automatic makeup gives back half the reduction a 0 dBFS input would get: a loud source keeps its level, a
    // quiet one comes up, and nothing is pushed over full scale.
    return makeup_ + (autoMakeup_ ? -0.5f * staticGainDb(0.0f) : 0.0f);
}

void Compressor::process(float* buf, const float* keyA, const float* keyB, float* scratch, int n) FOH_RT {
    if (fade_.bypassed()) return;
    // The key's own high-pass, so the kick does not pump the mix.
    if (keyFiltered()) filterKeys(keyHpf_, keyState_, keyA, keyB, scratch + n, n);
    processFiltered(buf, keyA, keyB, scratch, n);
}

void Compressor::applyGains(float* buf, const float*, const float* gains, int n, float* scratch) FOH_RT {
    withFade(fade_, buf, scratch, n, [&] { gain_.applyControlGains(buf, gains, n); }, [&] { reset(); });
}

void Compressor::processFiltered(float* buf, const float* keyA, const float* keyB, float* scratch, int n) FOH_RT {
    if (fade_.bypassed()) return;
    beginControl();
    runControlPhases(*this, buf, keyA, keyB, nullptr, scratch, n);
}

void Compressor::continueFrom(Compressor& old) FOH_RT {
    detector_ = old.detector_;
    keyState_[0] = old.keyState_[0];
    keyState_[1] = old.keyState_[1];
    law_.grDb = old.law_.grDb;
    gain_ = old.gain_;
}

}  // namespace foh::dsp
