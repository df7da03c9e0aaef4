#pragma once
// The largest gain reduction since the meter last read it (positive dB): note() on the audio thread, take() when
// the meters are published.

#include <algorithm>

#include "rt/Realtime.h"

namespace foh::dsp {

class ReductionMeter {
public:
    void note(float db) FOH_RT { max_ = std::max(max_, db); }
    [[nodiscard]] float take() FOH_RT {
        const float db = max_;
        max_ = 0.0f;
        return db;
    }

private:
    float max_ = 0.0f;
};

}  // namespace foh::dsp
