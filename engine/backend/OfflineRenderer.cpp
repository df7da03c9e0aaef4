#include "backend/OfflineRenderer.h"

#include <algorithm>

namespace foh {

OfflineRenderer::OfflineRenderer(Engine& engine, int block, int outputs)
    : engine_(engine), block_(block), out_(static_cast<std::size_t>(outputs)) {
    for (auto& o : out_) o.assign(static_cast<std::size_t>(block), 0.0f);
    for (auto& o : out_) outPtrs_.push_back(o.data());
}

std::vector<std::vector<float>> OfflineRenderer::render(const std::vector<std::vector<float>>& inputs,
                                                        std::size_t frames) {
    std::vector<std::vector<float>> result(out_.size(), std::vector<float>(frames));
    std::vector<std::vector<float>> chunk(inputs.size(), std::vector<float>(static_cast<std::size_t>(block_)));
    std::vector<const float*> inPtrs(inputs.size());
    for (std::size_t pos = 0; pos < frames; pos += static_cast<std::size_t>(block_)) {
        const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(block_), frames - pos);
        for (std::size_t c = 0; c < inputs.size(); ++c) {
            std::fill(chunk[c].begin(), chunk[c].end(), 0.0f);
            if (pos < inputs[c].size())
                std::copy_n(inputs[c].begin() + static_cast<long>(pos), std::min(n, inputs[c].size() - pos),
                            chunk[c].begin());
            inPtrs[c] = chunk[c].data();
        }
        engine_.process_rt(inPtrs.data(), static_cast<int>(inPtrs.size()), outPtrs_.data(),
                           static_cast<int>(outPtrs_.size()), static_cast<int>(n));
        for (std::size_t o = 0; o < out_.size(); ++o)
            std::copy_n(out_[o].begin(), n, result[o].begin() + static_cast<long>(pos));
        engine_.housekeeping();
    }
    return result;
}

}  // namespace foh
