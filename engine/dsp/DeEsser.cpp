#include "dsp/DeEsser.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/ControlRate.h"
#include "dsp/FilterDesign.h"

namespace foh::dsp {

void DeEsser::prepare(double sampleRate) {
    sampleRate_ = sampleRate;
    fade_.prepare(sampleRate);
    detector_.prepare(sampleRate, kControlBlock);
    law_.attack = static_cast<float>(std::exp(-kControlBlock / (kAttackMs * 1e-3 * sampleRate)));
    law_.release = static_cast<float>(std::exp(-kControlBlock / (kReleaseMs * 1e-3 * sampleRate)));
    setFrequency(freq_);
    reset();
}

void DeEsser::reset() FOH_RT {
    detector_.reset();
    bandState_.reset();
    law_.grDb = 0.0f;
    gain_ = 1.0f;
    wide_.reset();
}

void DeEsser::continueFrom(DeEsser& old) FOH_RT {
    detector_ = old.detector_;
    bandState_ = old.bandState_;
    law_.grDb = old.law_.grDb;
    gain_ = old.gain_;
    wide_ = old.wide_;
}

void DeEsser::setFrequency(float hz) FOH_RT {
    freq_ = hz;
    band_ = design(FilterShape::BandPass, hz, 0.0, kBandQ, sampleRate_);
}

void DeEsser::process(float* buf, float* scratch, int n) FOH_RT {
    if (fade_.bypassed()) return;
    float* band = scratch + n;
    std::memcpy(band, buf, sizeof(float) * static_cast<std::size_t>(n));
    bandState_.process(band_, band, n);
    processWithBand(buf, band, scratch, n);
}

void DeEsser::applyGains(float* buf, const float* band, const float* gains, int n, float* scratch) FOH_RT {
    withFade(fade_, buf, scratch, n, [&] {
        for (int done = 0, k = 0; done < n; done += kControlBlock, ++k) {
            const int m = std::min(kControlBlock, n - done);
            const float next = gains[k];
            float* x = buf + done;
            const float* b = band + done;
            if (listen_) {
                std::memcpy(x, b, sizeof(float) * static_cast<std::size_t>(m));
            } else if (mode_ == SplitBand) {
                // x + (g - 1) * band, g moving linearly to `next`; at no reduction exactly transparent.
                if (next != 1.0f || gain_ != 1.0f) {
                    const float cut = gain_ - 1.0f;
                    const float step = (next - gain_) / static_cast<float>(m);
                    for (int i = 0; i < m; ++i) x[i] += (cut + step * static_cast<float>(i + 1)) * b[i];
                }
            } else {
                wide_.apply(x, m, next);
            }
            gain_ = next;
        }
    }, [&] { reset(); });
}

void DeEsser::processWithBand(float* buf, const float* band, float* scratch, int n) FOH_RT {
    if (fade_.bypassed()) return;
    beginControl();
    runControlPhases(*this, buf, band, nullptr, band, scratch, n);
}

}  // namespace foh::dsp
