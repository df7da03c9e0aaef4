#pragma once
// The level a dynamics stage reacts to, measured once per control block from its key signal.
//  - Peak: the largest |sample| over the last kPeakWindow control blocks (a sliding maximum of ~5 ms at 48 kHz), so
//    a steady tone down to ~190 Hz reads its true sample peak with no ripple, and a transient is seen at once.
//  - RMS: the mean square over the block, smoothed with a 10 ms time constant; a sine reads its RMS (peak - 3 dB).

#include <algorithm>
#include <array>
#include <cmath>

#include "dsp/BlockStats.h"
#include "rt/Realtime.h"

namespace foh::dsp {

class LevelDetector {
public:
    enum Mode { Peak = 0, Rms = 1 };
    static constexpr int kPeakWindow = 16;
    static constexpr double kRmsSeconds = 0.010;

    void prepare(double sampleRate, int controlBlock) {
        rmsCoeff_ = static_cast<float>(1.0 - std::exp(-controlBlock / (kRmsSeconds * sampleRate)));
        reset();
    }
    void reset() FOH_RT {
        window_.fill(0.0f);
        meanSquare_ = 0.0f;
    }
    void setMode(int mode) FOH_RT { mode_ = mode == Rms ? Rms : Peak; }

    /// Feeds one control block of the key (up to two keys: a linked pair reacts to the louder of both) and returns
    /// the level as linear amplitude.
    [[nodiscard]] float measure(const float* a, const float* b, int n) FOH_RT {
        if (mode_ == Peak) {
            float p = peakAbs(a, n);
            if (b != nullptr) p = std::max(p, peakAbs(b, n));
            window_[static_cast<std::size_t>(pos_)] = p;
            pos_ = (pos_ + 1) % kPeakWindow;
            return peakAbs(window_.data(), kPeakWindow);  // entries are >= 0: their largest
        }
        const float ea = sumSquares(a, n);
        const float eb = b != nullptr ? sumSquares(b, n) : 0.0f;
        const float ms = std::max(ea, eb) / static_cast<float>(std::max(n, 1));
        meanSquare_ += rmsCoeff_ * (ms - meanSquare_);
        return std::sqrt(meanSquare_);
    }

private:
    int mode_ = Peak;
    int pos_ = 0;
    float rmsCoeff_ = 0.03f;
    float meanSquare_ = 0.0f;
    std::array<float, kPeakWindow> window_{};
};

}  // namespace foh::dsp
