#include "dsp/MultibandCompressor.h"

#include <algorithm>
#include <cmath>

#include "dsp/BlockStats.h"
#include "dsp/ControlRate.h"
#include "dsp/FastMath.h"
#include "dsp/GainComputer.h"

namespace foh::dsp {

float MultibandCompressor::PeakHold::measure(const float* l, const float* r, int m) FOH_RT {
    const int capacity = static_cast<int>(ring.size());
    ring[static_cast<std::size_t>(pos)] = std::max(peakAbs(l, m), peakAbs(r, m));  // the louder side: stereo link
    pos = pos + 1 == capacity ? 0 : pos + 1;
    // The last `window` entries end just before `pos`, in one piece or wrapped around. Entries are >= 0, so
    // peakAbs() is their largest.
    if (pos >= window) return peakAbs(ring.data() + (pos - window), window);
    return std::max(peakAbs(ring.data(), pos), peakAbs(ring.data() + (capacity - (window - pos)), window - pos));
}

void MultibandCompressor::PeakHold::reset() FOH_RT {
    std::fill(ring.begin(), ring.end(), 0.0f);
    pos = 0;
}

void MultibandCompressor::prepare(double sampleRate, int maxBlock) {
    sampleRate_ = sampleRate;
    gainSteps_ = std::max(1, static_cast<int>(std::lround(kGainRampSeconds * sampleRate / kControlBlock)));
    switchSteps_ = std::max(1, static_cast<int>(std::lround(kSwitchSeconds * sampleRate / kControlBlock)));
    crossover_.prepare(sampleRate, maxBlock);
    buffers_.assign(static_cast<std::size_t>(2 * kMaxBands * kChunk), 0.0f);
    // The longest window: half a period of kLowestHz (band 0's), in control blocks, plus room for rounding.
    const auto capacity = static_cast<std::size_t>(std::ceil(0.5 / kLowestHz * sampleRate / kControlBlock)) + 2;
    for (int k = 0; k < kMaxBands; ++k) {
        Band& b = bands_[static_cast<std::size_t>(k)];
        b.detector.ring.assign(capacity, 0.0f);
        setAttack(k, b.attackMs);
        setRelease(k, b.releaseMs);
        setGain(k, b.gainDb, true);
        setBypass(k, b.bypass, true);
        updateHold(k);
    }
    updateSolo(true);
    reset();
}

void MultibandCompressor::resetBand(Band& b) FOH_RT {
    b.detector.reset();
    b.grDb = 0.0f;
    b.gain.snapTo(b.gain.target());
    b.active.snapTo(b.active.target());
    b.audible.snapTo(b.audible.target());
    const float g = b.audible.current() * fastDbToGain(b.active.current() * b.gain.current());
    b.out[0].reset(g);
    b.out[1].reset(g);
}

void MultibandCompressor::reset() FOH_RT {
    crossover_.reset();
    for (Band& b : bands_) resetBand(b);
    lastBandIdle_ = crossover_.lastBandSilent();
}

void MultibandCompressor::continueFrom(const MultibandCompressor& old) FOH_RT {
    crossover_.continueFrom(old.crossover_);
    for (std::size_t k = 0; k < bands_.size(); ++k) {
        Band& b = bands_[k];
        const Band& o = old.bands_[k];
        if (b.detector.ring.size() == o.detector.ring.size()) {  // same rate: copy in place, no allocation
            std::copy(o.detector.ring.begin(), o.detector.ring.end(), b.detector.ring.begin());
            b.detector.pos = o.detector.pos;
        }
        b.grDb = o.grDb;
        b.out[0] = o.out[0];
        b.out[1] = o.out[1];
    }
}

MultibandCompressor::Band* MultibandCompressor::at(int band) FOH_RT {
    return band >= 0 && band < kMaxBands ? &bands_[static_cast<std::size_t>(band)] : nullptr;
}

float MultibandCompressor::coeff(float ms) const FOH_RT {
    // One-pole per control block reaching 1 - 1/e of a step after `ms` (as the channel compressor).
    return static_cast<float>(std::exp(-kControlBlock / (static_cast<double>(ms) * 1e-3 * sampleRate_)));
}

void MultibandCompressor::setBandCount(int bands, bool snap) FOH_RT {
    crossover_.setBandCount(bands, snap);
    updateSolo(snap);
}

void MultibandCompressor::setCrossover(int index, float hz, bool snap) FOH_RT {
    crossover_.setFrequency(index, hz, snap);
    updateHold(index + 1);
}

void MultibandCompressor::setThreshold(int band, float db) FOH_RT {
    if (Band* b = at(band)) b->thresholdDb = std::clamp(db, kMinThresholdDb, kMaxThresholdDb);
}

void MultibandCompressor::setRatio(int band, float ratio) FOH_RT {
    if (Band* b = at(band)) b->ratio = std::clamp(ratio, kMinRatio, kMaxRatio);
}

void MultibandCompressor::setAttack(int band, float ms) FOH_RT {
    if (Band* b = at(band)) {
        b->attackMs = std::clamp(ms, kMinAttackMs, kMaxAttackMs);
        b->attackCoeff = coeff(b->attackMs);
    }
}

void MultibandCompressor::setRelease(int band, float ms) FOH_RT {
    if (Band* b = at(band)) {
        b->releaseMs = std::clamp(ms, kMinReleaseMs, kMaxReleaseMs);
        b->releaseCoeff = coeff(b->releaseMs);
    }
}

void MultibandCompressor::setGain(int band, float db, bool snap) FOH_RT {
    Band* b = at(band);
    if (b == nullptr) return;
    b->gainDb = std::clamp(db, kMinGainDb, kMaxGainDb);
    if (snap) {
        b->gain.snapTo(b->gainDb);
    } else {
        b->gain.rampTo(b->gainDb, gainSteps_);
    }
}

void MultibandCompressor::setSolo(int band, bool on, bool snap) FOH_RT {
    Band* b = at(band);
    if (b == nullptr) return;
    b->solo = on;
    updateSolo(snap);
}

void MultibandCompressor::setBypass(int band, bool on, bool snap) FOH_RT {
    Band* b = at(band);
    if (b == nullptr) return;
    b->bypass = on;
    const float target = on ? 0.0f : 1.0f;
    if (snap) {
        b->active.snapTo(target);
    } else {
        b->active.rampTo(target, switchSteps_);
    }
}

void MultibandCompressor::updateSolo(bool snap) FOH_RT {
    bool anySolo = false;
    for (int k = 0; k < bandCount(); ++k) anySolo = anySolo || bands_[static_cast<std::size_t>(k)].solo;
    for (int k = 0; k < kMaxBands; ++k) {
        Band& b = bands_[static_cast<std::size_t>(k)];
        const float target = !anySolo || (b.solo && k < bandCount()) ? 1.0f : 0.0f;
        if (snap) {
            b.audible.snapTo(target);
        } else {
            b.audible.rampTo(target, switchSteps_);
        }
    }
}

void MultibandCompressor::updateHold(int band) FOH_RT {
    Band* b = at(band);
    if (b == nullptr) return;
    const double edgeHz = static_cast<double>(band == 0 ? kLowestHz : crossover_.frequency(band - 1));
    const double hold = std::max(kMinHoldSeconds, 0.5 / edgeHz);
    const int capacity = std::max(1, static_cast<int>(b->detector.ring.size()));
    b->detector.window = std::clamp(static_cast<int>(std::ceil(hold * sampleRate_ / kControlBlock)), 1, capacity);
}

float MultibandCompressor::staticGainDb(int band, float levelDb) const {
    const Band& b = bands_[static_cast<std::size_t>(std::clamp(band, 0, kMaxBands - 1))];
    return compressorGainDb(levelDb, b.thresholdDb, b.ratio, kKneeDb);
}

float MultibandCompressor::takeGainReductionDb(int band) FOH_RT {
    Band* b = at(band);
    if (b == nullptr) return 0.0f;
    const float db = b->meter.take();
    return band < bandCount() ? db : 0.0f;
}

float MultibandCompressor::controlStep(Band& b, float level) FOH_RT {
    const float target = -compressorGainDb(fastGainToDb(level), b.thresholdDb, b.ratio, kKneeDb);
    b.grDb = target + (target > b.grDb ? b.attackCoeff : b.releaseCoeff) * (b.grDb - target);
    const float active = b.active.next();
    const float gainDb = b.gain.next();
    const float audible = b.audible.next();
    b.meter.note(active * b.grDb);
    return audible * fastDbToGain(active * (gainDb - b.grDb));
}

void MultibandCompressor::processChunk(float* left, float* right, int n) FOH_RT {
    float* bandsLeft[kMaxBands];
    float* bandsRight[kMaxBands];
    for (int k = 0; k < kMaxBands; ++k) {
        bandsLeft[k] = buffers_.data() + static_cast<std::size_t>(k) * kChunk;
        bandsRight[k] = buffers_.data() + static_cast<std::size_t>(kMaxBands + k) * kChunk;
    }
    // Band 3 with three bands (after the fade) is silence: its unit is cleared once and skipped. Asked before the
    // split: a fade that ends inside this chunk still has band 3 signal in its first part.
    const bool lastIdle = crossover_.lastBandSilent();
    crossover_.process(left, right, bandsLeft, bandsRight, n);
    if (lastIdle && !lastBandIdle_) resetBand(bands_[kMaxBands - 1]);
    lastBandIdle_ = lastIdle;
    const int running = lastIdle ? kMaxBands - 1 : kMaxBands;

    float gains[kChunk / kControlBlock];
    for (int k = 0; k < running; ++k) {
        Band& b = bands_[static_cast<std::size_t>(k)];
        for (int done = 0, j = 0; done < n; done += kControlBlock, ++j) {
            const int m = std::min(kControlBlock, n - done);
            gains[j] = controlStep(b, b.detector.measure(bandsLeft[k] + done, bandsRight[k] + done, m));
        }
        b.out[0].applyControlGains(bandsLeft[k], gains, n);
        b.out[1].applyControlGains(bandsRight[k], gains, n);
    }

    const float* l0 = bandsLeft[0];
    const float* l1 = bandsLeft[1];
    const float* l2 = bandsLeft[2];
    const float* l3 = bandsLeft[3];
    const float* r0 = bandsRight[0];
    const float* r1 = bandsRight[1];
    const float* r2 = bandsRight[2];
    const float* r3 = bandsRight[3];
    if (running == kMaxBands) {
        for (int i = 0; i < n; ++i) {
            left[i] = (l0[i] + l1[i]) + (l2[i] + l3[i]);
            right[i] = (r0[i] + r1[i]) + (r2[i] + r3[i]);
        }
    } else {
        for (int i = 0; i < n; ++i) {
            left[i] = l0[i] + l1[i] + l2[i];
            right[i] = r0[i] + r1[i] + r2[i];
        }
    }
}

void MultibandCompressor::process(float* left, float* right, int n) FOH_RT {
    for (int start = 0; start < n; start += kChunk)
        processChunk(left + start, right + start, std::min(kChunk, n - start));
}

}  // namespace foh::dsp
