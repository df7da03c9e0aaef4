#pragma once
// The loudness-over-time plot of a mastering run, as a self-contained SVG (no dependencies): short-term and
// momentary loudness of the result, the input's short-term loudness for comparison, the target as a line, LUFS
// ticks every 6 LU and time ticks in minutes:seconds. Silence (-inf) is drawn at the bottom of the scale.

#include <string>
#include <string_view>
#include <vector>

#include "offline/Mastering.h"

namespace foh::offline {

struct PlotInput {
    std::string_view title;
    double targetLufs = -14.0;
    const std::vector<LoudnessPoint>* after = nullptr;   ///< drawn: short-term and momentary
    const std::vector<LoudnessPoint>* before = nullptr;  ///< optional: short-term only
};

/// The SVG document.
[[nodiscard]] std::string loudnessPlotSvg(const PlotInput& plot);
/// Writes it to `path`; throws MasterError when it cannot.
void writeLoudnessPlot(const std::string& path, const PlotInput& plot);

}  // namespace foh::offline
