#pragma once
// A demo show made from nothing: four stems synthesized here (kick, bass, keys and a voice-like vowel line) in a
// 4-bar loop at 120 bpm, and the mix settings that make them sit together. Used by `fohd --demo` so a fresh machine
// with no audio inputs has something to push through the console.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/LoopSource.h"

namespace foh::demo {

/// The stems on channels 1..4 at `sampleRate`, each peaking at about -6 dBFS.
[[nodiscard]] std::shared_ptr<const LoopSource> makeDemoStems(double sampleRate);

/// Registry addresses and values that make the demo mix ("/ch/1/fader", -4).
[[nodiscard]] std::vector<std::pair<std::string, float>> demoMix();

}  // namespace foh::demo
