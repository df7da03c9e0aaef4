#pragma once
// take.json: what a take folder holds (docs/RECORDING.md, "Manifest"). Written crash-safely: a temp file in the same
// folder, fsync, rename over take.json, fsync of the folder; a crash leaves the old or the new manifest, whole.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace foh::record {

struct ManifestTrack {
    std::string file;
    std::string name;
    std::uint64_t frames = 0;
    std::uint64_t overrunSamples = 0;
    std::string source;  ///< "/ch/3", "/main/l", "/main/r", "/bus/2"; empty in takes from before it was kept
    std::string tap;     ///< for a channel: "posttrim" | "prefader" | "postfader"
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
    std::vector<ManifestTrack> tracks;
    std::vector<ManifestMarker> markers;
    std::vector<ManifestGap> gaps;
    std::string state;          ///< "recording" | "stopped" | "stopped: <error>" | "recovered"
    std::uint64_t framesWritten = 0;
    int blockFrames = 0;  ///< host block (JACK period) while recording; 0: not known
    int maxBlock = 0;     ///< engine GraphConfig::maxBlock while recording; 0: not known
};

/// The 1-based channel a track recorded ("/ch/N"), or 0 when it is not a channel track.
[[nodiscard]] int channelOf(const ManifestTrack& track);

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
