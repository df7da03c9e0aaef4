#pragma once
// Everything the audio thread works on for one console layout: the channel strips, aux buses, FX slots, matrices,
// the main bus, DCA / mute-group / solo state, scratch buffers, meter accumulators, the playback source. Built and
// freed on control threads (the constructor allocates), swapped in whole through a SnapshotSlot; process_rt()
// never allocates.

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/BusStrip.h"
#include "core/ChannelStrip.h"
#include "core/Command.h"
#include "core/GlideBank.h"
#include "record/RecordPlan.h"
#include "core/FxSlot.h"
#include "core/LoopSource.h"
#include "record/PlayFeed.h"
#include "core/MainBus.h"
#include "core/MatrixOut.h"
#include "core/Meters.h"
#include "core/Outputs.h"
#include "dsp/ControlRate.h"
#include "dsp/AlignDelay.h"
#include "params/ConsoleLayout.h"
#include "rt/Realtime.h"

namespace foh {

class ParamRegistry;

struct GraphConfig {
    int channels = 32;
    double sampleRate = 48000.0;
    int maxBlock = 1024;  ///< longest block processed in one go; longer host blocks are split
    int buses = kDefaultBuses;
    int fx = kDefaultFx;

    [[nodiscard]] ConsoleLayout layout() const { return {channels, buses, fx}; }
    [[nodiscard]] OutputLayout outputs() const { return {buses, channels}; }
};

/// A parameter value with the sequence number of the change that set it.
struct ParamState {
    float value;
    std::uint32_t seq;
};

class Graph {
public:
    /// `values` holds one entry per parameter of `registry` (which must be for config's layout), in its order.
    Graph(const GraphConfig& config, const ParamRegistry& registry, std::span<const ParamState> values,
          std::shared_ptr<const LoopSource> playback, std::uint64_t playbackPosition);

    [[nodiscard]] const GraphConfig& config() const { return config_; }

    /// Applies a change unless this graph already holds a newer one for that parameter.
    void apply_rt(const Command& c) FOH_RT;
    /// Called on the audio thread when this graph replaces `old`: takes any newer values and the signal state.
    void continueFrom_rt(Graph& old) FOH_RT;

    /// Renders `n` <= maxBlock frames. `in[c]` may be null (silence); `out` in OutputLayout order, `numOut` of them
    /// (outputs beyond numOut are computed but not written).
    /// `record`: the recording in progress, or null; its sink gets every block's tracks.
    void process_rt(const float* const* in, int numIn, float* const* out, int numOut, int n,
                    MeterChannel& meters, const record::RecordPlan* record = nullptr,
                    const record::PlayFeed* play = nullptr) FOH_RT;

    [[nodiscard]] std::uint64_t playbackPosition() const { return playPos_; }
    /// The value the graph holds for a parameter (tests, and to check merges).
    [[nodiscard]] ParamState param(ParamTarget target) const;
    /// Frames of latency the console adds on every path now (the main chain's lookahead and oversampling while
    /// those stages are in; every other output is delayed to match): reported to JACK.
    [[nodiscard]] int latencyFrames() const FOH_RT { return main_.latencySamples(); }
    /// How many parameters are gliding (a scene crossfade in progress).
    [[nodiscard]] std::size_t glides() const FOH_RT { return glides_.size(); }

private:
    struct Decoded {
        ObjectKind kind;
        std::size_t index, param;
    };
    [[nodiscard]] Decoded decode(std::size_t slot) const FOH_RT;
    [[nodiscard]] float valueAt(std::size_t slot) const FOH_RT;
    void setBySlot_rt(std::size_t slot, float value, bool snap) FOH_RT;
    /// Works out what depends on several objects: DCA offsets and mutes, solo state, send gains into linked bus
    /// pairs, FX return routing and FX order. Only what a change touched.
    void refreshRouting_rt(bool snap) FOH_RT;
    void refreshSends_rt(std::size_t c, bool snap) FOH_RT;
    void refreshFxReturns_rt(bool snap) FOH_RT;
    void orderFx_rt() FOH_RT;

    void renderChunk_rt(int done, int n, float* const* out, int numOut) FOH_RT;
    void runChannels_rt(int done, int n, float* const* out, int numOut) FOH_RT;
    void runFx_rt(int n) FOH_RT;
    void runBuses_rt(int n) FOH_RT;
    void runOutputs_rt(int done, int n, float* const* out, int numOut) FOH_RT;

    [[nodiscard]] float* block(std::vector<float>& v, std::size_t i) FOH_RT {
        return v.data() + i * static_cast<std::size_t>(config_.maxBlock);
    }
    [[nodiscard]] float* pre(std::size_t c) FOH_RT { return block(pre_, c); }
    [[nodiscard]] float* work(std::size_t c) FOH_RT { return block(work_, c); }
    [[nodiscard]] float* keyBuf(std::size_t c) FOH_RT { return block(keys_, c); }
    /// The key a gate or compressor with key source `src` (0 = self) of channel `c` listens to, before dynamics.
    [[nodiscard]] const float* keyTap(std::size_t c, int src) FOH_RT;
    /// Whether channel c is one half of a linked pair, and which channel is the other half.
    [[nodiscard]] bool linked(std::size_t c) const FOH_RT;
    [[nodiscard]] static std::size_t partnerOf(std::size_t c) { return c % 2 == 0 ? c + 1 : c - 1; }
    [[nodiscard]] bool busPairFirst(int b) const FOH_RT;
    /// Runs one kind of dynamics unit on every channel where it is active, phase by phase across channels:
    /// detector levels, then the control steps of eight channels at a time in SIMD lanes (their laws gathered
    /// through `laws`), then the gains.
    template <typename UnitOf, typename Law>
    void runDynamics_rt(UnitOf unitOf, std::vector<Law*>& laws, bool partnerKeys, bool withBand, int n) FOH_RT;
    void runGates_rt(int n) FOH_RT;
    void runCompressors_rt(int n) FOH_RT;
    void runDeEssers_rt(int n) FOH_RT;

