#pragma once
// Everything the audio thread works on for one console layout: the strips, the main bus, scratch buffers, meter
// accumulators, the playback source. Built and freed on control threads (the constructor allocates), swapped in
// whole through a SnapshotSlot; process_rt() never allocates.

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/ChannelStrip.h"
#include "core/Command.h"
#include "core/LoopSource.h"
#include "core/MainBus.h"
#include "core/Meters.h"
#include "dsp/ControlRate.h"
#include "rt/Realtime.h"

namespace foh {

struct GraphConfig {
    int channels = 32;
    double sampleRate = 48000.0;
    int maxBlock = 1024;  ///< longest block processed in one go; longer host blocks are split
};

/// A parameter value with the sequence number of the change that set it.
struct ParamState {
    float value;
    std::uint32_t seq;
};

class Graph {
public:
    /// `params` holds one entry per registry parameter of a `config.channels` registry, in registry order.
    Graph(const GraphConfig& config, std::span<const ParamState> params, std::shared_ptr<const LoopSource> playback,
          std::uint64_t playbackPosition);

    [[nodiscard]] const GraphConfig& config() const { return config_; }

    /// Applies a change unless this graph already holds a newer one for that parameter.
    void apply_rt(const Command& c) FOH_RT;
    /// Called on the audio thread when this graph replaces `old`: takes any newer values and the signal state.
    void continueFrom_rt(Graph& old) FOH_RT;

    /// Renders `n` <= maxBlock frames. `in[c]` may be null (silence); `out` gets main L, R.
    void process_rt(const float* const* in, int numIn, float* const* out, int numOut, int n,
                    MeterChannel& meters) FOH_RT;

    [[nodiscard]] std::uint64_t playbackPosition() const { return playPos_; }
    /// The value the graph holds for a registry parameter (tests, and to check merges).
    [[nodiscard]] ParamState param(std::size_t index) const;

private:
    [[nodiscard]] std::size_t indexOf(ParamTarget t) const FOH_RT;
    [[nodiscard]] float* pre(std::size_t c) FOH_RT { return pre_.data() + c * static_cast<std::size_t>(config_.maxBlock); }
    /// The key a gate or compressor with key source `src` (0 = self) of channel `c` listens to, before dynamics.
    [[nodiscard]] const float* keyTap(std::size_t c, int src) FOH_RT;
    [[nodiscard]] float* work(std::size_t c) FOH_RT { return work_.data() + c * static_cast<std::size_t>(config_.maxBlock); }
    [[nodiscard]] float* keyBuf(std::size_t c) FOH_RT { return keys_.data() + c * static_cast<std::size_t>(config_.maxBlock); }
    /// Whether channel c is one half of a linked pair, and which channel is the other half.
    [[nodiscard]] bool linked(std::size_t c) const FOH_RT;
    [[nodiscard]] static std::size_t partnerOf(std::size_t c) { return c % 2 == 0 ? c + 1 : c - 1; }
    /// Runs one kind of dynamics unit on every channel where it is active, phase by phase across channels:
    /// detector levels, then the control steps of all channels side by side, then the gains.
    template <typename UnitOf>
    void runDynamics_rt(UnitOf unitOf, bool partnerKeys, bool withBand, int n) FOH_RT;
    void runGates_rt(int n) FOH_RT;
    void runCompressors_rt(int n) FOH_RT;
    void runDeEssers_rt(int n) FOH_RT;
    void setByIndex_rt(std::size_t index, float value, bool snap) FOH_RT;

    GraphConfig config_;
    std::vector<ChannelStrip> strips_;
    MainBus main_;
    std::vector<std::uint32_t> seqs_;  ///< per registry parameter
    std::vector<float> scratch_;  ///< ChannelStrip::kScratchBlocks blocks
    std::vector<float> pre_;      ///< per channel: the output of pass 1 (trim, polarity, HPF), the key taps
    std::vector<float> work_;     ///< per channel: the working copy pass 2 processes in place
    std::vector<dsp::CascadeJob> jobs_;  ///< per channel: filter cascades to run in SIMD lanes this block
    std::vector<float> laneScratch_;     ///< dsp::kLanes blocks
    std::vector<float> keys_;     ///< per channel: the current dynamics stage's key (a copy, filtered in lanes)
    std::vector<const float*> keyOf_;  ///< per channel: the key its current dynamics stage listens to
    std::vector<int> active_;          ///< channels where the current dynamics stage runs
    std::vector<float> ctlLevels_;     ///< per active channel and control block: detector levels
    std::vector<float> ctlGains_;      ///< per active channel and control block: gains
    int controlBlocks_ = 1;            ///< control blocks in maxBlock
    std::vector<float> silence_;
    std::vector<ChannelLevels> levels_;
    std::vector<const float*> inputs_;
    std::vector<const float*> trackOf_;  ///< per channel: the playback track replacing its input, or null
    std::vector<float> spareRight_;
    MeterAccum meters_{};
    std::uint32_t meterInterval_;
    std::shared_ptr<const LoopSource> playback_;
    std::uint64_t playPos_ = 0;
};

}  // namespace foh
