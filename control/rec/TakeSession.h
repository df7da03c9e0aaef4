#pragma once
// A recording on the running console (docs/RECORDING.md): one take at a time, on fohd's control thread.
//
// start(): a take folder `<root>/<YYYY-MM-DD_HHMMSS>[ <label>]` with one file per armed signal (armedTracks():
// `/ch/N/rec/arm` channels at their `/ch/N/direct/tap`, named from the channel's name, else "Ch N"; main L and R
// with `/main/rec/arm`; `/bus/N/rec/arm` buses), the show as it is at the first frame (`show-at-start.json`, a show
// file), and the engine's recording plan; the engine hands the recorder every block from its next block on.
// Arming is read once, at start: a change during a take applies to the next one (the take's tracks are fixed).
// tick() (every ~100 ms): appends the changes that took effect since (from the engine's journal, with their frames
// from the take's start) to `automation.jsonl`, marks every scene recall in the manifest, and notices a recorder
// that stopped on its own (a full disk): the engine's feed is then stopped too, the error kept for status().
// stop(): the feed stops, then the recorder drains, finalizes and closes.

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/Engine.h"
#include "record/AutomationLog.h"
#include "record/RecordPlan.h"
#include "record/Recorder.h"
#include "scenes/SceneBook.h"

namespace foh::rec {

/// What a take records: the armed signals in track order (channels 1..N, main L, main R, buses 1..B), each with
/// its file, name and place in the console (TrackSpec::source "/ch/3", "/main/l", "/bus/2"; a channel's tap), read
/// from the engine's values now.
struct ArmedTracks {
    std::vector<record::RecordSource> sources;
    std::vector<record::TrackSpec> tracks;
};
[[nodiscard]] ArmedTracks armedTracks(const Engine& engine, const std::map<std::string, std::string>& names);

class TakeSession {
public:
    TakeSession(Engine& engine, scenes::SceneBook& book, std::filesystem::path root);
    ~TakeSession();
    TakeSession(const TakeSession&) = delete;
    TakeSession& operator=(const TakeSession&) = delete;

    /// Starts a take of the armed signals; fails with a clear error (nothing started) when none is armed.
    scenes::Result start(const std::string& label);
    /// The sample format of the takes started from now on (fohd --rec-format): float (default) or 24-bit PCM.
    void setSampleFormat(record::TakeConfig::Sample sample) { sample_ = sample; }
    scenes::Result stop();
    void tick();

    struct Status {
        bool recording = false;
        std::string take;           ///< folder name of the current (or last) take
        double seconds = 0;         ///< recorded so far
        double minutesLeft = 0;     ///< at the current rate, on the take's disk
        std::uint64_t overruns = 0; ///< samples dropped, all tracks
        std::string warning, error;
    };
    [[nodiscard]] Status status() const;
    /// Goes up whenever status() would say something new (start, stop, a warning or error changing).
    [[nodiscard]] std::uint64_t revision() const { return revision_; }
    [[nodiscard]] const std::filesystem::path& root() const { return root_; }

    /// Test hook: pause the recorder's disk thread (fault injection).
    void pauseDiskForTest(bool paused);

private:
    struct Sink final : record::RecordSink {
        record::Recorder* recorder = nullptr;
        void write_rt(const float* const* tracks, int frames) noexcept override { recorder->write_rt(tracks, frames); }
    };
    void finishTake();

    Engine& engine_;
    scenes::SceneBook& book_;
    std::filesystem::path root_;
    std::unique_ptr<record::Recorder> recorder_;
    Sink sink_;
    std::optional<record::AutomationCollector> automation_;
    std::filesystem::path automationFile_;
    std::uint64_t startFrame_ = 0;
    double sampleRate_ = 48000.0;
    record::TakeConfig::Sample sample_ = record::TakeConfig::Sample::Float;
    int lastScene_ = -1;
    std::uint64_t lastBookRevision_ = 0;
    std::string take_, lastWarning_, error_;
    std::uint64_t revision_ = 0;
};

}  // namespace foh::rec