    GraphConfig config_;
    DenseSlots slots_;
    std::vector<std::uint32_t> seqs_;  ///< per dense slot
    GlideBank glides_;                 ///< scene crossfades in progress
    /// Recording: one block per possible track (channels, main L/R, buses), and the plan of this block.
    std::vector<float> recordBuf_;
    std::vector<const float*> recordPtr_;
    const record::RecordPlan* record_ = nullptr;
    [[nodiscard]] float* recordTrack(std::size_t c) FOH_RT {
        if (record_ == nullptr || c >= record_->channelTrack.size() || record_->channelTrack[c] < 0) return nullptr;
        return block(recordBuf_, static_cast<std::size_t>(record_->channelTrack[c]));
    }
    void recordOutputs_rt(int done, int n, float* const* out, int numOut) FOH_RT;
    /// Playback (virtual soundcheck, render): one block per channel for its played track, where tracks of
    /// channels this layout lacks go (discarded), and the feed of this block.
    std::vector<float> playBuf_, playDiscard_;
    std::vector<float*> playDest_;
    const record::PlayFeed* play_ = nullptr;
    /// The played block of channel c this chunk (silence when the feed has no track for it).
    [[nodiscard]] const float* played(std::size_t c) FOH_RT {
        if (play_ == nullptr || c >= play_->channelTrack.size() || play_->channelTrack[c] < 0) return silence_.data();
        return block(playBuf_, c);
    }
    void readPlayFeed_rt(int n) FOH_RT;
    std::vector<ChannelStrip> strips_;
    std::vector<BusStrip> buses_;
    std::vector<FxSlot> fx_;
    std::vector<MatrixOut> matrices_;
    MainBus main_;
    std::array<std::array<float, static_cast<std::size_t>(DcaParam::Count)>, kDcas> dca_{};
    std::array<float, kMuteGroups> mgrpMute_{};
    std::array<float, static_cast<std::size_t>(SoloParam::Count)> solo_{};
    dsp::LinearRamp soloLevel_;  ///< solo bus level
    dsp::LinearRamp soloMix_;    ///< 0: the solo bus plays main (nothing soloed), 1: the soloed signals
    bool soloActive_ = false;
    std::array<int, kMaxFx> fxOrder_{};

    bool groupsDirty_ = true;     ///< DCA, mute group or solo state changed
    bool allSendsDirty_ = true;   ///< a bus link changed: every channel's send gains
    bool fxReturnsDirty_ = true;
    std::vector<std::uint8_t> sendsDirty_;  ///< per channel
    std::vector<unsigned> liveTaps_;        ///< per channel, this block: ChannelSends::liveTaps

    std::vector<float> scratch_;  ///< ChannelStrip::kScratchBlocks blocks
    std::vector<float> pre_;      ///< per channel: the output of pass 1 (trim, polarity, HPF), the key taps
    std::vector<float> work_;     ///< per channel: the working copy pass 2 processes in place
    std::vector<dsp::CascadeJob> jobs_;  ///< per channel: filter cascades to run in SIMD lanes this block
    std::vector<float> laneScratch_;     ///< dsp::kLanes blocks
    std::vector<float> keys_;     ///< per channel: the current dynamics stage's filtered key (or de-esser band)
    std::vector<const float*> keyOf_;  ///< per channel: the key its current dynamics stage listens to
    std::vector<int> active_;          ///< channels where the current dynamics stage runs
    std::vector<float> ctlLevels_;     ///< per active channel and control block: detector levels
    std::vector<float> ctlGains_;      ///< per active channel and control block: gains
    int controlBlocks_ = 1;            ///< control blocks in maxBlock
    std::vector<dsp::GateLaw<float>*> gateLaws_;         ///< per active channel: its gate's control law
    std::vector<dsp::CompressorLaw<float>*> compLaws_;   ///< per active channel: its compressor's
    std::vector<dsp::DeEsserLaw<float>*> deessLaws_;     ///< per active channel: its de-esser's
    std::vector<float> tap_;           ///< one block: a tap's signal x mute
    std::vector<float> busBuf_, busKey_;      ///< per bus: the sum, processed in place; a linked pair's keys
    std::vector<float*> busPtr_;
    std::vector<float> fxIn_, fxL_, fxR_;     ///< per FX: input sum, return L/R
    std::vector<float*> fxInPtr_;
    std::vector<float> mtxBuf_;               ///< per matrix
    std::vector<float> mainL_, mainR_, monoSum_, mono_, soloL_, soloR_;
    std::vector<dsp::AlignDelay> busAlign_, directAlign_;  ///< the other outputs, delayed by the main chain's latency
    dsp::AlignDelay soloAlign_[2];
    int alignedTo_ = 0;  ///< the latency the alignment delays were last set to
    std::vector<float> silence_;
    std::vector<ChannelLevels> levels_;
    std::vector<const float*> inputs_;
    std::vector<const float*> trackOf_;  ///< per channel: the playback track replacing its input, or null
    MeterAccum meters_{};
    std::uint32_t meterInterval_;
    std::shared_ptr<const LoopSource> playback_;
    std::uint64_t playPos_ = 0;
};

}  // namespace foh
