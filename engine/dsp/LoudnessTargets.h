#pragma once
// Delivery targets as operators know them: integrated loudness and true-peak ceiling per platform or standard, and
// how far a measurement is from one. Positive distances are too loud / over the ceiling.
//
//   EBU R128 broadcast  -23 LUFS / -1 dBTP     ATSC A/85 (US broadcast)  -24 LKFS / -2 dBTP
//   Spotify, YouTube, Tidal, Amazon Music  -14 LUFS / -1 dBTP (their playback normalization)
//   Apple Music  -16 LUFS / -1 dBTP            AES streaming recommendation (TD1004)  -18 LUFS / -1 dBTP
//   podcast  -16 LUFS / -1 dBTP (the usual spoken-word delivery, e.g. Apple's podcast guideline)

#include <array>
#include <string_view>

namespace foh::dsp {

struct LoudnessTarget {
    std::string_view name;   ///< short key for the CLI, OSC and the show file: "ebu", "spotify", ...
    std::string_view label;  ///< for people
    double integratedLufs;
    double truePeakCeilingDbtp;
};

inline constexpr std::array<LoudnessTarget, 9> kLoudnessTargets{{
    {"ebu", "EBU R128", -23.0, -1.0},
    {"atsc", "ATSC A/85", -24.0, -2.0},
    {"spotify", "Spotify", -14.0, -1.0},
    {"youtube", "YouTube", -14.0, -1.0},
    {"tidal", "Tidal", -14.0, -1.0},
    {"amazon", "Amazon Music", -14.0, -1.0},
    {"apple", "Apple Music", -16.0, -1.0},
    {"aes", "AES streaming", -18.0, -1.0},
    {"podcast", "Podcast", -16.0, -1.0},
}};

/// The target called `name`, or nullptr.
[[nodiscard]] constexpr const LoudnessTarget* findLoudnessTarget(std::string_view name) noexcept {
    for (const LoudnessTarget& t : kLoudnessTargets)
        if (t.name == name) return &t;
    return nullptr;
}

struct TargetDistance {
    double loudnessLu;  ///< integrated - target: +2 = 2 LU too loud, turn down by 2 dB
    double truePeakDb;  ///< true peak - ceiling: > 0 = over the ceiling by that much
    [[nodiscard]] constexpr bool peakWithinCeiling() const noexcept { return truePeakDb <= 0.0; }
};

/// How far a measurement is from `target`. An unmeasured -inf stays -inf (infinitely quiet, no peak yet).
[[nodiscard]] constexpr TargetDistance distanceFromTarget(const LoudnessTarget& target, double integratedLufs,
                                                          double truePeakDbtp) noexcept {
    return {integratedLufs - target.integratedLufs, truePeakDbtp - target.truePeakCeilingDbtp};
}

}  // namespace foh::dsp
