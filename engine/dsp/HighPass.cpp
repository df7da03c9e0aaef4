#include "dsp/HighPass.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/ControlRate.h"
#include "dsp/FilterDesign.h"

namespace foh::dsp {

void HighPass::prepare(double sampleRate) {
    sampleRate_ = sampleRate;
    fade_.prepare(sampleRate);
    glideBlocks_ = std::max(1, static_cast<int>(kGlideSeconds * sampleRate / kControlBlock));
    logFreq_.snapTo(std::log2(80.0f));
    redesign();
    reset();
}

void HighPass::reset() FOH_RT {
    for (BiquadState& s : state_) s.reset();
}

void HighPass::setFrequency(float hz, bool snap) FOH_RT {
    const float target = std::log2(std::clamp(hz, 10.0f, 20000.0f));
    if (snap) {
        logFreq_.snapTo(target);
    } else {
        logFreq_.rampTo(target, glideBlocks_);
    }
    redesign();
}

void HighPass::setSlope(int slope) FOH_RT {
    slope_ = std::clamp(slope, 0, 2);
    redesign();
}

void HighPass::redesign() FOH_RT {
    const double f = std::exp2(static_cast<double>(logFreq_.current()));
    switch (slope_) {
        case Slope12:
            sections_[0] = design(FilterShape::LowCut, f, 0.0, butterworthQ(2, 1), sampleRate_);
            sections_[1] = {};
            break;
        case Slope18:
            sections_[0] = designFirstOrderHighPass(f, sampleRate_);
            sections_[1] = design(FilterShape::LowCut, f, 0.0, 1.0, sampleRate_);  // 3rd order: Q = 1
            break;
        default:
            sections_[0] = design(FilterShape::LowCut, f, 0.0, butterworthQ(4, 1), sampleRate_);
            sections_[1] = design(FilterShape::LowCut, f, 0.0, butterworthQ(4, 2), sampleRate_);
            break;
    }
}

void HighPass::run(float* buf, int n) FOH_RT {
    if (!logFreq_.ramping()) {
        const BiquadCoeffs* c[2] = {&sections_[0], &sections_[1]};
        BiquadState* st[2] = {&state_[0], &state_[1]};
        processCascade(c, st, slope_ == Slope12 ? 1 : 2, buf, n);
        return;
    }
    for (int done = 0; done < n; done += kControlBlock) {
        const int m = std::min(kControlBlock, n - done);
        (void)logFreq_.next();  // the glide advances one step per control block
        redesign();
        state_[0].process(sections_[0], buf + done, m);
        if (slope_ != Slope12) state_[1].process(sections_[1], buf + done, m);
    }
}

void HighPass::describe(CascadeJob& job, float* buf) FOH_RT {
    job.buf = buf;
    job.in = nullptr;  // in place (the job may have held a key filter's in an earlier stage)
    job.sections = slope_ == Slope12 ? 1 : 2;
    for (int k = 0; k < job.sections; ++k) {
        job.coeffs[k] = &sections_[k];
        job.states[k] = &state_[k];
    }
}

void HighPass::process(float* buf, float* dry, int n) FOH_RT {
    if (fade_.bypassed()) {
        // Out: the glide still moves so the filter comes back where it was set.
        if (logFreq_.ramping()) {
            logFreq_.snapTo(logFreq_.target());
            redesign();
        }
        return;
    }
    if (fade_.fullyOn()) {
        run(buf, n);
        return;
    }
    std::memcpy(dry, buf, sizeof(float) * static_cast<std::size_t>(n));
    run(buf, n);
    fade_.blend(dry, buf, n);
    if (fade_.bypassed()) reset();
}

double HighPass::responseDb(double freq) const {
    if (!fade_.on()) return 0.0;
    double db = sections_[0].responseDb(freq, sampleRate_);
    if (slope_ != Slope12) db += sections_[1].responseDb(freq, sampleRate_);
    return db;
}


void HighPass::continueFrom(HighPass& old) FOH_RT {
    state_[0] = old.state_[0];
    state_[1] = old.state_[1];
}

}  // namespace foh::dsp
