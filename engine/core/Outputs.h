#pragma once
// The engine's outputs, in the order process_rt() takes them and the JACK backend registers its ports:
//   main_L, main_R, main_M (mono/centre), solo_L, solo_R, bus_1 .. bus_B, mtx_1 .. mtx_8, [direct_1 .. direct_N]
// A host may pass fewer outputs than that (a test passes main L/R only): the rest are still computed, not written.

#include <string>
#include <vector>

#include "params/ObjectParams.h"

namespace foh {

struct OutputLayout {
    static constexpr int kMainL = 0, kMainR = 1, kMainMono = 2, kSoloL = 3, kSoloR = 4, kBusFirst = 5;
    int buses = kDefaultBuses;
    int channels = 32;
    [[nodiscard]] int busOut(int b) const { return kBusFirst + b; }
    [[nodiscard]] int matrixOut(int m) const { return kBusFirst + buses + m; }
    [[nodiscard]] int directOut(int c) const { return kBusFirst + buses + kMatrices + c; }
    /// Every output but the direct outs / with them.
    [[nodiscard]] int mixOutputs() const { return kBusFirst + buses + kMatrices; }
    [[nodiscard]] int allOutputs() const { return mixOutputs() + channels; }
};

inline constexpr int kMaxOutputs = OutputLayout::kBusFirst + kMaxBuses + kMatrices + 512;

/// Port names in output order; the direct outs only when asked for.
[[nodiscard]] inline std::vector<std::string> outputPortNames(const OutputLayout& layout, bool directOuts) {
    std::vector<std::string> names = {"main_L", "main_R", "main_M", "solo_L", "solo_R"};
    for (int b = 1; b <= layout.buses; ++b) names.push_back("bus_" + std::to_string(b));
    for (int m = 1; m <= kMatrices; ++m) names.push_back("mtx_" + std::to_string(m));
    if (directOuts)
        for (int c = 1; c <= layout.channels; ++c) names.push_back("direct_" + std::to_string(c));
    return names;
}

}  // namespace foh
