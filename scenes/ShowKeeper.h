#pragma once
// The show file on disk (docs/SCENES.md "The show file"): opened at start, saved on demand and automatically.
//
// - open(): reads FILE; when FILE is broken (a bad edit, a damaged disk) it reads FILE.prev, the previous good
//   version AtomicFile keeps, and says so; when neither loads it is an error (fohd stops at start rather than run a
//   blank show over a file someone can still repair). A missing FILE is a new show. Leftover temp files of a save
//   that was cut short are removed first.
// - Autosave: tick() (fohd calls it every 100 ms on the control thread) notices a change — any parameter (the
//   engine's sequence number) or the scene book (its revision) — and saves once things have been quiet for kQuiet,
//   but never later than kLatest after the first unsaved change: on disk within 2 s of the last change.
// - A save that fails (a full disk) keeps the previous file (AtomicFile), is logged with its reason, and is tried
//   again every kRetry while the show stays unsaved.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scenes/SceneBook.h"
#include "scenes/ShowFile.h"

namespace foh::scenes {

class ShowKeeper {
public:
    using Clock = std::chrono::steady_clock;
    static constexpr auto kQuiet = std::chrono::milliseconds(500);
    static constexpr auto kLatest = std::chrono::milliseconds(1500);
    static constexpr auto kRetry = std::chrono::seconds(5);

    struct Opened {
        std::optional<Show> show;          ///< nullopt: a new show (no file yet) or an error
        bool fromPrevious = false;         ///< FILE was broken; this is FILE.prev
        std::string error;                 ///< neither FILE nor FILE.prev loads: why (FILE's reason first)
        std::vector<std::string> notes;    ///< warnings (unknown keys, ...), the fallback, removed temp files
    };
    [[nodiscard]] static Opened open(const std::filesystem::path& file);

    ShowKeeper(SceneBook& book, Engine& engine, std::filesystem::path file);

    /// Saves now (on demand). Returns the error, if any; `path` is the file saved to.
    Result save(std::string& path);
    /// Autosave: call every ~100 ms.
    void tick(Clock::time_point now);

    [[nodiscard]] const std::filesystem::path& file() const { return file_; }
    [[nodiscard]] std::uint64_t saves() const { return saves_; }
    [[nodiscard]] std::uint64_t failures() const { return failures_; }
    [[nodiscard]] const std::string& lastError() const { return lastError_; }
    [[nodiscard]] bool unsaved() const { return dirtySince_.has_value(); }

private:
    [[nodiscard]] bool changedSinceSave() const;

    SceneBook& book_;
    Engine& engine_;
    std::filesystem::path file_;
    std::uint32_t savedSeq_ = 0;
    std::uint64_t savedRevision_ = 0;
    std::uint32_t seenSeq_ = 0;
    std::uint64_t seenRevision_ = 0;
    std::optional<Clock::time_point> dirtySince_, lastChange_, nextRetry_;
    std::uint64_t saves_ = 0, failures_ = 0;
    std::string lastError_;
};

}  // namespace foh::scenes
