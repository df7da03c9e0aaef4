#include "core/MainBus.h"

#include <algorithm>
#include <cmath>

#include "core/ChannelStrip.h"
#include "dsp/Decibels.h"

namespace foh {

void MainBus::prepare(double sampleRate, int maxBlock) {
    chain_.prepare(sampleRate, maxBlock);
    gainRampSamples_ = dsp::rampSamplesFor(ChannelStrip::kGainRampSeconds, sampleRate);
    muteFadeSamples_ = dsp::rampSamplesFor(ChannelStrip::kMuteFadeSeconds, sampleRate);
    for (std::size_t p = 0; p < kMainParams.size(); ++p) setParam_rt(static_cast<MainParam>(p), kMainParams[p].def, true);
}

void MainBus::setParam_rt(MainParam param, float value, bool snap) FOH_RT {
    const auto p = static_cast<std::size_t>(param);
    if (p >= kMainParams.size()) return;
    values_[p] = value;
    if (param >= MainParam::EqOn) {
        chain_.setParam_rt(param, value, snap);
        return;
    }
    if (param == MainParam::MonoOn || param == MainParam::MonoLevel) {
        const float g = this->param(MainParam::MonoOn) >= 0.5f ? dsp::dbToGain(this->param(MainParam::MonoLevel)) : 0.0f;
        snap ? mono_.snapTo(g) : mono_.rampTo(g, param == MainParam::MonoOn ? muteFadeSamples_ : gainRampSamples_);
        return;
    }
    updateGain_rt(param == MainParam::Mute ? muteFadeSamples_ : gainRampSamples_, snap);
}

void MainBus::continueFrom_rt(MainBus& old) FOH_RT {
    chain_.continueFrom_rt(old.chain_);
    gain_.continueFrom(old.gain_, gainRampSamples_);
    mono_.continueFrom(old.mono_, gainRampSamples_);
}

void MainBus::updateGain_rt(int rampSamples, bool snap) FOH_RT {
    const float g = param(MainParam::Mute) >= 0.5f ? 0.0f : dsp::dbToGain(param(MainParam::Fader));
    snap ? gain_.snapTo(g) : gain_.rampTo(g, rampSamples);
}

void MainBus::process_rt(float* left, float* right, int n, float peak[2], float sumSq[2]) FOH_RT {
    chain_.runPre_rt(left, right, n);
    if (gain_.ramping()) {
        for (int i = 0; i < n; ++i) {
            const float g = gain_.next();
            left[i] *= g;
            right[i] *= g;
        }
    } else if (const float g = gain_.current(); g != 1.0f) {
        for (int i = 0; i < n; ++i) {
            left[i] *= g;
            right[i] *= g;
        }
    }
    chain_.runPost_rt(left, right, n);
    float* sides[2] = {left, right};
    for (int c = 0; c < 2; ++c) {
        float pk = peak[c];
        float e = sumSq[c];
        for (int i = 0; i < n; ++i) {
            pk = std::max(pk, std::fabs(sides[c][i]));
            e += sides[c][i] * sides[c][i];
        }
        peak[c] = pk;
        sumSq[c] = e;
    }
}

}  // namespace foh
