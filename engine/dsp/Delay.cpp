#include "dsp/Delay.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace foh::dsp {

void Delay::prepare(double sampleRate, int maxBlock) {
    sampleRate_ = sampleRate;
    fade_.prepare(sampleRate);
    std::size_t size = 1;
    while (size < static_cast<std::size_t>(kMaxSeconds * sampleRate) + static_cast<std::size_t>(maxBlock) + 1) size <<= 1;
    line_.assign(size, 0.0f);
    mask_ = size - 1;
    xfadeStep_ = 1.0f / std::max(1.0f, static_cast<float>(kCrossfadeSeconds * sampleRate));
    reset();
}

void Delay::reset() FOH_RT {
    std::fill(line_.begin(), line_.end(), 0.0f);
    write_ = 0;
}

void Delay::setMilliseconds(float ms, bool snap) FOH_RT {
    const int samples = static_cast<int>(std::lround(std::clamp(static_cast<double>(ms), 0.0, kMaxSeconds * 1e3) *
                                                     1e-3 * sampleRate_));
    if (snap) {
        current_ = target_ = samples;
        xfade_ = 1.0f;
        pending_ = -1;
        return;
    }
    if (xfade_ < 1.0f) {
        // A change during a crossfade waits for it to finish: restarting it would jump.
        pending_ = samples;
        return;
    }
    pending_ = -1;
    if (samples == target_) return;
    target_ = samples;
    xfade_ = 0.0f;
}

void Delay::copyIn(const float* buf, int n) FOH_RT {
    const std::size_t first = std::min(static_cast<std::size_t>(n), line_.size() - write_);
    std::memcpy(line_.data() + write_, buf, sizeof(float) * first);
    std::memcpy(line_.data(), buf + first, sizeof(float) * (static_cast<std::size_t>(n) - first));
}

void Delay::copyOut(float* buf, int n, int delay) FOH_RT {
    const std::size_t from = (write_ - static_cast<std::size_t>(delay)) & mask_;
    const std::size_t first = std::min(static_cast<std::size_t>(n), line_.size() - from);
    std::memcpy(buf, line_.data() + from, sizeof(float) * first);
    std::memcpy(buf + first, line_.data(), sizeof(float) * (static_cast<std::size_t>(n) - first));
}

void Delay::process(float* buf, float* scratch, int n) FOH_RT {
    // Always write, so the line holds the recent past when the stage comes in.
    copyIn(buf, n);
    if (!fade_.bypassed()) {
        const bool blend = !fade_.fullyOn();
        if (blend) std::memcpy(scratch, buf, sizeof(float) * static_cast<std::size_t>(n));
        if (xfade_ >= 1.0f && pending_ < 0) {
            copyOut(buf, n, target_);  // steady: one or two block copies
        } else
        for (int i = 0; i < n; ++i) {
            const std::size_t now = write_ + static_cast<std::size_t>(i);
            const float b = line_[(now - static_cast<std::size_t>(target_)) & mask_];
            if (xfade_ >= 1.0f) {
                buf[i] = b;
            } else {
                const float a = line_[(now - static_cast<std::size_t>(current_)) & mask_];
                xfade_ = std::min(1.0f, xfade_ + xfadeStep_);
                buf[i] = a + (b - a) * xfade_;
                if (xfade_ >= 1.0f) {
                    current_ = target_;
                    if (pending_ >= 0 && pending_ != target_) {
                        target_ = pending_;
                        xfade_ = 0.0f;
                    }
                    pending_ = -1;
                }
            }
        }
        if (blend) fade_.blend(scratch, buf, n);
    } else if (xfade_ < 1.0f || pending_ >= 0) {
        if (pending_ >= 0) target_ = pending_;
        pending_ = -1;
        xfade_ = 1.0f;
        current_ = target_;
    }
    write_ = (write_ + static_cast<std::size_t>(n)) & mask_;
}


void Delay::continueFrom(Delay& old) FOH_RT {
    if (old.line_.size() != line_.size()) return;
    line_.swap(old.line_);
    write_ = old.write_;
    if (current_ == old.target_ || target_ == old.target_) {
        current_ = old.current_;
        xfade_ = old.xfade_;
        pending_ = old.pending_;
    }
}

}  // namespace foh::dsp
