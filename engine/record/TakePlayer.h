#pragma once
// The virtual soundcheck's tape machine (docs/RECORDING.md "Virtual soundcheck"): plays a take's channel tracks into
// the engine (a PlaySource), read ahead from disk by its own thread.
//
// Threads:
// - control thread: open(), close(), play(), stop(), locate(), setLoop(), status(), pauseDiskForTest()
// - audio thread:   read_rt() only (through the engine's PlayFeed); never blocks, allocates, locks, logs or makes a
//                   system call; everything it touches is allocated by open()
// - disk thread:    started by open(), ended by close(); the only one that touches the files (libsndfile)
//
// Ring: one PlanarRing (a lane per played track, one pair of counters for all lanes, so the tracks cannot drift
// apart), filled by the disk thread, emptied by the audio thread; `ringSeconds` deep (default 4 s), prefaulted.
// Alongside it a small lock-free queue of segments says which take frame each stretch of the ring holds: a locate
// or a loop wrap starts a new segment, the end of the take is an end segment. So the loop point is seamless and
// sample-exact (the disk thread reads B-1 then A into consecutive ring frames), and the position the audio thread
// reports is exact.
//
// Transport, as the audio thread carries it out:
// - play: from the current position; a 10 ms fade-in, except from frame 0 of the take (the take itself begins with
//   the recorder's hard start, and a virtual soundcheck from the top is then bit-exact from its first sample).
// - stop: a 10 ms fade-out (the tape runs on for it), then silence; the position holds.
// - locate (playing or stopped): while playing, a 10 ms fade-out, the jump (the ring is flushed, the disk thread
//   reads from the new place), then a 10 ms fade-in once the new audio is there; stopped, just the jump. Like a
//   DAW's click-free locate; a hard cut would put a full-scale step on every channel of the PA.
// - loop A..B (frames): reaching B the tape continues at A, seamlessly. Setting or changing the loop re-reads from
//   the current position (a locate there: while playing, the 10 ms fade out and in), because the read-ahead may
//   already be past the new B.
// - end of the take without a loop: the tape stops there (position = the take's length).
// - underrun (the disk too slow, or paused for a test): what is missing is handed as silence and counted
//   (Status::underrunFrames, per track, the same for every track); the tape moves on only by what it played.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/lockfree/spsc_queue.hpp>

#include "record/Manifest.h"
#include "record/PlanarRing.h"
#include "record/PlayFeed.h"
#include "rt/Realtime.h"

struct sf_private_tag;

namespace foh::record {

struct PlayerConfig {
    double ringSeconds = 4.0;          ///< read-ahead; a disk stall shorter than this is not heard
    std::size_t readChunkFrames = 8192;///< the disk thread reads this much per track at a time
    double fadeMs = 10.0;              ///< transport fades (play mid-take, stop, locate)
};

class TakePlayer final : public PlaySource {
public:
    TakePlayer();
    ~TakePlayer() override;
    TakePlayer(const TakePlayer&) = delete;
    TakePlayer& operator=(const TakePlayer&) = delete;

    /// Reads take.json, opens every channel track recorded at the post-trim tap (an empty tap, from takes older than
    /// the field, counts as post-trim), allocates and prefaults the ring, starts the disk thread reading from frame 0;
    /// stopped. A channel track recorded pre- or post-fader is not played (it would be processed twice): a warning
    /// names it. False with `error` when the folder is no take, no track can be played or a file does not open.
    bool open(const std::filesystem::path& folder, const PlayerConfig& config, std::string& error);
    /// Ends the disk thread and closes the files. The engine must have let go of the feed (detachPlayFeed) first.
    void close();
    [[nodiscard]] bool isOpen() const { return disk_.joinable(); }

    /// Track t (feed order) -> its 0-based console channel; what a PlayFeed needs.
    [[nodiscard]] const std::vector<int>& channels() const { return channels_; }
    /// A feed over this player for Engine::attachPlayFeed.
    [[nodiscard]] std::shared_ptr<PlayFeed> makeFeed();
    [[nodiscard]] const Manifest& manifest() const { return manifest_; }
    [[nodiscard]] const std::vector<std::string>& warnings() const { return warnings_; }
    [[nodiscard]] double sampleRate() const { return manifest_.sampleRate; }
    [[nodiscard]] std::uint64_t lengthFrames() const { return length_; }

    // ---- transport (control thread) ----
    void play();
    void stop();
    /// To `frame` (clamped to the take's length).
    void locate(std::uint64_t frame);
    /// Loop A..B (A < B <= length); nullopt: off. False (nothing changed) for an impossible loop.
    bool setLoop(std::optional<std::pair<std::uint64_t, std::uint64_t>> loop);

