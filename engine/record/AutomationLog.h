#pragma once
// The automation log of a take (docs/RECORDING.md "Automation log"): every parameter change made while the take was
// recording — from any client, a scene recall, a crossfade — with the frame, counted from the take's first frame,
// at whose audio block it took effect. One JSON object per line, readable and editable by a person:
//
//   {"frame": 96000, "address": "/ch/1/fader", "value": -6.5, "fade_ms": 0, "origin": "osc 10.0.0.5:9000 (admin)"}
//   {"frame": 480000, "address": "/ch/2/fader", "value": "-inf", "fade_ms": 2000, "origin": "scene 2 'Verse' recall"}
//
// "value" is in the parameter's operator units ("-inf" for a fader at the bottom); "fade_ms" > 0 means the change
// glided there over that long (GlideBank); "origin" is informational. Lines may be edited, deleted or added; the
// reader sorts by frame (stable: equal frames keep file order) and reports a bad line with its number.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/Engine.h"

namespace foh::record {

struct AutomationEvent {
    std::uint64_t frame = 0;  ///< from the take's first frame
    std::string address;
    float value = 0.0f;
    float fadeMs = 0.0f;
    std::string origin;
    friend bool operator==(const AutomationEvent&, const AutomationEvent&) = default;
};

/// One line (without the newline) for a change that took effect at engine frame `change.frame`, in a take that
/// started at engine frame `takeStart`.
[[nodiscard]] std::string formatAutomationLine(const AutomationEvent& event);
[[nodiscard]] AutomationEvent eventOf(const ParamChange& change, std::uint64_t takeStart);

struct AutomationParse {
    std::vector<AutomationEvent> events;  ///< sorted by frame
    std::vector<std::string> errors;      ///< "automation.jsonl: line 7: ..." (those lines are skipped)
};
/// Reads a log; addresses are checked against `registry` and values through its validation (a bad line is an
/// error, reported and skipped, never applied).
[[nodiscard]] AutomationParse parseAutomationLog(std::string_view text, const std::string& source,
                                                 const ParamRegistry& registry);

/// Collects a take's changes from the engine's journal as they get their frames (call collect() from the control
/// thread every ~100 ms; it returns the new lines, in order, for the caller to append to the file).
class AutomationCollector {
public:
    /// The take starts at engine frame `takeStart`; changes with seq after `sinceSeq` count.
    AutomationCollector(std::uint64_t takeStart, std::uint32_t sinceSeq) : start_(takeStart), seq_(sinceSeq) {}
    [[nodiscard]] std::vector<AutomationEvent> collect(const Engine& engine);

private:
    std::uint64_t start_;
    std::uint32_t seq_;
};

}  // namespace foh::record
