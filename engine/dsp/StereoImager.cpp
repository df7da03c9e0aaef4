#include "dsp/StereoImager.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/ControlRate.h"
#include "dsp/FilterDesign.h"

namespace foh::dsp {
namespace {
void copy(float* dst, const float* src, int n) FOH_RT {
    std::memcpy(dst, src, sizeof(float) * static_cast<std::size_t>(n));
}
}  // namespace

void StereoImager::prepare(double sampleRate, int) {
    sampleRate_ = sampleRate;
    rampSamples_ = std::max(1, static_cast<int>(std::lround(kRampSeconds * sampleRate)));
    glideBlocks_ = std::max(1, static_cast<int>(kGlideSeconds * sampleRate / kControlBlock));
    monoFade_.prepare(sampleRate);
    scratch_.assign(static_cast<std::size_t>(5 * kChunk), 0.0f);
    setSplitFrequency(splitHz_, true);
    setLowWidth(lowWidth_, true);
    setHighWidth(highWidth_, true);
    setMonoBass(monoHz_, true);
    reset();
}

void StereoImager::resetMono() FOH_RT {
    for (SectionState& s : monoSideState_) s = {};
    for (SectionState& s : monoMidState_) s = {};
}

void StereoImager::reset() FOH_RT {
    for (SectionState& s : sideLowState_) s = {};
    for (SectionState& s : sideHighState_) s = {};
    midAllpassState_ = {};
    resetMono();
    wLow_.snapTo(wLow_.target());
    wHigh_.snapTo(wHigh_.target());
    if (log2Split_.ramping()) {
        log2Split_.snapTo(log2Split_.target());
        redesignSplit();
    }
    if (log2Mono_.ramping()) {
        log2Mono_.snapTo(log2Mono_.target());
        redesignMono();
    }
    monoFade_.set(monoFade_.on(), true);
}

void StereoImager::continueFrom(const StereoImager& old) FOH_RT {
    std::copy(std::begin(old.sideLowState_), std::end(old.sideLowState_), std::begin(sideLowState_));
    std::copy(std::begin(old.sideHighState_), std::end(old.sideHighState_), std::begin(sideHighState_));
    midAllpassState_ = old.midAllpassState_;
    std::copy(std::begin(old.monoSideState_), std::end(old.monoSideState_), std::begin(monoSideState_));
    std::copy(std::begin(old.monoMidState_), std::end(old.monoMidState_), std::begin(monoMidState_));
}

void StereoImager::setSplitFrequency(float hz, bool snap) FOH_RT {
    splitHz_ = hz;
    const float target =
        std::log2(std::clamp(hz, kMinSplitHz, std::min(kMaxSplitHz, static_cast<float>(0.45 * sampleRate_))));
    if (snap) {
        log2Split_.snapTo(target);
    } else {
        log2Split_.rampTo(target, glideBlocks_);
    }
    redesignSplit();
}

void StereoImager::setLowWidth(float percent, bool snap) FOH_RT {
    lowWidth_ = std::clamp(percent, 0.0f, kMaxWidthPercent);
    if (snap) {
        wLow_.snapTo(lowWidth_ / 100.0f);
    } else {
        wLow_.rampTo(lowWidth_ / 100.0f, rampSamples_);
    }
}

void StereoImager::setHighWidth(float percent, bool snap) FOH_RT {
    highWidth_ = std::clamp(percent, 0.0f, kMaxWidthPercent);
    if (snap) {
        wHigh_.snapTo(highWidth_ / 100.0f);
    } else {
        wHigh_.rampTo(highWidth_ / 100.0f, rampSamples_);
    }
}

void StereoImager::setMonoBass(float hz, bool snap) FOH_RT {
    monoHz_ = hz;
    if (!(hz > kMonoBassOffHz)) {
        monoFade_.set(false, snap);
        if (monoFade_.bypassed()) resetMono();
        return;
    }
    const float target = std::log2(std::min(hz, kMaxMonoBassHz));
    // Coming in from fully off the filter starts on its new frequency (the fade-in covers it); while heard it glides.
    if (snap || monoFade_.bypassed()) {
        log2Mono_.snapTo(target);
    } else {
        log2Mono_.rampTo(target, glideBlocks_);
    }
    redesignMono();
    monoFade_.set(true, snap);
}

void StereoImager::redesignSplit() FOH_RT {
    split_ = Lr4Point::design(std::exp2(static_cast<double>(log2Split_.current())), sampleRate_);
}

void StereoImager::redesignMono() FOH_RT {
    const double f = std::exp2(static_cast<double>(log2Mono_.current()));
    for (int k = 0; k < 2; ++k) {
        const double q = butterworthQ(4, k + 1);  // 0.541 and 1.307
        monoHigh_[k] = Section::highPass(f, q, sampleRate_);
        monoAllpass_[k] = Section::allpass(f, q, sampleRate_);
    }
}

void StereoImager::runBlock(float* mid, float* side, float* sideLow, float* dryMid, float* drySide, int m) FOH_RT {
    // Width: the side split in two LR4 bands, the mid through the split's allpass.
    copy(sideLow, side, m);
    {
        const Section* c[2] = {&split_.low, &split_.low};
        SectionState* s[2] = {&sideLowState_[0], &sideLowState_[1]};
        runSections(c, s, 2, sideLow, m);
    }
    {
        const Section* c[2] = {&split_.high, &split_.high};
        SectionState* s[2] = {&sideHighState_[0], &sideHighState_[1]};
        runSections(c, s, 2, side, m);
    }
    {
        const Section* c[1] = {&split_.allpass};
        SectionState* s[1] = {&midAllpassState_};
        runSections(c, s, 1, mid, m);
    }
    if (!wLow_.ramping() && !wHigh_.ramping()) {
        const float lo = wLow_.current();
        const float hi = wHigh_.current();
        for (int i = 0; i < m; ++i) side[i] = lo * sideLow[i] + hi * side[i];
    } else {
        for (int i = 0; i < m; ++i) side[i] = wLow_.next() * sideLow[i] + wHigh_.next() * side[i];
    }

    // Mono bass: LR8 high-pass on the side, its allpass on the mid.
    if (monoFade_.bypassed()) return;
    const bool blend = !monoFade_.fullyOn();
    if (blend) {
        copy(dryMid, mid, m);
        copy(drySide, side, m);
    }
    {
        const Section* c[4] = {&monoHigh_[0], &monoHigh_[1], &monoHigh_[0], &monoHigh_[1]};
        SectionState* s[4] = {&monoSideState_[0], &monoSideState_[1], &monoSideState_[2], &monoSideState_[3]};
        runSections(c, s, 4, side, m);
    }
    {
        const Section* c[2] = {&monoAllpass_[0], &monoAllpass_[1]};
        SectionState* s[2] = {&monoMidState_[0], &monoMidState_[1]};
        runSections(c, s, 2, mid, m);
    }
    if (blend) {
        BypassFade sideFade = monoFade_;  // the same crossfade on the side: a copy advances exactly as the original
        sideFade.blend(drySide, side, m);
        monoFade_.blend(dryMid, mid, m);
        if (monoFade_.bypassed()) resetMono();
    }
}

void StereoImager::process(float* left, float* right, int n) FOH_RT {
    float* mid = scratch_.data();
    float* side = mid + kChunk;
    float* sideLow = side + kChunk;
    float* dryMid = sideLow + kChunk;
    float* drySide = dryMid + kChunk;
    for (int start = 0; start < n; start += kChunk) {
        const int len = std::min(kChunk, n - start);
        float* l = left + start;
        float* r = right + start;
        for (int i = 0; i < len; ++i) {
            mid[i] = 0.5f * (l[i] + r[i]);
            side[i] = 0.5f * (l[i] - r[i]);
        }
        if (monoFade_.bypassed() && log2Mono_.ramping()) {  // out: no glide to hear, land on the target
            log2Mono_.snapTo(log2Mono_.target());
            redesignMono();
        }
        if (!log2Split_.ramping() && !log2Mono_.ramping()) {
            runBlock(mid, side, sideLow, dryMid, drySide, len);
        } else {
            for (int done = 0; done < len; done += kControlBlock) {
                const int m = std::min(kControlBlock, len - done);
                if (log2Split_.ramping()) {
                    (void)log2Split_.next();  // one glide step per control block
                    redesignSplit();
                }
                if (log2Mono_.ramping()) {
                    (void)log2Mono_.next();
                    redesignMono();
                }
                runBlock(mid + done, side + done, sideLow + done, dryMid + done, drySide + done, m);
            }
        }
        for (int i = 0; i < len; ++i) {
            l[i] = mid[i] + side[i];
            r[i] = mid[i] - side[i];
        }
    }
}

std::complex<double> StereoImager::midResponse(double freq) const {
    std::complex<double> h = split_.allpassResponse(freq, sampleRate_);
    if (monoFade_.on())
        h *= monoAllpass_[0].response(freq, sampleRate_) * monoAllpass_[1].response(freq, sampleRate_);
    return h;
}

std::complex<double> StereoImager::sideResponse(double freq) const {
    std::complex<double> h = static_cast<double>(wLow_.target()) * split_.lowResponse(freq, sampleRate_) +
                             static_cast<double>(wHigh_.target()) * split_.highResponse(freq, sampleRate_);
    if (monoFade_.on()) {
        const auto hp = monoHigh_[0].response(freq, sampleRate_) * monoHigh_[1].response(freq, sampleRate_);
        h *= hp * hp;
    }
    return h;
}

double StereoImager::sideResponseDb(double freq) const {
    return 20.0 * std::log10(std::max(std::abs(sideResponse(freq)), 1e-15));
}

}  // namespace foh::dsp
