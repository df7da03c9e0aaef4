#pragma once
// The virtual soundcheck on the running console (docs/RECORDING.md "Virtual soundcheck"): one take loaded at a
// time from fohd's recordings folder, played by a record::TakePlayer into the engine's play feed; on fohd's control
// thread.
//
// load(TAKE): TAKE is a folder name in the recordings folder (no '/', not '.' or '..'); the take's channel tracks
// (post-trim) are read ahead from frame 0; the feed is attached, stopped (it hands silence). A take at another
// sample rate than the console's is refused. Loading another take replaces it; channels keep their source.
// vsc(true): every channel that has a track in the take and is not recall-safe (a global safe on the whole channel,
// or on the input group, in SceneBook's safes) goes to `/ch/N/source playback`; vsc(false): every channel of the
// console goes live, all of them. Per channel the operator sets `/ch/N/source` itself.
// tick() (every ~100 ms): notices what status() would say differently (position to 0.1 s, the end of the take,
// underruns, channels switched by hand) and bumps revision().

#include <filesystem>
#include <memory>
#include <string>

#include "core/Engine.h"
#include "record/TakePlayer.h"
#include "scenes/SceneBook.h"

namespace foh::rec {

class PlaybackSession {
public:
    /// Opens its own command lane ("play"); throws std::runtime_error when none is free.
    PlaybackSession(Engine& engine, scenes::SceneBook& book, std::filesystem::path root,
                    record::PlayerConfig config = {});
    ~PlaybackSession();
    PlaybackSession(const PlaybackSession&) = delete;
    PlaybackSession& operator=(const PlaybackSession&) = delete;

    scenes::Result load(const std::string& take);
    scenes::Result start();
    scenes::Result stop();
    scenes::Result locate(double seconds);
    scenes::Result loop(double fromSeconds, double toSeconds);
    scenes::Result loopOff();
    scenes::Result vsc(bool on);
    void tick();

    struct Status {
        std::string take;           ///< the loaded take's folder name (empty: none)
        bool playing = false;
        double position = 0;        ///< seconds into the take
        double length = 0;          ///< seconds
        bool looping = false;
        double loopStart = 0, loopEnd = 0;
        std::uint64_t underruns = 0;///< samples (per track) handed as silence because the disk was late
        int onPlayback = 0;         ///< channels whose /ch/N/source is playback now
        bool vsc = false;           ///< the global switch's last setting
        int tracks = 0;             ///< channel tracks played
        double lowestRingFill = 1;  ///< 0..1 while playing
        std::string message;        ///< a read error, else the load's warnings (tracks not played), else empty
    };
    [[nodiscard]] Status status() const;
    [[nodiscard]] std::uint64_t revision() const { return revision_; }

    /// Test hook: pause the player's disk thread (fault injection).
    void pauseDiskForTest(bool paused) {
        if (player_) player_->pauseDiskForTest(paused);
    }

private:
    void unload();
    [[nodiscard]] bool channelSafe(int channel) const;
    [[nodiscard]] std::uint64_t frames(double seconds) const;

    Engine& engine_;
    scenes::SceneBook& book_;
    std::filesystem::path root_;
    record::PlayerConfig config_;
    CommandQueue* queue_ = nullptr;
    std::unique_ptr<record::TakePlayer> player_;
    std::shared_ptr<record::PlayFeed> feed_;
    std::string take_;
    bool vsc_ = false;
    std::uint64_t revision_ = 0;
    std::string lastSeen_;
    bool wasPlaying_ = false;
};

}  // namespace foh::rec
