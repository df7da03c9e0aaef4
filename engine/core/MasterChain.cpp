#include "core/MasterChain.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

#include "dsp/Decibels.h"
#include "dsp/LoudnessTargets.h"

namespace foh {
namespace {
float finiteOr(double v, float fallback) { return std::isfinite(v) ? static_cast<float>(v) : fallback; }
}  // namespace

void MasterChain::prepare(double sampleRate, int maxBlock) {
    sampleRate_ = sampleRate;
    maxBlock_ = maxBlock;
    scratch_.assign(static_cast<std::size_t>(maxBlock) * 8, 0.0f);
    for (auto& e : eq_) e.prepare(sampleRate);
    for (auto& c : comp_) c.prepare(sampleRate);
    mb_.prepare(sampleRate, maxBlock);
    image_.prepare(sampleRate, maxBlock);
    sat_.prepare(sampleRate, maxBlock);
    limit_.prepare(sampleRate, maxBlock);
    for (dsp::BypassFade* f : {&mbFade_, &imageFade_, &satFade_, &limitFade_}) f->prepare(sampleRate);
    satLatency_ = sat_.latencySamples();
    limitLatency_ = limit_.latencySamples();
    loudness_.prepare(sampleRate, maxBlock, 2);
    correlation_.prepare(sampleRate, maxBlock);
    for (std::size_t p = static_cast<std::size_t>(MainParam::EqOn); p < kMainParams.size(); ++p)
        setParam_rt(static_cast<MainParam>(p), kMainParams[p].def, true);
}

void MasterChain::setParam_rt(MainParam param, float value, bool snap) FOH_RT {
    const auto p = static_cast<std::size_t>(param);
    if (p >= kMainParams.size()) return;
    const float previous = values_[p];
    values_[p] = value;
    const bool on = value >= 0.5f;
    using P = MainParam;
    switch (param) {
        case P::EqOn:
            for (auto& e : eq_) e.setOn(on, snap);
            break;
        case P::CompOn:
            for (auto& c : comp_) c.setOn(on, snap);
            break;
        case P::CompThreshold:
        case P::CompRatio:
        case P::CompKnee:
        case P::CompAttack:
        case P::CompRelease:
        case P::CompMakeup:
            for (auto& c : comp_)
                c.setControl(static_cast<dsp::Compressor::Control>(static_cast<int>(param) - static_cast<int>(P::CompThreshold)), value);
            break;
        case P::CompMix: {
            const float m = value / 100.0f;
            snap ? compMix_.snapTo(m) : compMix_.rampTo(m, static_cast<int>(0.020 * sampleRate_));
            break;
        }
        case P::CompKeyHpf:
            for (auto& c : comp_) c.setControl(dsp::Compressor::Control::KeyHpf, value);
            break;
        case P::MbOn: mbFade_.set(on, snap); break;
        case P::MbBands: mb_.setBandCount(value >= 0.5f ? 4 : 3, snap); break;
        case P::MbXover1: mb_.setCrossover(0, value, snap); break;
        case P::MbXover2: mb_.setCrossover(1, value, snap); break;
        case P::MbXover3: mb_.setCrossover(2, value, snap); break;
        case P::ImageOn: imageFade_.set(on, snap); break;
        case P::ImageXover: image_.setSplitFrequency(value, snap); break;
        case P::ImageLowWidth: image_.setLowWidth(value, snap); break;
        case P::ImageHighWidth: image_.setHighWidth(value, snap); break;
        case P::ImageMonoBass: image_.setMonoBass(value, snap); break;
        case P::SatOn: satFade_.set(on, snap); break;
        case P::SatDrive: sat_.setDriveDb(value); break;
        case P::SatMix: sat_.setMix(value); break;
        case P::LimitOn: limitFade_.set(on, snap); break;
        case P::LimitCeiling: limit_.setCeilingDb(value); break;
        case P::LimitRelease: limit_.setReleaseMs(value); break;
        case P::LoudTarget: target_ = std::clamp(static_cast<int>(value), 0, static_cast<int>(dsp::kLoudnessTargets.size()) - 1); break;
        case P::LoudRun: loudness_.setRunning(on); break;
        case P::LoudReset:
            // A press (0 -> 1) starts the measurement over; a graph rebuilt with the button held does not.
            if (on && previous < 0.5f && !snap) loudness_.reset();
            break;
        default:
            if (param >= P::Eq1On && param <= P::Eq4Q) {
                for (auto& e : eq_) e.setBandParam(static_cast<int>(param) - static_cast<int>(P::Eq1On), value, snap);
            } else if (param >= P::MbFirst && param < P::ImageOn) {
                const int offset = static_cast<int>(param) - static_cast<int>(P::MbFirst);
                const int band = offset / kMbBandFields;
                switch (static_cast<MbField>(offset % kMbBandFields)) {
                    case MbField::Threshold: mb_.setThreshold(band, value); break;
                    case MbField::Ratio: mb_.setRatio(band, value); break;
                    case MbField::Attack: mb_.setAttack(band, value); break;
                    case MbField::Release: mb_.setRelease(band, value); break;
                    case MbField::Gain: mb_.setGain(band, value, snap); break;
                    case MbField::Solo: mb_.setSolo(band, on, snap); break;
                    case MbField::Bypass: mb_.setBypass(band, on, snap); break;
                }
            }
            break;
    }
}

void MasterChain::continueFrom_rt(MasterChain& old) FOH_RT {
    if (sampleRate_ != old.sampleRate_) return;  // a new rate starts clean
    // The loudness measurement runs through a JACK buffer-size change (it works in pieces of its own size).
    std::swap(loudness_, old.loudness_);
    if (maxBlock_ != old.maxBlock_) {
        loudness_.setRunning(values_[static_cast<std::size_t>(MainParam::LoudRun)] >= 0.5f);
        return;  // the other units' buffers are sized for the old block
    }
    // Take the old units whole (their buffers move, nothing is allocated), then put our values on them: the values
    // are the newest, and every setter glides.
    for (int s = 0; s < 2; ++s) {
        eq_[s].continueFrom(old.eq_[s]);
        comp_[s].continueFrom(old.comp_[s]);
    }
    std::swap(mb_, old.mb_);
    std::swap(image_, old.image_);
    std::swap(sat_, old.sat_);
    std::swap(limit_, old.limit_);
    std::swap(correlation_, old.correlation_);
    std::swap(mbFade_, old.mbFade_);
    std::swap(imageFade_, old.imageFade_);
    std::swap(satFade_, old.satFade_);
    std::swap(limitFade_, old.limitFade_);
    compMix_.continueFrom(old.compMix_, static_cast<int>(0.020 * sampleRate_));
    for (std::size_t p = static_cast<std::size_t>(MainParam::EqOn); p < kMainParams.size(); ++p)
        if (static_cast<MainParam>(p) != MainParam::CompMix) setParam_rt(static_cast<MainParam>(p), values_[p], false);
}

void MasterChain::runComp_rt(float* left, float* right, int n) FOH_RT {
    if (!comp_[0].active()) return;
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    // Keys: both sides as they were, so each side's detector sees both (a linked, image-stable gain).
    float* keyL = scratch(0);
    float* keyR = scratch(1);
    float* dryL = scratch(2);
    float* dryR = scratch(3);
    std::memcpy(keyL, left, bytes);
    std::memcpy(keyR, right, bytes);
    std::memcpy(dryL, left, bytes);
    std::memcpy(dryR, right, bytes);
    comp_[0].process(left, keyL, keyR, scratch(4), n);
    comp_[1].process(right, keyR, keyL, scratch(4), n);
    if (compMix_.ramping() || compMix_.current() != 1.0f) {
        // Parallel compression: dry + (compressed - dry) x mix.
        for (int i = 0; i < n; ++i) {
            const float m = compMix_.next();
            left[i] = dryL[i] + (left[i] - dryL[i]) * m;
            right[i] = dryR[i] + (right[i] - dryR[i]) * m;
        }
    }
}

void MasterChain::runPre_rt(float* left, float* right, int n) FOH_RT {
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    eq_[0].process(left, scratch(4), n);
    eq_[1].process(right, scratch(4), n);
    runComp_rt(left, right, n);
    // Stages with a switch crossfade: dry copy, run, blend; out and settled: not run at all.
    auto stage = [&](dsp::BypassFade& fade, auto&& run, auto&& onOut) {
        if (fade.bypassed()) return;
        const bool blend = !fade.fullyOn();
        if (blend) {
            std::memcpy(scratch(2), left, bytes);
            std::memcpy(scratch(3), right, bytes);
        }
        run();
        if (blend) {
            dsp::BypassFade copy = fade;
            fade.blend(scratch(2), left, n);
            copy.blend(scratch(3), right, n);
            if (fade.bypassed()) onOut();  // out: it starts from silence when it comes back, not from old audio
        }
    };
    stage(mbFade_, [&] { mb_.process(left, right, n); }, [&] { mb_.reset(); });
    stage(imageFade_, [&] { image_.process(left, right, n); }, [&] { image_.reset(); });
    // Switching a latent stage in or out crossfades between the undelayed and the delayed signal (5 ms).
    stage(satFade_, [&] { sat_.process(left, right, n); }, [&] { sat_.reset(); });
}

void MasterChain::runPost_rt(float* left, float* right, int n) FOH_RT {
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    if (!limitFade_.bypassed()) {
        const bool blend = !limitFade_.fullyOn();
        if (blend) {
            std::memcpy(scratch(2), left, bytes);
            std::memcpy(scratch(3), right, bytes);
        }
        limit_.process(left, right, n);
        if (blend) {
            dsp::BypassFade copy = limitFade_;
            limitFade_.blend(scratch(2), left, n);
            copy.blend(scratch(3), right, n);
            if (limitFade_.bypassed()) limit_.reset();
        }
    }
    const float* sides[2] = {left, right};
    loudness_.process(sides, n);
    correlation_.process(left, right, n);
}

void MasterChain::takeMeters_rt(MasterMeters& m) FOH_RT {
    m.compGrDb = std::max(comp_[0].takeGainReductionDb(), comp_[1].takeGainReductionDb());
    for (int b = 0; b < kMbBands; ++b) m.mbGrDb[b] = mb_.takeGainReductionDb(b);
    m.limitGrDb = limit_.takeGainReductionDb();
    m.correlation = correlation_.value();
    m.momentary = finiteOr(loudness_.momentaryLufs(), -200.0f);
    m.shortTerm = finiteOr(loudness_.shortTermLufs(), -200.0f);
    m.integrated = finiteOr(loudness_.integratedLufs(), -200.0f);
    m.range = finiteOr(loudness_.loudnessRangeLu(), 0.0f);
    m.truePeakMax = finiteOr(loudness_.truePeakMaxDbtp(), -200.0f);
    m.truePeakMomentary = finiteOr(loudness_.momentaryTruePeakDbtp(), -200.0f);
    const dsp::LoudnessTarget& t = dsp::kLoudnessTargets[static_cast<std::size_t>(target_)];
    m.targetLufs = static_cast<float>(t.integratedLufs);
    m.targetCeiling = static_cast<float>(t.truePeakCeilingDbtp);
    const dsp::TargetDistance d = dsp::distanceFromTarget(t, m.integrated, m.truePeakMax);
    m.fromTargetLu = m.integrated > -70.0f ? static_cast<float>(d.loudnessLu) : 0.0f;
    m.overCeilingDb = m.truePeakMax > -200.0f ? static_cast<float>(d.truePeakDb) : 0.0f;
}

}  // namespace foh
