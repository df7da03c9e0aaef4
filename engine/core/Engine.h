#pragma once
// The console engine, independent of any audio backend.
//
// Control side (any non-audio thread): parameters are set through the registry and travel as Commands on the
// caller's own CommandQueue; structure (channel count, sample rate, block size, playback source) is rebuilt as a new
// Graph and published through a SnapshotSlot; housekeeping() frees retired graphs and gathers meters.
// Audio side: process_rt() picks up the newest graph, drains every queue, and renders.

#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/Command.h"
#include "core/Graph.h"
#include "core/Meters.h"
#include "record/PlayFeed.h"
#include "record/RecordPlan.h"
#include "params/ParamRegistry.h"
#include "rt/SnapshotSlot.h"

namespace foh {

/// How a change is made: a fade time (continuous parameters glide there on the audio thread, core/GlideBank.h;
/// switches change at once) and who made it (for the change journal; default: the lane's owner).
struct SetOptions {
    float fadeMs = 0.0f;  ///< clamped to 0..Engine::kMaxFadeMs
    std::string_view origin;
    /// A stereo-linked partner follows (as a hand on the desk expects). A scene recall says no: it sets both
    /// halves from the scene itself, and a partner that is recall-safe must stay as it is.
    bool linkFollows = true;
};

/// One entry of the engine's change journal.
inline constexpr std::uint64_t kNoFrame = ~std::uint64_t{0};
struct ParamChange {
    std::string address;
    float before, after;
    std::uint32_t seq;
    std::chrono::system_clock::time_point when;
    std::string origin;
    float fadeMs = 0.0f;
    /// The audio frame (Engine::framesProcessed() count) at whose block the change took effect; kNoFrame until the
    /// audio thread has applied it and housekeeping() has seen that.
    std::uint64_t frame = kNoFrame;
};

class Engine {
public:
    static constexpr std::size_t kMaxProducers = 16;
    /// At most this many commands are applied per block (all lanes together, the first lane taken in turn), so a
    /// burst cannot make a block late: 16 full lanes hold 131 072 commands, ~2.8 ms of work at ~21 ns each
    /// (docs/BENCHMARKS.md), two 64-frame periods. One full lane (8192, ~0.17 ms) still goes in one block, so a big
    /// scene recall or a replayed automation log lands in the block it was stamped with, as before.
    static constexpr std::size_t kMaxCommandsPerBlock = CommandQueue::kCapacity;

    explicit Engine(const GraphConfig& config);
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // ---- control side ----------------------------------------------------------------------------------------

    /// The registry for the current layout. Replaced (not mutated) when the channel count changes.
    [[nodiscard]] std::shared_ptr<const ParamRegistry> registry() const;
    [[nodiscard]] GraphConfig config() const;

    /// Opens a command lane for the calling thread; null when all kMaxProducers lanes are taken.
    [[nodiscard]] CommandQueue* openQueue(std::string owner);
    void closeQueue(CommandQueue* queue);

    static constexpr int kMaxFadeMs = 60000;
    /// Validates and applies a value in operator units. On error nothing is applied and the reason is returned.
    /// A full queue is an error too (the audio thread is not draining): the call never blocks.
    Checked set(CommandQueue& queue, std::string_view address, float value, const SetOptions& options = {});
    Checked set(CommandQueue& queue, ParamId id, float value, const SetOptions& options = {});
    /// Sets from a 0..1 control position through the parameter's curve.
    Checked setNormalized(CommandQueue& queue, std::string_view address, float position, const SetOptions& options = {});

