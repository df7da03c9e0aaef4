#pragma once
// Latency compensation: a short delay whose time follows the latency of the main bus's chain (0 while no stage
// there looks ahead or oversamples; the limiter's lookahead and the saturation's oversampler when they are in), so
// every other output stays sample-aligned with main. A change of time crossfades the two taps over 5 ms, as long
// as the switch of the stage that caused it: a brief blend, never a jump. It always writes, so the line holds the recent past when the
// time grows. prepare() allocates; process() never does.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstring>
#include <vector>

#include "rt/Realtime.h"

namespace foh::dsp {

class AlignDelay {
public:
    /// As long as a stage's switch (BypassFade): main and the aligned outputs move in the same 5 ms.
    static constexpr double kCrossfadeSeconds = 0.005;

    void prepare(double sampleRate, int maxDelay, int maxBlock) {
        const std::size_t size = std::bit_ceil(static_cast<std::size_t>(std::max(0, maxDelay) + std::max(1, maxBlock) + 1));
        line_.assign(size, 0.0f);
        mask_ = size - 1;
        maxDelay_ = std::max(0, maxDelay);
        step_ = 1.0f / std::max(1.0f, static_cast<float>(kCrossfadeSeconds * sampleRate));
        write_ = 0;
        current_ = target_ = 0;
        fade_ = 1.0f;
    }
    /// The time to move to; a change during a crossfade waits for it to end.
    void setDelay(int samples) FOH_RT { wanted_ = std::clamp(samples, 0, maxDelay_); }
    [[nodiscard]] int delay() const FOH_RT { return fade_ >= 1.0f ? current_ : target_; }
    void takeOver(AlignDelay& old) FOH_RT {
        if (old.line_.size() != line_.size()) return;
        line_.swap(old.line_);
        write_ = old.write_;
        current_ = old.current_;
        target_ = old.target_;
        fade_ = old.fade_;
    }

    /// In place.
    void process(float* buf, int n) FOH_RT {
        if (fade_ >= 1.0f && wanted_ != current_) {
            target_ = wanted_;
            fade_ = 0.0f;
        }
        copyRing(buf, line_.data() + write_, n, false);
        if (fade_ >= 1.0f) {  // steady: the input as it is, or one tap read as (at most two) block copies
            if (current_ != 0) copyRing(buf, line_.data() + ((write_ - static_cast<std::size_t>(current_)) & mask_), n, true);
            write_ = (write_ + static_cast<std::size_t>(n)) & mask_;
            return;
        }
        for (int i = 0; i < n; ++i) {
            const std::size_t now = write_ + static_cast<std::size_t>(i);
            const float a = line_[(now - static_cast<std::size_t>(current_)) & mask_];
            if (fade_ >= 1.0f) {
                buf[i] = a;
                continue;
            }
            const float b = line_[(now - static_cast<std::size_t>(target_)) & mask_];
            fade_ = std::min(1.0f, fade_ + step_);
            buf[i] = a + (b - a) * fade_;
            if (fade_ >= 1.0f) current_ = target_;
        }
        write_ = (write_ + static_cast<std::size_t>(n)) & mask_;
    }

private:
    /// Copies n samples between buf and the ring starting at `at` (wrapping at its end): into the ring, or out of
    /// it with `out`. The same samples the per-sample masked loop moves, as one or two memcpys.
    void copyRing(float* buf, float* at, int n, bool out) FOH_RT {
        float* line = line_.data();
        const auto first = std::min(static_cast<std::size_t>(n), line_.size() - static_cast<std::size_t>(at - line));
        const std::size_t rest = static_cast<std::size_t>(n) - first;
        if (out) {
            std::memcpy(buf, at, sizeof(float) * first);
            std::memcpy(buf + first, line, sizeof(float) * rest);
        } else {
            std::memcpy(at, buf, sizeof(float) * first);
            std::memcpy(line, buf + first, sizeof(float) * rest);
        }
    }

    std::vector<float> line_;
    std::size_t mask_ = 0, write_ = 0;
    int maxDelay_ = 0, current_ = 0, target_ = 0, wanted_ = 0;
    float fade_ = 1.0f, step_ = 1.0f / 480.0f;
};

}  // namespace foh::dsp
