#pragma once
// The multitrack recorder (docs/RECORDING.md): the audio thread hands it one block of every armed track per cycle
// (write_rt), a disk thread writes one mono RF64/WAV file per track into a take folder with a manifest.
//
// Threads:
// - control thread: start(), stop(), status(), addMarker(), pauseDiskForTest() (one control thread at a time)
// - audio thread:   write_rt() only; it never blocks, allocates, locks, logs or makes a system call
// - disk thread:    started by start(), ended by stop(); the only one that touches the files
//
// Ring: one PlanarRing (a lane per track, one pair of counters). A block goes into every lane or, when the ring lacks
// room, into none: the block is dropped for every track, each track's overrun counter grows by its length, and a gap
// {ring position, frames} is queued; the disk thread writes that much silence at that position into every file. So
// every file keeps one length and one timeline, and playback stays sample-aligned across tracks.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/lockfree/spsc_queue.hpp>

#include "record/Manifest.h"
#include "record/PlanarRing.h"
#include "record/TrackFile.h"
#include "rt/Realtime.h"

namespace foh::record {

struct TrackSpec {
    std::string file;  ///< "01 Kick.wav" (a plain file name in the take folder)
    std::string name;  ///< "Kick"
    std::string source;  ///< what it recorded: "/ch/3", "/main/l", "/main/r", "/bus/2" (empty: not said)
    std::string tap;     ///< a channel's tap point ("posttrim", "prefader", "postfader"; /ch/N/direct/tap)
};

struct TakeConfig {
    std::filesystem::path folder;  ///< created by start(); must not exist yet, or be empty
    double sampleRate = 48000.0;
    std::vector<TrackSpec> tracks;
    enum class Sample { Pcm24, Float } sample = Sample::Pcm24;
    double ringSeconds = 12.0;                  ///< ring capacity; >= 10 s of disk stall by default
    std::chrono::milliseconds headerEvery{500}; ///< data fsync + header update period (<= 1 s)
    std::uint64_t startSample = 0;              ///< BWF time reference (samples since midnight)
    int blockFrames = 0;  ///< the host's block (JACK period) the take was recorded in (0: not known)
    int maxBlock = 0;     ///< the engine's GraphConfig::maxBlock then (a render replays in the same blocks)
    std::uint64_t reserveBytes = 64ull << 20;   ///< stop cleanly when free space falls below this
    std::size_t writeChunkFrames = 8192;        ///< the disk thread writes once a track has this much (or at a tick)
};

class Recorder {
public:
    Recorder();
    ~Recorder();
    Recorder(const Recorder&) = delete;
    Recorder& operator=(const Recorder&) = delete;

    /// Allocates and prefaults the ring, creates the folder, the files and the manifest, starts the disk thread.
    /// False with `error` (nothing left running) on failure.
    bool start(const TakeConfig& config, std::string& error);
    /// The audio thread's feed stops; the disk thread writes everything queued, finalises the headers, closes the
    /// files and writes the manifest. Also after an error stop (then it only joins). Idempotent.
    void stop();

    /// Audio thread, once per block: channels[t] = track t's `frames` samples (null: silence). Never blocks.
    void write_rt(const float* const* channels, int frames) FOH_RT;

    /// Between start() and the end of the take (stop(), or an error stop).
    [[nodiscard]] bool recording() const;

    struct Status {
        std::vector<std::uint64_t> overruns;  ///< samples dropped per track (written as silence)
        std::uint64_t framesCaptured = 0;     ///< frames offered by the audio thread (the take's timeline)
        std::uint64_t framesWritten = 0;      ///< frames in every file (handed to the kernel)
        double worstRingFill = 0;             ///< 0..1, the highest fill the audio thread saw
        std::uint64_t freeBytes = 0;
        double minutesLeft = 0;
        bool stoppedByError = false;
        std::string error;
        std::string warning;                  ///< "recording disk: 12 min left", empty when fine
    };
    [[nodiscard]] Status status() const;

    /// Control side: a marker (scene change) at a take frame; the manifest is rewritten at most once a second.
    void addMarker(std::uint64_t framePosition, std::string text);
    /// Fault injection: the disk thread stops writing while paused (stop() resumes it).
    void pauseDiskForTest(bool paused);

    [[nodiscard]] const std::filesystem::path& folder() const { return config_.folder; }

private:
    enum State : int { Idle = 0, Running = 1, Stopping = 2 };
    struct Gap {
        std::uint64_t ringPos;  ///< ring frames before the gap
        std::uint64_t frames;
    };

    void diskThread();
    void quiesceProducer();
    bool drain(bool everything);
    bool writeGap(std::uint64_t frames);
    void syncAndUpdateHeaders();
    void checkDiskSpace();
    void finish();
    void failStop(const std::string& error);
    void saveManifest(const std::string& state);

    TakeConfig config_;
    PlanarRing ring_;
    std::size_t ringCapacity_ = 0;  ///< kept for status() after the ring is released
    std::vector<std::unique_ptr<TrackFile>> files_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> overruns_;
    std::unique_ptr<boost::lockfree::spsc_queue<Gap>> gaps_;
    std::thread disk_;

    // audio thread (until quiesced)
    std::uint64_t pendingGapPos_ = 0, pendingGapFrames_ = 0;
    std::atomic<int> state_{Idle};
    std::atomic<bool> inCall_{false};
    std::atomic<std::uint64_t> captured_{0};
    std::atomic<std::uint64_t> maxFill_{0};

    // disk thread, published
    std::atomic<bool> stopRequested_{false};
    std::atomic<bool> paused_{false};
    std::atomic<bool> finished_{true};
    std::atomic<std::uint64_t> written_{0};
    std::atomic<std::uint64_t> freeBytes_{0};
    std::atomic<bool> stoppedByError_{false};

    mutable std::mutex mutex_;  // control/disk only: the strings and the manifest model below
    std::string error_, warning_;
    Manifest manifest_;
    bool markersDirty_ = false;
    std::filesystem::path reserveFile_;
    std::vector<float> zeros_;
    bool writeFailed_ = false;
    std::chrono::steady_clock::time_point lastManifestSave_{};
};

}  // namespace foh::record
