#pragma once
// The offline "backend": the same Engine::process_rt, driven as fast as possible on the caller's thread.
// Used by tests, benchmarks and (later) the render and master commands.

#include <vector>

#include "core/Engine.h"

namespace foh {

class OfflineRenderer {
public:
    /// Prepares buffers for `channels` inputs and `outputs` outputs of `block` frames.
    OfflineRenderer(Engine& engine, int block, int outputs = 2);

    /// Renders `frames` frames. `inputs` holds one vector per input channel (shorter ones are padded with silence,
    /// missing ones are silent); returns one vector per output. Housekeeping runs between blocks like a control
    /// thread would.
    std::vector<std::vector<float>> render(const std::vector<std::vector<float>>& inputs, std::size_t frames);

    /// Renders one block from raw pointers (no copying), for benchmarks.
    void renderBlock(const float* const* in, int numIn) {
        engine_.process_rt(in, numIn, outPtrs_.data(), static_cast<int>(outPtrs_.size()), block_);
    }
    [[nodiscard]] const std::vector<float>& output(int index) const { return out_[static_cast<std::size_t>(index)]; }

private:
    Engine& engine_;
    int block_;
    std::vector<std::vector<float>> out_;
    std::vector<float*> outPtrs_;
};

}  // namespace foh
