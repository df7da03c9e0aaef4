#include "core/ChannelStrip.h"

#include <algorithm>
#include <cmath>

#include "dsp/Decibels.h"
#include "dsp/PanLaw.h"

namespace foh {

void ChannelStrip::prepare(double sampleRate) {
    gainRampSamples_ = std::max(1, static_cast<int>(std::lround(kGainRampSeconds * sampleRate)));
    muteFadeSamples_ = std::max(1, static_cast<int>(std::lround(kMuteFadeSeconds * sampleRate)));
    for (std::size_t p = 0; p < kChannelParams.size(); ++p) values_[p] = kChannelParams[p].def;
    updateTrimTarget_rt(true);
    updatePostTarget_rt(0, true);
    updatePanTarget_rt(true);
}

void ChannelStrip::setParam_rt(ChannelParam param, float value, bool snap) FOH_RT {
    const auto p = static_cast<std::size_t>(param);
    if (p >= kChannelParams.size()) return;
    values_[p] = value;
    switch (param) {
        case ChannelParam::Trim:
        case ChannelParam::Polarity: updateTrimTarget_rt(snap); break;
        case ChannelParam::Fader: updatePostTarget_rt(gainRampSamples_, snap); break;
        case ChannelParam::Mute: updatePostTarget_rt(muteFadeSamples_, snap); break;
        case ChannelParam::Pan: updatePanTarget_rt(snap); break;
        case ChannelParam::Count: break;
    }
}

void ChannelStrip::continueFrom_rt(const ChannelStrip& old) FOH_RT {
    // Keep our targets (they reflect the newest parameter values) but start from where the old strip's gains are.
    auto carry = [](dsp::LinearRamp& mine, const dsp::LinearRamp& theirs, int samples) {
        const float target = mine.target();
        mine.snapTo(theirs.current());
        mine.rampTo(target, samples);
    };
    carry(trim_, old.trim_, gainRampSamples_);
    carry(post_, old.post_, gainRampSamples_);
    carry(panL_, old.panL_, gainRampSamples_);
    carry(panR_, old.panR_, gainRampSamples_);
}

void ChannelStrip::updateTrimTarget_rt(bool snap) FOH_RT {
    const float sign = param(ChannelParam::Polarity) >= 0.5f ? -1.0f : 1.0f;
    const float g = sign * dsp::dbToGain(param(ChannelParam::Trim));
    snap ? trim_.snapTo(g) : trim_.rampTo(g, gainRampSamples_);
}

void ChannelStrip::updatePostTarget_rt(int rampSamples, bool snap) FOH_RT {
    const float g = param(ChannelParam::Mute) >= 0.5f ? 0.0f : dsp::dbToGain(param(ChannelParam::Fader));
    snap ? post_.snapTo(g) : post_.rampTo(g, rampSamples);
}

void ChannelStrip::updatePanTarget_rt(bool snap) FOH_RT {
    const dsp::PanGains g = dsp::constantPowerPan(param(ChannelParam::Pan));
    if (snap) {
        panL_.snapTo(g.left);
        panR_.snapTo(g.right);
    } else {
        panL_.rampTo(g.left, gainRampSamples_);
        panR_.rampTo(g.right, gainRampSamples_);
    }
}

void ChannelStrip::process_rt(const float* in, float* scratch, float* mainL, float* mainR, int n,
                              ChannelLevels& levels) FOH_RT {
    float inPeak = levels.inputPeak;
    for (int i = 0; i < n; ++i) inPeak = std::max(inPeak, std::fabs(in[i]));
    levels.inputPeak = inPeak;

    // A channel that is fully down and not moving contributes nothing: skip the rest of the strip.
    // Ramps that would still be moving finish at once, as they would have during these samples.
    if (!post_.ramping() && post_.current() == 0.0f) {
        trim_.snapTo(trim_.target());
        panL_.snapTo(panL_.target());
        panR_.snapTo(panR_.target());
        return;
    }

    trim_.applyGain(in, scratch, n);
    post_.applyGain(scratch, scratch, n);

    float peak = levels.peak;
    float sumSq = levels.sumSq;
    for (int i = 0; i < n; ++i) {
        peak = std::max(peak, std::fabs(scratch[i]));
        sumSq += scratch[i] * scratch[i];
    }
    levels.peak = peak;
    levels.sumSq = sumSq;

    if (!panL_.ramping() && !panR_.ramping()) {
        const float gl = panL_.current();
        const float gr = panR_.current();
        for (int i = 0; i < n; ++i) {
            mainL[i] += scratch[i] * gl;
            mainR[i] += scratch[i] * gr;
        }
    } else {
        for (int i = 0; i < n; ++i) {
            mainL[i] += scratch[i] * panL_.next();
            mainR[i] += scratch[i] * panR_.next();
        }
    }
}

}  // namespace foh
