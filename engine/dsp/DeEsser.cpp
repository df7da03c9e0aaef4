#include "dsp/DeEsser.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/ControlRate.h"
#include "dsp/DynamicsKit.h"
#include "dsp/FastMath.h"
#include "dsp/FilterDesign.h"

namespace foh::dsp {

void DeEsser::prepare(double sampleRate) {
    sampleRate_ = sampleRate;
    fade_.prepare(sampleRate);
    detector_.prepare(sampleRate, kControlBlock);
    attackCoeff_ = static_cast<float>(std::exp(-kControlBlock / (kAttackMs * 1e-3 * sampleRate)));
    releaseCoeff_ = static_cast<float>(std::exp(-kControlBlock / (kReleaseMs * 1e-3 * sampleRate)));
    setFrequency(freq_);
    reset();
}

void DeEsser::reset() FOH_RT {
    detector_.reset();
    bandState_.reset();
    bellState_.reset();
    grDb_ = bellGrDb_ = 0.0f;
    gain_.reset();
    bell_ = {};
}

void DeEsser::setFrequency(float hz) FOH_RT {
    freq_ = hz;
    band_ = design(FilterShape::BandPass, hz, 0.0, 1.0, sampleRate_);
    bell_ = design(FilterShape::Peak, freq_, -bellGrDb_, kBellQ, sampleRate_);
}

float DeEsser::takeGainReductionDb() FOH_RT {
    const float gr = maxGrDb_;
    maxGrDb_ = 0.0f;
    return gr;
}

void DeEsser::process(float* buf, float* scratch, int n) FOH_RT {
    if (fade_.bypassed()) return;
    float* dry = scratch;
    float* band = scratch + n;
    std::memcpy(dry, buf, sizeof(float) * static_cast<std::size_t>(n));
    std::memcpy(band, buf, sizeof(float) * static_cast<std::size_t>(n));
    bandState_.process(band_, band, n);

    for (int done = 0; done < n; done += kControlBlock) {
        const int m = std::min(kControlBlock, n - done);
        const float level = fastGainToDb(detector_.measure(band + done, nullptr, m));
        const float target = std::clamp(level - thresholdDb_, 0.0f, range_);
        grDb_ = target + (target > grDb_ ? attackCoeff_ : releaseCoeff_) * (grDb_ - target);
        maxGrDb_ = std::max(maxGrDb_, grDb_);
        if (listen_) continue;
        if (mode_ == SplitBand) {
            if (std::fabs(grDb_ - bellGrDb_) > 0.01f || (grDb_ == 0.0f && bellGrDb_ != 0.0f)) {
                bellGrDb_ = grDb_ < 0.005f ? 0.0f : grDb_;
                bell_ = design(FilterShape::Peak, freq_, -bellGrDb_, kBellQ, sampleRate_);
            }
            bellState_.process(bell_, buf + done, m);
        } else {
            gain_.apply(buf + done, m, fastDbToGain(-grDb_));
        }
    }
    if (listen_) std::memcpy(buf, band, sizeof(float) * static_cast<std::size_t>(n));
    if (!fade_.fullyOn()) {
        fade_.blend(dry, buf, n);
        if (fade_.bypassed()) reset();
    }
}


void DeEsser::continueFrom(DeEsser& old) FOH_RT {
    detector_ = old.detector_;
    bandState_ = old.bandState_;
    bellState_ = old.bellState_;
    grDb_ = old.grDb_;
    bellGrDb_ = old.bellGrDb_;
    bell_ = design(FilterShape::Peak, freq_, -bellGrDb_, kBellQ, sampleRate_);
    gain_ = old.gain_;
}

}  // namespace foh::dsp
