#include "scenes/ShowKeeper.h"

#include "scenes/AtomicFile.h"
#include "util/Log.h"

namespace foh::scenes {

ShowKeeper::Opened ShowKeeper::open(const std::filesystem::path& file) {
    Opened out;
    const CleanResult cleaned = cleanStaleTemps(file);
    for (const auto& p : cleaned.removed) out.notes.push_back("removed " + p.string() + ", left by a save that was cut short");
    if (!cleaned.error.empty()) out.notes.push_back(cleaned.error);

    const std::string name = file.string();
    const ReadResult read = readFile(file);
    if (read.missing) return out;  // a new show
    std::string why;
    if (read.bytes) {
        LoadResult loaded = parseShow(*read.bytes, name);
        if (loaded.show) {
            out.show = std::move(loaded.show);
            out.notes.insert(out.notes.end(), loaded.warnings.begin(), loaded.warnings.end());
            return out;
        }
        why = loaded.error;
    } else {
        why = read.error;
    }
    // FILE is broken: the previous good version.
    const std::string prevName = previousPath(file).string();
    const ReadResult prev = readPrevious(file);
    if (prev.bytes) {
        LoadResult loaded = parseShow(*prev.bytes, prevName);
        if (loaded.show) {
            out.show = std::move(loaded.show);
            out.fromPrevious = true;
            out.notes.push_back(why);
            out.notes.push_back("loaded the previous version " + prevName + " instead; " + name +
                                " is left as it is until the next save");
            out.notes.insert(out.notes.end(), loaded.warnings.begin(), loaded.warnings.end());
            return out;
        }
        out.error = why + "; and the previous version: " + loaded.error;
        return out;
    }
    out.error = why + (prev.missing ? " (and there is no previous version " + prevName + ")" : "; and " + prev.error);
    return out;
}

ShowKeeper::ShowKeeper(SceneBook& book, Engine& engine, std::filesystem::path file)
    : book_(book), engine_(engine), file_(std::move(file)) {
    savedSeq_ = seenSeq_ = engine_.lastSeq();
    savedRevision_ = seenRevision_ = book_.revision();
}

bool ShowKeeper::changedSinceSave() const {
    return engine_.lastSeq() != savedSeq_ || book_.revision() != savedRevision_;
}

Result ShowKeeper::save(std::string& path) {
    path = file_.string();
    // What is saved is what the book and the engine hold now; changes after this are the next save's.
    const std::uint32_t seq = engine_.lastSeq();
    const std::uint64_t revision = book_.revision();
    const WriteResult w = writeFileAtomically(file_, toJson(book_.snapshot()));
    if (!w.ok) {
        ++failures_;
        if (w.error != lastError_) FOH_LOG_ERROR("show: %s", w.error.c_str());
        lastError_ = w.error;
        return Result::fail(w.error);
    }
    if (!lastError_.empty()) FOH_LOG_INFO("show: saved %s again", path.c_str());
    lastError_.clear();
    ++saves_;
    savedSeq_ = seq;
    savedRevision_ = revision;
    if (!changedSinceSave()) dirtySince_.reset();
    return {};
}

void ShowKeeper::tick(Clock::time_point now) {
    book_.poll();
    const std::uint32_t seq = engine_.lastSeq();
    const std::uint64_t revision = book_.revision();
    if (seq != seenSeq_ || revision != seenRevision_) {
        seenSeq_ = seq;
        seenRevision_ = revision;
        lastChange_ = now;
        if (!dirtySince_) dirtySince_ = now;
    }
    if (!dirtySince_ || !changedSinceSave()) {
        dirtySince_.reset();
        return;
    }
    if (nextRetry_ && now < *nextRetry_) return;
    const bool quiet = now - *lastChange_ >= kQuiet;
    const bool late = now - *dirtySince_ >= kLatest;
    if (!quiet && !late) return;
    std::string path;
    if (save(path).ok) {
        nextRetry_.reset();
        dirtySince_ = changedSinceSave() ? std::optional(now) : std::nullopt;
    } else {
        nextRetry_ = now + kRetry;
    }
}

}  // namespace foh::scenes
