#include "dsp/ParametricEq.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/ControlRate.h"

namespace foh::dsp {

void ParametricEq::prepare(double sampleRate) {
    sampleRate_ = sampleRate;
    glideBlocks_ = std::max(1, static_cast<int>(kGlideSeconds * sampleRate / kControlBlock));
    fade_.prepare(sampleRate);
    for (Band& b : bands_) {
        b.fade.prepare(sampleRate);
        redesign(b);
    }
    reset();
}

void ParametricEq::reset() FOH_RT {
    for (Band& b : bands_) b.state.reset();
}

void ParametricEq::glideTo(LinearRamp& r, float target, bool snap) FOH_RT {
    if (snap) r.snapTo(target);
    else r.rampTo(target, glideBlocks_);
}

void ParametricEq::setBandOn(int band, bool on, bool snap) FOH_RT {
    bands_[static_cast<std::size_t>(band & 3)].fade.set(on, snap);
}
void ParametricEq::setBandParam(int offset, float value, bool snap) FOH_RT {
    const int band = offset / 5;
    if (band < 0 || band >= kBands) return;
    switch (offset % 5) {
        case 0: setBandOn(band, value >= 0.5f, snap); break;
        case 1: {
            const int type = static_cast<int>(value);
            const FilterShape shape = type == 0   ? FilterShape::LowShelf
                                      : type == 1 ? FilterShape::Peak
                                      : type == 2 ? FilterShape::HighShelf
                                      : band == 0 ? FilterShape::LowCut
                                                  : FilterShape::HighCut;
            setBandShape(band, shape);
            break;
        }
        case 2: setBandFrequency(band, value, snap); break;
        case 3: setBandGain(band, value, snap); break;
        default: setBandQ(band, value, snap); break;
    }
}

void ParametricEq::setBandShape(int band, FilterShape shape) FOH_RT {
    Band& b = bands_[static_cast<std::size_t>(band & 3)];
    b.shape = shape;
    redesign(b);
}
void ParametricEq::setBandFrequency(int band, float hz, bool snap) FOH_RT {
    Band& b = bands_[static_cast<std::size_t>(band & 3)];
    glideTo(b.log2Freq, std::log2(std::max(hz, 1.0f)), snap);
    if (snap) redesign(b);
}
void ParametricEq::setBandGain(int band, float db, bool snap) FOH_RT {
    Band& b = bands_[static_cast<std::size_t>(band & 3)];
    glideTo(b.gainDb, db, snap);
    if (snap) redesign(b);
}
void ParametricEq::setBandQ(int band, float q, bool snap) FOH_RT {
    Band& b = bands_[static_cast<std::size_t>(band & 3)];
    glideTo(b.log2Q, std::log2(std::max(q, 0.01f)), snap);
    if (snap) redesign(b);
}

void ParametricEq::redesign(Band& b) FOH_RT {
    b.coeffs = design(b.shape, std::exp2(static_cast<double>(b.log2Freq.current())), b.gainDb.current(),
                      std::exp2(static_cast<double>(b.log2Q.current())), sampleRate_);
}

void ParametricEq::runBand(Band& b, float* buf, int n) FOH_RT {
    if (!b.gliding()) {
        b.state.process(b.coeffs, buf, n);
        return;
    }
    for (int done = 0; done < n; done += kControlBlock) {
        const int m = std::min(kControlBlock, n - done);
        (void)b.log2Freq.next();  // one glide step per control block
        (void)b.gainDb.next();
        (void)b.log2Q.next();
        redesign(b);
        b.state.process(b.coeffs, buf + done, m);
    }
}

bool ParametricEq::steady() const FOH_RT {
    if (!fade_.fullyOn()) return false;
    for (const Band& b : bands_)
        if (b.gliding() || !(b.fade.bypassed() || b.fade.fullyOn())) return false;
    return true;
}

void ParametricEq::describe(CascadeJob& job, float* buf) FOH_RT {
    job.buf = buf;
    job.in = nullptr;  // in place (the job may have held a key filter's in an earlier stage)
    job.sections = 0;
    for (Band& b : bands_) {
        if (!b.fade.fullyOn() || b.transparent()) continue;
        job.coeffs[job.sections] = &b.coeffs;
        job.states[job.sections++] = &b.state;
    }
}

void ParametricEq::process(float* buf, float* dry, int n) FOH_RT {
    if (fade_.bypassed()) return;
    const bool blendStage = !fade_.fullyOn();
    // The stage crossfade keeps its dry copy in dry[0..n); a band fading in or out uses dry[n..2n).
    if (blendStage) std::memcpy(dry, buf, sizeof(float) * static_cast<std::size_t>(n));
    // Steady bands (fully in, not gliding, not transparent) run together in one cascade pass; bands that glide or
    // fade run on their own afterwards. The order of bands in series does not change the result (linear filters).
    const BiquadCoeffs* steadyCoeffs[kBands];
    BiquadState* steadyStates[kBands];
    int steady = 0;
    for (Band& b : bands_) {
        if (b.fade.fullyOn() && !b.gliding() && !b.transparent()) {
            steadyCoeffs[steady] = &b.coeffs;
            steadyStates[steady++] = &b.state;
        }
    }
    processCascade(steadyCoeffs, steadyStates, steady, buf, n);
    for (Band& b : bands_) {
        if (b.fade.bypassed()) continue;
        if (b.fade.fullyOn()) {
            if (b.gliding()) runBand(b, buf, n);
            continue;
        }
        // A band switching in or out: blend its own dry and wet. Its dry copy goes after the stage's.
        float* bandDry = dry + n;
        std::memcpy(bandDry, buf, sizeof(float) * static_cast<std::size_t>(n));
        runBand(b, buf, n);
        b.fade.blend(bandDry, buf, n);
        if (b.fade.bypassed()) b.state.reset();
    }
    if (blendStage) {
        fade_.blend(dry, buf, n);
        if (fade_.bypassed()) reset();
    }
}

double ParametricEq::bandResponseDb(int band, double freq) const {
    const Band& b = bands_[static_cast<std::size_t>(band & 3)];
    if (!b.fade.on()) return 0.0;
    return b.coeffs.responseDb(freq, sampleRate_);
}

double ParametricEq::responseDb(double freq) const {
    if (!fade_.on()) return 0.0;
    double db = 0.0;
    for (int b = 0; b < kBands; ++b) db += bandResponseDb(b, freq);
    return db;
}


void ParametricEq::continueFrom(ParametricEq& old) FOH_RT {
    for (std::size_t b = 0; b < bands_.size(); ++b) bands_[b].state = old.bands_[b].state;
}

}  // namespace foh::dsp
