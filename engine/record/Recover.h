#pragma once
// `foh recover TAKE`: makes a take folder that was left by a kill -9, a power cut or a full disk consistent.
//
// For every file in take.json (and any other *.wav in the folder): the header is rewritten from the data on disk
// (HeaderPatch), a partial trailing frame is cut off; then every track is truncated to the shortest one, so all files
// keep one length and one timeline (the disk thread writes track after track, so a kill can leave the last pass on
// some tracks only: at most one write chunk, well under a second). take.json gets the frame counts and state
// "recovered" (rebuilt from the files if it is missing or unreadable). Idempotent: a consistent take is left as it
// is, apart from the state.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace foh::record {

struct RecoveredFile {
    std::string file;
    bool openedBefore = false;
    std::uint64_t framesBefore = 0;  ///< what a reader saw before recover
    std::uint64_t frames = 0;        ///< after
    bool changed = false;
    std::string error;
};

struct RecoverResult {
    bool ok = false;
    std::uint64_t frames = 0;  ///< the common length of every track afterwards
    std::vector<RecoveredFile> files;
    bool manifestRebuilt = false;
    std::string error;         ///< first error, empty when ok
};

RecoverResult recoverTake(const std::filesystem::path& folder);

}  // namespace foh::record
