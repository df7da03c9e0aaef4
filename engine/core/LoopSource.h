#pragma once
// Audio held in memory that plays in a loop into chosen input channels instead of their live inputs: the demo show.
// Immutable once built; graphs share it and the audio thread only reads it.

#include <cstddef>
#include <string>
#include <vector>

namespace foh {

struct LoopTrack {
    std::string name;
    int channel;               ///< 0-based input channel it replaces
    std::vector<float> audio;  ///< all tracks have the same length
};

struct LoopSource {
    double sampleRate = 48000.0;
    std::vector<LoopTrack> tracks;
    [[nodiscard]] std::size_t length() const { return tracks.empty() ? 0 : tracks.front().audio.size(); }
};

}  // namespace foh
