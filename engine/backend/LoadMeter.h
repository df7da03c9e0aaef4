#pragma once
// DSP load of an audio callback: time spent processing over the period, smoothed like jackd's own figure.
// Written by the audio thread (clock_gettime on CLOCK_MONOTONIC is a vDSO call: no syscall, RT-safe), read anywhere.

#include <algorithm>
#include <atomic>
#include <ctime>

#include "rt/Realtime.h"

namespace foh {

class LoadMeter {
public:
    static double nowSeconds() noexcept {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    }
    /// Audio thread: one callback took `busySeconds` of a `periodSeconds` period.
    void record_rt(double busySeconds, double periodSeconds) FOH_RT {
        const float load = static_cast<float>(busySeconds / periodSeconds);
        float smoothed = load_.load(std::memory_order_relaxed);
        // One-pole smoothing over ~0.5 s of callbacks regardless of period length.
        const float alpha = static_cast<float>(std::min(1.0, periodSeconds / 0.5));
        smoothed += alpha * (load - smoothed);
        load_.store(smoothed, std::memory_order_relaxed);
    }
    [[nodiscard]] float load() const { return load_.load(std::memory_order_relaxed); }

private:
    std::atomic<float> load_{0.0f};
};

}  // namespace foh
