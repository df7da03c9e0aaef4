#include "dsp/Saturation.h"

#include <algorithm>
#include <cmath>

#include "dsp/Decibels.h"

namespace foh::dsp {
namespace {
std::size_t powerOfTwoAtLeast(std::size_t n) {
    std::size_t size = 1;
    while (size < n) size <<= 1;
    return size;
}
}  // namespace

float Saturation::curve(float x) noexcept { return std::copysign(std::tanh(std::fabs(x)), x); }

void Saturation::prepare(double sampleRate, int maxBlock, int oversampling) {
    sampleRate_ = sampleRate;
    maxBlock_ = std::max(1, maxBlock);
    rampSamples_ = std::max(1, static_cast<int>(std::lround(kRampSeconds * sampleRate)));
    os_.prepare(sampleRate, maxBlock_, oversampling, Oversampler::kMastering);
    const std::size_t line = powerOfTwoAtLeast(static_cast<std::size_t>(latencySamples()) + 1);
    for (int ch = 0; ch < Oversampler::kChannels; ++ch) {
        line_[ch].assign(line, 0.0f);
        wetOut_[ch].assign(static_cast<std::size_t>(maxBlock_), 0.0f);
    }
    lineMask_ = line - 1;
    setDriveDb(driveDb_);
    setMix(mixPercent_);
    setOutputTrimDb(trimDb_);
    reset();
}

void Saturation::reset() FOH_RT {
    os_.reset();
    for (std::vector<float>& l : line_) std::fill(l.begin(), l.end(), 0.0f);
    pos_ = 0;
    drive_.snapTo(drive_.target());
    wet_.snapTo(wet_.target());
    dry_.snapTo(dry_.target());
    trim_.snapTo(trim_.target());
}

void Saturation::setDriveDb(float db) FOH_RT {
    if (!std::isfinite(db)) return;
    driveDb_ = std::clamp(db, kMinDriveDb, kMaxDriveDb);
    drive_.rampTo(dbToGain(driveDb_), rampSamples_ * os_.factor());  // the same 20 ms at the oversampled rate
}

void Saturation::setMix(float percent) FOH_RT {
    if (!std::isfinite(percent)) return;
    mixPercent_ = std::clamp(percent, 0.0f, 100.0f);
    const float wet = mixPercent_ * 0.01f;
    wet_.rampTo(wet, rampSamples_);
    dry_.rampTo(1.0f - wet, rampSamples_);  // exactly 1 at 0 %, exactly 0 at 100 %
}

void Saturation::setOutputTrimDb(float db) FOH_RT {
    if (!std::isfinite(db)) return;
    trimDb_ = std::clamp(db, kMinTrimDb, kMaxTrimDb);
    trim_.rampTo(dbToGain(trimDb_), rampSamples_);
}

void Saturation::process(float* left, float* right, int n) FOH_RT {
    for (int done = 0; done < n;) {
        const int m = std::min(n - done, maxBlock_);
        processPiece(left + done, right + done, m);
        done += m;
    }
}

void Saturation::processPiece(float* left, float* right, int n) FOH_RT {
    os_.upsample(left, right, n);
    const int points = os_.factor() * n;
    float* l = os_.oversampled(0);
    float* r = os_.oversampled(1);
    if (drive_.ramping()) {
        for (int i = 0; i < points; ++i) {
            const float g = drive_.next();
            l[i] = curve(g * l[i]);
            r[i] = curve(g * r[i]);
        }
    } else {
        const float g = drive_.current();
        for (int i = 0; i < points; ++i) {
            l[i] = curve(g * l[i]);
            r[i] = curve(g * r[i]);
        }
    }
    os_.downsample(wetOut_[0].data(), wetOut_[1].data(), n);

    // The dry path, delayed by the same latency as the wet, then the mix and the trim.
    const auto delay = static_cast<std::size_t>(latencySamples());
    float* lineL = line_[0].data();
    float* lineR = line_[1].data();
    const float* wetL = wetOut_[0].data();
    const float* wetR = wetOut_[1].data();
    for (int i = 0; i < n; ++i) {
        const std::size_t write = pos_ & lineMask_;
        lineL[write] = left[i];
        lineR[write] = right[i];
        const std::size_t read = (pos_ - delay) & lineMask_;
        const float w = wet_.next(), d = dry_.next(), t = trim_.next();
        left[i] = t * (w * wetL[i] + d * lineL[read]);
        right[i] = t * (w * wetR[i] + d * lineR[read]);
        ++pos_;
    }
}

}  // namespace foh::dsp