    struct Status {
        bool playing = false;              ///< the transport runs (false once it reached the end)
        std::uint64_t position = 0;        ///< take frame of the next sample played (or the locate target pending)
        bool looping = false;
        std::uint64_t loopStart = 0, loopEnd = 0;
        std::uint64_t underrunFrames = 0;  ///< frames handed as silence because the disk was late (per track)
        double lowestRingFill = 1.0;       ///< 0..1, the lowest fill the audio thread saw while playing
        std::uint64_t framesPlayed = 0;    ///< frames the tape moved while playing, in total
        std::string error;                 ///< a read error of the disk thread (the tape then ends there)
    };
    [[nodiscard]] Status status() const;
    /// Lock-free, any thread: the take frame the tape is at.
    [[nodiscard]] std::uint64_t position() const;

    /// Waits (up to `timeout`) until the disk thread has read ahead at the current place: half the ring, or up to the
    /// end. Play then starts without an underrun. False on timeout. After a locate the audio thread must have run a
    /// block (it drops the old place's audio still in the ring, which holds the disk thread back): until then a ring
    /// full of the old place also returns true.
    bool waitPrimed(std::chrono::milliseconds timeout) const;

    /// Fault injection: the disk thread stops reading while paused (close() resumes it).
    void pauseDiskForTest(bool paused) { paused_.store(paused); }

    /// Audio thread, once per engine chunk.
    void read_rt(float* const* tracks, int frames) noexcept override;

private:
    struct Segment {
        std::uint64_t ringStart = 0;  ///< ring frame where it begins
        std::uint64_t takeStart = 0;  ///< the take frame that ring frame holds
        std::uint32_t gen = 0;        ///< the locate it belongs to
        bool end = false;             ///< the take ends here (nothing follows in this generation)
    };
    enum class Mode : std::uint8_t { Stopped, Playing, FadingOut, Seeking };

    void diskThread();
    bool pushSegment(const Segment& s);
    bool readInto(std::uint64_t& pos, std::size_t frames);
    void requestLocate(std::uint64_t frame);

    // audio thread
    bool flush_rt(std::uint32_t gen) FOH_RT;
    std::size_t pull_rt(float* const* dest, std::size_t offset, std::size_t frames, float gain, float step) FOH_RT;
    void silence_rt(float* const* dest, std::size_t offset, std::size_t frames) FOH_RT;

    PlayerConfig config_;
    Manifest manifest_;
    std::filesystem::path folder_;
    std::vector<sf_private_tag*> files_;
    std::vector<int> channels_;
    std::vector<std::string> laneNames_;  ///< "'003 Snare.wav' (/ch/3)" per lane, for messages
    std::vector<std::string> warnings_;
    std::uint64_t length_ = 0;
    PlanarRing ring_;
    std::unique_ptr<boost::lockfree::spsc_queue<Segment>> segments_;
    std::thread disk_;
    std::size_t fadeFrames_ = 480;

    // control -> audio / disk
    std::atomic<bool> wantPlay_{false};
    std::atomic<std::uint32_t> locateGen_{0};
    std::atomic<std::uint64_t> locateTarget_{0};
    std::atomic<bool> loopOn_{false};
    std::atomic<std::uint64_t> loopA_{0}, loopB_{0};
    std::atomic<bool> stopRequested_{false};
    std::atomic<bool> paused_{false};

    // audio thread state (only read_rt touches these)
    Mode mode_ = Mode::Stopped;
    bool resumeAfterSeek_ = false;
    std::uint32_t gen_ = 0;          ///< the generation being played
    std::uint64_t segRing_ = 0, segTake_ = 0;
    bool ended_ = false;             ///< the current generation reached its end segment
    std::size_t fadeIn_ = 0;         ///< frames of fade-in still to go
    std::size_t fadeOut_ = 0;        ///< frames of fade-out still to go
    // audio -> control
    std::atomic<std::uint64_t> position_{0};
    std::atomic<std::uint32_t> appliedGen_{0};
    std::atomic<std::uint64_t> underruns_{0};
    std::atomic<std::uint64_t> played_{0};
    std::atomic<std::uint64_t> minFill_{UINT64_MAX};

    // disk thread -> control
    std::atomic<bool> readFailed_{false};
    std::atomic<std::uint32_t> diskGen_{0};
    std::atomic<std::uint64_t> diskGenRingStart_{0};  ///< ring frame where diskGen_'s audio begins
    std::atomic<bool> diskEnded_{false};
    std::string readError_;  ///< written by the disk thread before readFailed_ (release), read after (acquire)
};

}  // namespace foh::record
