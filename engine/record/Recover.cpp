#include "record/Recover.h"

#include <algorithm>
#include <set>

#include "record/HeaderPatch.h"
#include "record/Manifest.h"

namespace foh::record {

RecoverResult recoverTake(const std::filesystem::path& folder) {
    RecoverResult result;
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec)) {
        result.error = folder.string() + ": not a folder";
        return result;
    }
    std::string merr;
    auto manifest = readManifest(folder, merr);
    if (!manifest) {
        manifest = Manifest{};
        manifest->sampleFormat = "unknown";
        result.manifestRebuilt = true;
    }
    std::vector<std::string> files;
    std::set<std::string> seen;
    for (const auto& t : manifest->tracks)
        if (seen.insert(t.file).second) files.push_back(t.file);
    std::vector<std::string> extra;
    for (const auto& e : std::filesystem::directory_iterator(folder, ec)) {
        const std::string n = e.path().filename().string();
        if (e.is_regular_file() && n.size() > 4 && n.substr(n.size() - 4) == ".wav" && !seen.count(n)) extra.push_back(n);
    }
    std::sort(extra.begin(), extra.end());
    for (const auto& n : extra) {
        files.push_back(n);
        seen.insert(n);
        manifest->tracks.push_back({n, n.substr(0, n.size() - 4), 0, 0, "", ""});
    }

    // Pass 1: every header from its own data. Pass 2: all to the shortest.
    std::uint64_t shortest = UINT64_MAX;
    for (const auto& f : files) {
        RecoveredFile rf;
        rf.file = f;
        const HeaderPatchResult p = patchHeader(folder / f);
        rf.openedBefore = p.openedBefore;
        rf.framesBefore = p.framesBefore;
        rf.changed = p.changed;
        if (!p.ok) {
            rf.error = p.error;
            if (result.error.empty()) result.error = p.error;
        } else {
            rf.frames = p.frames;
            shortest = std::min(shortest, p.frames);
        }
        result.files.push_back(rf);
    }
    if (shortest == UINT64_MAX) shortest = 0;
    for (auto& rf : result.files) {
        if (!rf.error.empty() || rf.frames == shortest) continue;
        const HeaderPatchResult p = patchHeader(folder / rf.file, shortest);
        rf.changed = true;
        if (!p.ok) {
            rf.error = p.error;
            if (result.error.empty()) result.error = p.error;
        } else {
            rf.frames = p.frames;
        }
    }
    result.frames = shortest;
    for (auto& t : manifest->tracks) {
        for (const auto& rf : result.files)
            if (rf.file == t.file && rf.error.empty()) t.frames = rf.frames;
    }
    manifest->framesWritten = shortest;
    manifest->state = "recovered";
    if (!writeManifest(folder, *manifest, merr) && result.error.empty()) result.error = merr;
    result.ok = result.error.empty();
    return result;
}

}  // namespace foh::record
