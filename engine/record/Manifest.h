#pragma once
// take.json: what a take folder holds (docs/RECORDING.md, "Manifest"). Written crash-safely: a temp file in the same
// folder, fsync, rename over take.json, fsync of the folder; a crash leaves the old or the new manifest, whole.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace foh::record {

/// Where in the console a track was taken (empty kind: not known, e.g. a take written before these fields or a
/// manifest rebuilt by recover). Playback through the console puts a channel track back in at its tap.
struct TrackSource {
    std::string kind;  ///< "channel" | "main" | "bus" | "" (unknown)
    int number = 0;    ///< channel or bus number, 1-based (0 for main)
    std::string side;  ///< main: "L" | "R"
    std::string tap;   ///< channel: the /ch/N/direct/tap it was taken at: "posttrim" | "prefader" | "postfader"
    friend bool operator==(const TrackSource&, const TrackSource&) = default;
};

struct ManifestTrack {
    std::string file;
    std::string name;
    std::uint64_t frames = 0;
    std::uint64_t overrunSamples = 0;
    TrackSource source;
};
struct ManifestMarker {
    std::uint64_t frame = 0;
    std::string text;
};
struct ManifestGap {
    std::uint64_t frame = 0;   ///< position in the files where silence was written for dropped audio
    std::uint64_t frames = 0;  ///< its length
};

struct Manifest {
    int version = 1;
    std::string id;             ///< take id, also the bext originator reference
    double sampleRate = 0;
    std::string sampleFormat;   ///< "pcm24" | "float"
    std::string fileFormat = "rf64-auto-downgrade";
    std::string started;        ///< wall clock, ISO 8601 with offset
    std::uint64_t startSample = 0;
    /// The host block (JACK period) and the engine's GraphConfig::maxBlock when the take began: commands take
    /// effect at host block tops, so an offline render replays with these. 0 = not known (an older take).
    int blockFrames = 0;
    int maxBlock = 0;
    std::vector<ManifestTrack> tracks;
    std::vector<ManifestMarker> markers;
    std::vector<ManifestGap> gaps;
    std::string state;          ///< "recording" | "stopped" | "stopped: <error>" | "recovered"
    std::uint64_t framesWritten = 0;
};

inline constexpr const char* kManifestName = "take.json";

[[nodiscard]] std::string toJson(const Manifest& m);
/// Parses take.json text; nullopt (and `error`) when it is not a foh-take manifest.
[[nodiscard]] std::optional<Manifest> parseManifest(const std::string& text, std::string& error);
[[nodiscard]] std::optional<Manifest> readManifest(const std::filesystem::path& folder, std::string& error);

/// temp + fsync + rename + fsync(folder). False and `error` ("take.json: cannot write: No space left on device")
/// on failure; the previous file is then untouched.
bool writeFileDurably(const std::filesystem::path& path, const std::string& bytes, std::string& error);
bool writeManifest(const std::filesystem::path& folder, const Manifest& m, std::string& error);

}  // namespace foh::record
