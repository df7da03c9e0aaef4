#pragma once
// Offline render of a take (docs/RECORDING.md "Offline render"): a take folder played through the console offline,
// the automation log replayed at its frames, main L/R written to a file. The very same Engine::process_rt as the
// live desk, fed through the play feed (record/PlayFeed.h), so a render of a take recorded on a console at rest
// gives the samples the live main output gave.
//
//   show file (scenes::ShowFile) -> Engine of its layout at the take's rate, maxBlock = take.json max_block,
//      its state restored as fohd --show does (scenes::SceneBook::load)
//   -> every channel's /ch/N/source = playback (a channel without a track is silent); channel tracks enter after
//      trim and polarity, where the recorder tapped them (post-trim), so the trim is not applied twice
//   -> pre-roll: silence until every ramp, bypass fade and dynamics state is at rest (what a freshly started,
//      silent console has at the take's first frame)
//   -> the take, in host blocks of take.json block_frames: before each block the next block of every track is read
//      (libsndfile, on this thread) and every log event whose frame falls in the block is applied through
//      Engine::set (its fade_ms, origin "render", linkFollows = false: the log holds the partner's mirrored change)
//   -> main L/R, as long as the take, nothing trimmed (the live main had the same latency) -> optional mastering
//      (offline/Mastering) -> a stereo WAV (RF64 past 4 GiB), float or 24-bit.
//
// An event whose frame is not a block start (a hand-edited log) is applied at the start of the block that holds it:
// the engine takes changes only at block starts, live too.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "offline/Mastering.h"

namespace foh::offline {

enum class RenderFormat { Float32, Pcm24 };

struct RenderOptions {
    std::filesystem::path show;    ///< a show file: the take's show-at-start.json or another
    std::filesystem::path take;    ///< the take folder (take.json, the tracks, automation.jsonl)
    std::filesystem::path output;  ///< stereo WAV; empty: not written (tests read RenderResult::left/right)
    RenderFormat format = RenderFormat::Float32;
    /// Seconds of silence run before the take so the console is at rest at its first frame (ramps, 5 ms switch
    /// fades, gate and compressor envelopes, the FX going to sleep after 3.7 s of silent input).
    double prerollSeconds = 5.0;
    /// Master the result (offline/Mastering: the main bus of a second engine, to a loudness target).
    std::optional<MasterSettings> master;
    /// Keep the result in RenderResult::left/right (tests; --master needs it anyway).
    bool keepAudio = false;
    /// Called now and then (about every 1 % and at the end) with the fraction rendered and the speed so far.
    std::function<void(double fraction, double timesRealTime)> progress;
    /// Called with each warning as it arises (also collected in RenderResult::warnings).
    std::function<void(const std::string&)> warn;
};

struct RenderResult {
    double sampleRate = 0.0;
    std::size_t frames = 0;     ///< rendered (the take's length)
    int blockFrames = 0;        ///< host block used
    int maxBlock = 0;           ///< engine maxBlock used
    int tracksPlayed = 0;       ///< channel tracks fed in
    std::size_t eventsApplied = 0;
    std::size_t eventsMoved = 0;    ///< events not at a block start: applied at the start of their block
    int latencyFrames = 0;      ///< the console's latency at the end (kept in the output, as live)
    double wallSeconds = 0.0;   ///< the take's render (without pre-roll, reading and writing included)
    double timesRealTime = 0.0;
    std::vector<std::string> warnings;
    std::optional<MasterResult> mastered;
    std::vector<float> left, right;  ///< with keepAudio or master
};

/// A missing or unreadable show, take, track or output; nothing useful can be rendered.
class RenderError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Renders a take. Throws RenderError. Problems that still leave a render (a short track, a bad or unknown line in
/// the log, a track for a channel the show does not have, a missing block size in take.json) are warnings.
RenderResult renderTake(const RenderOptions& options);

}  // namespace foh::offline
