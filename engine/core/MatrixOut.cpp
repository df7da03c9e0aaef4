#include "core/MatrixOut.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/ChannelStrip.h"
#include "dsp/Decibels.h"

namespace foh {

void MatrixOut::prepare(double sampleRate, int maxBlock) {
    sampleRate_ = sampleRate;
    gainRampSamples_ = dsp::rampSamplesFor(ChannelStrip::kGainRampSeconds, sampleRate);
    muteFadeSamples_ = dsp::rampSamplesFor(ChannelStrip::kMuteFadeSeconds, sampleRate);
    delay_.prepare(sampleRate, maxBlock);
    for (std::size_t p = 0; p < kMatrixParams.size(); ++p)
        setParam_rt(static_cast<MatrixParam>(p), kMatrixParams[p].def, true);
}

void MatrixOut::setParam_rt(MatrixParam param, float value, bool snap) FOH_RT {
    const auto p = static_cast<std::size_t>(param);
    if (p >= kMatrixParams.size()) return;
    values_[p] = value;
    using P = MatrixParam;
    switch (param) {
        case P::MainOn:
        case P::MainLevel: updateSource_rt(kMaxBuses, snap); break;
        case P::DelayOn: delay_.setOn(value >= 0.5f, snap); break;
        case P::DelayMs: delay_.setMilliseconds(value, snap); break;
        case P::Fader:
        case P::Mute: {
            const float g = this->param(P::Mute) >= 0.5f ? 0.0f : dsp::dbToGain(this->param(P::Fader));
            snap ? post_.snapTo(g) : post_.rampTo(g, param == P::Mute ? muteFadeSamples_ : gainRampSamples_);
            break;
        }
        case P::Count: break;
        default:
            if (param < P::MainOn) updateSource_rt((static_cast<int>(param) - static_cast<int>(P::BusFirst)) / 2, snap);
            break;
    }
}

void MatrixOut::updateSource_rt(int source, bool snap) FOH_RT {
    float g;
    if (source == kMaxBuses) {
        g = param(MatrixParam::MainOn) >= 0.5f ? dsp::dbToGain(param(MatrixParam::MainLevel)) : 0.0f;
    } else {
        g = param(matrixBusParam(source, 0)) >= 0.5f ? dsp::dbToGain(param(matrixBusParam(source, 1))) : 0.0f;
    }
    auto& r = source_[static_cast<std::size_t>(source)];
    snap ? r.snapTo(g) : r.rampTo(g, gainRampSamples_);
}

void MatrixOut::process_rt(const float* const* bus, int buses, const float* mainMono, float* out, float* scratch,
                           int n) FOH_RT {
    std::memset(out, 0, sizeof(float) * static_cast<std::size_t>(n));
    for (int b = 0; b < buses; ++b) source_[static_cast<std::size_t>(b)].mixInto(bus[b], out, n);
    source_[kMaxBuses].mixInto(mainMono, out, n);
    delay_.process(out, scratch, n);
    post_.applyGain(out, out, n);
}

void MatrixOut::continueFrom_rt(MatrixOut& old) FOH_RT {
    post_.continueFrom(old.post_, gainRampSamples_);
    for (std::size_t s = 0; s < source_.size(); ++s) source_[s].continueFrom(old.source_[s], gainRampSamples_);
    if (sampleRate_ == old.sampleRate_) delay_.continueFrom(old.delay_);
}

}  // namespace foh
