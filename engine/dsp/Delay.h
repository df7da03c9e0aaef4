#pragma once
// Time alignment: 0-500 ms, sample-accurate (the delay is the set time rounded to whole samples). A new time
// crossfades from the old tap to the new one over 10 ms, so moving it never clicks. The line keeps filling while the
// stage is out, so switching it in plays the right (already delayed) audio at once.

#include <vector>

#include "dsp/BypassFade.h"

namespace foh::dsp {

class Delay {
public:
    static constexpr double kMaxSeconds = 0.5;
    static constexpr double kCrossfadeSeconds = 0.010;

    /// Allocates the line: kMaxSeconds at `sampleRate` plus one block.
    void prepare(double sampleRate, int maxBlock);
    void reset() FOH_RT;
    /// Takes over the delayed audio of the line this one replaces: the buffers are swapped (no copy, no
    /// allocation), so the old unit, freed later off the audio thread, frees ours.
    void continueFrom(Delay& old) FOH_RT;
    void setOn(bool on, bool snap) FOH_RT { fade_.set(on, snap); }
    void setMilliseconds(float ms, bool snap) FOH_RT;
    [[nodiscard]] int delaySamples() const FOH_RT { return pending_ >= 0 ? pending_ : target_; }

    /// In place; `scratch` is n samples.
    void process(float* buf, float* scratch, int n) FOH_RT;

private:
    void copyIn(const float* buf, int n) FOH_RT;
    void copyOut(float* buf, int n, int delay) FOH_RT;

    double sampleRate_ = 48000.0;
    BypassFade fade_;
    std::vector<float> line_;
    std::size_t mask_ = 0;
    std::size_t write_ = 0;
    int current_ = 0;  ///< tap in use
    int target_ = 0;   ///< tap being faded to
    int pending_ = -1;  ///< a time set during a crossfade, taken up when it ends
    float xfade_ = 1.0f;
    float xfadeStep_ = 1.0f / 480.0f;
};

}  // namespace foh::dsp
