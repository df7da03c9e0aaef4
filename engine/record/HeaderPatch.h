#pragma once
// Repairs the header of a WAV / RF64 file that was never closed (kill -9, power cut, full disk): its sizes are set
// from the data actually on disk, capped at `maxFrames`, and a partial trailing frame is cut off.
//
// Why not libsndfile: opening in SFM_RDWR and updating the header keeps the stale length (the reader sets the data
// end from the header), refuses WAVs with extra chunks (SFE_RDWR_BAD_HEADER), and RDWR with auto-downgrade is buggy
// (libsndfile issue 864). So this walks the chunks itself: RIFF/RF64 + WAVE, chunks up to "data" (their sizes are
// valid: libsndfile writes them once at open), fmt's block align; then frames = (file size - data offset) / block
// align, ftruncate, and the sizes are patched in place (RIFF: RIFF size, data size, fact sample count; RF64: the
// ds64 RIFF size, data size and sample count). fsync, then libsndfile must read back that frame count.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace foh::record {

struct HeaderPatchResult {
    bool ok = false;
    std::uint64_t framesBefore = 0;  ///< what libsndfile reported before (0 if it did not open)
    bool openedBefore = false;
    std::uint64_t frames = 0;        ///< frames after the patch
    bool changed = false;            ///< the header or the length was modified
    std::string error;
};

/// Frames libsndfile reports for `path`; nullopt when it does not open it.
[[nodiscard]] std::optional<std::uint64_t> sndfileFrames(const std::filesystem::path& path);
/// Frames the data on disk holds (file size - data offset) / block align, without changing anything.
[[nodiscard]] std::optional<std::uint64_t> framesOnDisk(const std::filesystem::path& path, std::string& error);
HeaderPatchResult patchHeader(const std::filesystem::path& path, std::optional<std::uint64_t> maxFrames = std::nullopt);

}  // namespace foh::record
