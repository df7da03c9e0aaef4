#pragma once
// A recording sink for tests: keeps every block the audio thread hands it in storage allocated up front (no
// allocation on the audio thread), -99 where nothing was written.

#include <cstddef>
#include <vector>

#include "record/RecordPlan.h"

namespace foh::test {

struct CaptureSink final : record::RecordSink {
    CaptureSink(std::size_t tracks, std::size_t frames) : data(tracks, std::vector<float>(frames, -99.0f)) {}
    void write_rt(const float* const* tracks, int frames) noexcept override {
        for (std::size_t t = 0; t < data.size(); ++t)
            for (int i = 0; i < frames && at + static_cast<std::size_t>(i) < data[t].size(); ++i)
                data[t][at + static_cast<std::size_t>(i)] = tracks[t][i];
        at += static_cast<std::size_t>(frames);
        ++blocks;
    }
    std::vector<std::vector<float>> data;
    std::size_t at = 0;  ///< frames handed so far (the next block lands here)
    int blocks = 0;
};

}  // namespace foh::test