    /// The change journal: the last kJournalSize changes (any lane), oldest first, with the value before and after,
    /// when and by whom. Scenes' undo and history read it.
    static constexpr std::size_t kJournalSize = 10000;
    [[nodiscard]] std::vector<ParamChange> changesSince(std::uint32_t seq) const;
    /// The sequence number of the latest change (0: none yet).
    [[nodiscard]] std::uint32_t lastSeq() const;
    /// Frames the audio thread has processed since the engine started (the timeline of ParamChange::frame and of
    /// recordings). Any thread.
    [[nodiscard]] std::uint64_t framesProcessed() const { return frames_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::optional<float> get(std::string_view address) const;
    /// Every parameter's value and the sequence number of its last change, indexed by ParamId of `registry()`:
    /// a pusher (the OSC server) copies this and compares sequence numbers to see what changed, from whichever
    /// control lane. Copies under the control mutex (a few kB); control side only.
    [[nodiscard]] std::vector<ParamState> values() const;

    /// Rebuilds the graph for a new layout and publishes it; parameter values and signal state carry over.
    /// Throws std::invalid_argument for an impossible layout (nothing changes then).
    void reconfigure(const GraphConfig& config);
    /// Plays `source` into its channels instead of their live inputs (null: live inputs again).
    void setPlayback(std::shared_ptr<const LoopSource> source);

    /// Recording (engine/record/RecordPlan.h): from the next block on, the audio thread hands every block's tracks
    /// to `plan`'s sink. The caller keeps the plan and its sink alive until stopRecording() has returned. Returns the
    /// engine frame at which the recording will begin (framesProcessed() now: the next block's first frame).
    std::uint64_t startRecording(std::shared_ptr<const record::RecordPlan> plan);
    /// Stops handing blocks to the sink; returns once the audio thread has let go of it (or at once when no audio is
    /// running). Returns the engine frame after the last recorded block.
    std::uint64_t stopRecording();

    /// Playback into channels (engine/record/PlayFeed.h; the virtual soundcheck's player, the offline render): from
    /// the next block on, the audio thread reads every block's tracks from `feed`'s source, and channels whose
    /// `/ch/N/source` is playback hear them. Replaces any feed attached before (waiting until the audio thread
    /// has let go of it). The caller keeps the feed and its source alive until detachPlayFeed() (or the next
    /// attach) has returned. Returns the engine frame of the first block that reads it.
    std::uint64_t attachPlayFeed(std::shared_ptr<const record::PlayFeed> feed);
    /// Stops reading the feed; returns once the audio thread has let go of it (or at once when no audio runs).
    void detachPlayFeed();

    /// Frees graphs the audio thread retired and gathers meter packets. Call a few times a second.
    void housekeeping();
    /// Meter readers: each has its own "since last read" state.
    [[nodiscard]] int addMeterReader();
    [[nodiscard]] MeterReading readMeters(int reader);
    /// Meter sinks get every raw packet as housekeeping() gathers it (on the thread calling housekeeping(), under
    /// the meter lock: a sink must not call back into the engine's meter API). The OSC server feeds one reader per
    /// client and group from its sink. Returns a handle for removeMeterSink().
    [[nodiscard]] int addMeterSink(std::function<void(const MeterAccum&)> sink);
    void removeMeterSink(int handle);

    /// How many graphs the audio thread has picked up (tests wait on it).
    [[nodiscard]] unsigned long graphSwaps() const { return slot_.swaps(); }
    [[nodiscard]] bool graphPending() const { return slot_.hasPending(); }
    /// Frames of latency the console adds on every output now (the main chain's lookahead and oversampling while
    /// they are in), as of the last block; the JACK backend reports it. Any thread.
    [[nodiscard]] int latencyFrames() const { return latency_.load(std::memory_order_relaxed); }
    /// The host block length (frames) of the last process_rt call (0 before the first): a take records it so a
    /// render replays in the same blocks. Any thread.
    [[nodiscard]] int hostBlockFrames() const { return hostBlock_.load(std::memory_order_relaxed); }
    /// Test access: the parameter state of the graph the audio thread is using. Only while it is not running.
    [[nodiscard]] const Graph* graphWhileStopped() const { return slot_.currentWhileStopped(); }

    // ---- audio side ------------------------------------------------------------------------------------------

    /// Renders one host block of any length. `in[c]` may be null for a silent input.
    void process_rt(const float* const* in, int numIn, float* const* out, int numOut, int frames) FOH_RT;
    /// Audio thread, after process_rt: how many commands the last block applied (the backend's CycleStats).
    [[nodiscard]] std::uint32_t commandsLastBlock_rt() const FOH_RT { return drained_; }

private:
    std::unique_ptr<Graph> buildGraphLocked(const GraphConfig& config) const;
    Checked setLocked(CommandQueue& queue, ParamId id, float value, const SetOptions& o);
    Checked setAndFollowLocked(CommandQueue& queue, ParamId id, float value, const SetOptions& o);
    /// The loop routing fx `from` into fx `to` would close ("fx 2 -> fx 3 -> fx 2"), or empty when there is none.
    [[nodiscard]] std::string fxLoopLocked(int from, int to) const;
    Checked tapTempoLocked(CommandQueue& queue, ParamId id, float value, const SetOptions& o);
    void mirrorLinkedLocked(CommandQueue& queue, ParamId id, float value, const SetOptions& o);

    mutable std::mutex control_;  // guards everything below up to slot_; never taken by the audio thread
    GraphConfig config_;
    std::shared_ptr<const ParamRegistry> registry_;
    std::vector<ParamState> values_;  // one per registry parameter
    std::uint32_t seq_ = 0;
    std::deque<ParamChange> journal_;
    std::shared_ptr<const LoopSource> playback_;
    std::array<double, kMaxFx> lastTap_{};  ///< steady-clock seconds of each FX's last tap

    rt::SnapshotSlot<Graph> slot_;
    std::array<CommandQueue, kMaxProducers> queues_;
    MeterChannel meterChannel_;
    std::atomic<std::uint64_t> playPos_{0};
    std::atomic<int> latency_{0};
    std::atomic<int> hostBlock_{0};
    std::atomic<std::uint64_t> frames_{0};
    std::shared_ptr<const record::RecordPlan> recordPlan_;        // control side: keeps the plan alive
    std::atomic<const record::RecordPlan*> recording_{nullptr};    // what the audio thread uses
    std::shared_ptr<const record::PlayFeed> playFeed_;            // control side: keeps the feed alive
    std::atomic<const record::PlayFeed*> playing_{nullptr};       // what the audio thread uses
    /// Waits until no block that may have loaded a pointer swapped out just now is still in process_rt.
    void waitForAudioToLetGo() const;
    std::atomic<std::uint64_t> blocksDone_{0};                     // audio thread: bumped after every block
    std::atomic<bool> inProcess_{false};                           // audio thread: inside process_rt
    struct AppliedMark {
        std::uint32_t seq;    ///< every change up to this seq had taken effect ...
        std::uint64_t frame;  ///< ... at the block starting here
    };
    boost::lockfree::spsc_queue<AppliedMark, boost::lockfree::capacity<4096>> applied_;  // audio -> control
    std::uint32_t drained_ = 0;      ///< audio thread only: commands applied by the last block
    std::size_t firstLane_ = 0;      ///< audio thread only: the lane drained first (turns every block)
    std::uint32_t pendingMark_ = 0;  ///< audio thread only  // written by the audio thread after each block  // written by the audio thread, read when building a graph

    std::mutex meters_;  // control side only
    std::vector<MeterReader> readers_;
    std::vector<std::pair<int, std::function<void(const MeterAccum&)>>> sinks_;
    int nextSink_ = 0;
};

}  // namespace foh
