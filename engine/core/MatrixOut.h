#pragma once
// One matrix output (mono, port mtx_N): a mix of the buses (post fader) and main ((L + R) / 2, post main fader) for
// fills, delay towers and broadcast feeds, then a time-alignment delay and fader x mute. Each source's level is a
// ramped gain, so moving one never clicks.

#include <array>

#include "dsp/Delay.h"
#include "dsp/LinearRamp.h"
#include "params/ObjectParams.h"
#include "rt/Realtime.h"

namespace foh {

class MatrixOut {
public:
    void prepare(double sampleRate, int maxBlock);
    void setParam_rt(MatrixParam param, float value, bool snap) FOH_RT;
    [[nodiscard]] float param(MatrixParam p) const FOH_RT { return values_[static_cast<std::size_t>(p)]; }
    void continueFrom_rt(MatrixOut& old) FOH_RT;

    /// Mixes `bus[0..buses)` and `mainMono` into `out` (overwritten), then delay and fader. `scratch` n.
    void process_rt(const float* const* bus, int buses, const float* mainMono, float* out, float* scratch,
                    int n) FOH_RT;

private:
    void updateSource_rt(int source, bool snap) FOH_RT;  ///< source kMaxBuses = main

    float values_[static_cast<std::size_t>(MatrixParam::Count)]{};
    std::array<dsp::LinearRamp, kMaxBuses + 1> source_{};
    dsp::Delay delay_;
    dsp::LinearRamp post_;
    int gainRampSamples_ = 960;
    int muteFadeSamples_ = 480;
    double sampleRate_ = 48000.0;
};

}  // namespace foh
