#include "core/Graph.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace foh {
namespace {
constexpr auto kChannelParamCount = static_cast<std::size_t>(ChannelParam::Count);
constexpr auto kMainParamCount = static_cast<std::size_t>(MainParam::Count);

// Sequence numbers wrap; a change is newer when it is less than half the number space ahead.
bool newer(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }
}  // namespace

Graph::Graph(const GraphConfig& config, std::span<const ParamState> params, std::shared_ptr<const LoopSource> playback,
             std::uint64_t playbackPosition)
    : config_(config),
      strips_(static_cast<std::size_t>(config.channels)),
      seqs_(static_cast<std::size_t>(config.channels) * kChannelParamCount + kMainParamCount, 0),
      scratch_(static_cast<std::size_t>(config.maxBlock) * ChannelStrip::kScratchBlocks),
      pre_(static_cast<std::size_t>(config.maxBlock) * static_cast<std::size_t>(config.channels)),
      work_(static_cast<std::size_t>(config.maxBlock) * static_cast<std::size_t>(config.channels)),
      jobs_(static_cast<std::size_t>(config.channels)),
      laneScratch_(static_cast<std::size_t>(config.maxBlock) * dsp::kLanes),
      keys_(static_cast<std::size_t>(config.maxBlock) * static_cast<std::size_t>(config.channels)),
      keyOf_(static_cast<std::size_t>(config.channels), nullptr),
      silence_(static_cast<std::size_t>(config.maxBlock), 0.0f),
      levels_(static_cast<std::size_t>(config.channels)),
      inputs_(static_cast<std::size_t>(config.channels), nullptr),
      trackOf_(static_cast<std::size_t>(config.channels), nullptr),
      spareRight_(static_cast<std::size_t>(config.maxBlock)),
      // Meter packets every 10 ms of audio: 100 Hz is above any display rate (OSC meters go up to 30 Hz).
      meterInterval_(static_cast<std::uint32_t>(std::max(1.0, config.sampleRate / 100.0))),
      playback_(std::move(playback)),
      playPos_(playback_ && playback_->length() > 0 ? playbackPosition % playback_->length() : 0) {
    active_.assign(static_cast<std::size_t>(config.channels), 0);
    controlBlocks_ = (config.maxBlock + dsp::kControlBlock - 1) / dsp::kControlBlock;
    ctlLevels_.assign(static_cast<std::size_t>(config.channels) * static_cast<std::size_t>(controlBlocks_), 0.0f);
    ctlGains_.assign(ctlLevels_.size(), 0.0f);
    for (ChannelStrip& s : strips_) s.prepare(config.sampleRate, config.maxBlock);
    if (playback_)
        for (const LoopTrack& t : playback_->tracks)
            if (t.channel >= 0 && t.channel < config.channels && t.audio.size() == playback_->length())
                trackOf_[static_cast<std::size_t>(t.channel)] = t.audio.data();
    main_.prepare(config.sampleRate);
    const std::size_t n = std::min(params.size(), seqs_.size());
    for (std::size_t i = 0; i < n; ++i) {
        setByIndex_rt(i, params[i].value, true);
        seqs_[i] = params[i].seq;
    }
    meters_.clear(static_cast<std::uint32_t>(config.channels));
}

std::size_t Graph::indexOf(ParamTarget t) const FOH_RT {
    switch (t.object) {
        case ObjectKind::Channel:
            if (t.index < strips_.size() && t.param < kChannelParamCount) return t.index * kChannelParamCount + t.param;
            break;
        case ObjectKind::Main:
            if (t.param < kMainParamCount) return strips_.size() * kChannelParamCount + t.param;
            break;
    }
    return seqs_.size();
}

void Graph::setByIndex_rt(std::size_t index, float value, bool snap) FOH_RT {
    const std::size_t channelParams = strips_.size() * kChannelParamCount;
    if (index < channelParams) {
        strips_[index / kChannelParamCount].setParam_rt(static_cast<ChannelParam>(index % kChannelParamCount), value,
                                                        snap);
    } else if (index < seqs_.size()) {
        main_.setParam_rt(static_cast<MainParam>(index - channelParams), value, snap);
    }
}

ParamState Graph::param(std::size_t index) const {
    const std::size_t channelParams = strips_.size() * kChannelParamCount;
    if (index < channelParams)
        return {strips_[index / kChannelParamCount].param(static_cast<ChannelParam>(index % kChannelParamCount)),
                seqs_[index]};
    if (index < seqs_.size()) return {main_.param(static_cast<MainParam>(index - channelParams)), seqs_[index]};
    return {0.0f, 0};
}

void Graph::apply_rt(const Command& c) FOH_RT {
    const std::size_t i = indexOf(c.target);
    if (i >= seqs_.size() || !newer(c.seq, seqs_[i])) return;
    seqs_[i] = c.seq;
    setByIndex_rt(i, c.value, false);
}

void Graph::continueFrom_rt(Graph& old) FOH_RT {
    // Values: whichever graph holds the newer change wins, per parameter.
    const std::size_t shared = std::min(strips_.size(), old.strips_.size());
    for (std::size_t ch = 0; ch < shared; ++ch) {
        for (std::size_t p = 0; p < kChannelParamCount; ++p) {
            const std::size_t mine = ch * kChannelParamCount + p;
            if (newer(old.seqs_[mine], seqs_[mine])) {
                seqs_[mine] = old.seqs_[mine];
                setByIndex_rt(mine, old.strips_[ch].param(static_cast<ChannelParam>(p)), true);
            }
        }
        strips_[ch].continueFrom_rt(old.strips_[ch]);
    }
    for (std::size_t p = 0; p < kMainParamCount; ++p) {
        const std::size_t mine = strips_.size() * kChannelParamCount + p;
        const std::size_t theirs = old.strips_.size() * kChannelParamCount + p;
        if (newer(old.seqs_[theirs], seqs_[mine])) {
            seqs_[mine] = old.seqs_[theirs];
            setByIndex_rt(mine, old.main_.param(static_cast<MainParam>(p)), true);
        }
    }
    main_.continueFrom_rt(old.main_);
    // Signal position and the meters not yet published carry over too.
    if (playback_ && playback_ == old.playback_) playPos_ = old.playPos_;
    meters_.merge(old.meters_);
    meters_.channels = static_cast<std::uint32_t>(strips_.size());
}

const float* Graph::keyTap(std::size_t c, int src) FOH_RT {
    if (src >= 1 && static_cast<std::size_t>(src) <= strips_.size()) return pre(static_cast<std::size_t>(src - 1));
    return pre(c);
}

template <typename UnitOf>
void Graph::runDynamics_rt(UnitOf unitOf, bool partnerKeys, bool withBand, int n) FOH_RT {
    const int blocks = (n + dsp::kControlBlock - 1) / dsp::kControlBlock;
    const auto stride = static_cast<std::size_t>(controlBlocks_);
    std::size_t count = 0;
    for (std::size_t c = 0; c < strips_.size(); ++c)
        if (keyOf_[c] != nullptr && unitOf(strips_[c]).active()) active_[count++] = static_cast<int>(c);
    // Detector levels, channel by channel.
    for (std::size_t i = 0; i < count; ++i) {
        const auto c = static_cast<std::size_t>(active_[i]);
        auto& unit = unitOf(strips_[c]);
        unit.beginControl();
        const float* keyB = partnerKeys && linked(c) ? keyOf_[partnerOf(c)] : nullptr;
        for (int k = 0, at = 0; k < blocks; ++k, at += dsp::kControlBlock)
            ctlLevels_[i * stride + static_cast<std::size_t>(k)] =
                unit.measure(keyOf_[c] + at, keyB != nullptr ? keyB + at : nullptr, std::min(dsp::kControlBlock, n - at));
    }
    // Control steps: for each control block, all channels' (independent) chains side by side.
    for (int k = 0, at = 0; k < blocks; ++k, at += dsp::kControlBlock) {
        const int m = std::min(dsp::kControlBlock, n - at);
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t slot = i * stride + static_cast<std::size_t>(k);
            ctlGains_[slot] = unitOf(strips_[static_cast<std::size_t>(active_[i])]).controlStep(ctlLevels_[slot], m);
        }
    }
    for (std::size_t i = 0; i < count; ++i) {
        const auto c = static_cast<std::size_t>(active_[i]);
        unitOf(strips_[c]).applyGains(work(c), withBand ? keyOf_[c] : nullptr, ctlGains_.data() + i * stride, n,
                                      scratch_.data());
    }
}

bool Graph::linked(std::size_t c) const FOH_RT {
    const std::size_t p = partnerOf(c);
    return p < strips_.size() && strips_[c].linked() && strips_[p].linked();
}

void Graph::runGates_rt(int n) FOH_RT {
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    int jobs = 0;
    for (std::size_t c = 0; c < strips_.size(); ++c) {
        dsp::Gate& g = strips_[c].gate();
        keyOf_[c] = keyTap(c, strips_[c].gateKeySource());
        if (!g.active() || !g.keyFiltered()) continue;
        std::memcpy(keyBuf(c), keyOf_[c], bytes);
        g.describeKeyFilter(jobs_[static_cast<std::size_t>(jobs++)], keyBuf(c));
        keyOf_[c] = keyBuf(c);
    }
    dsp::runCascades(jobs_.data(), jobs, n, laneScratch_.data());
    runDynamics_rt([](ChannelStrip& s) -> dsp::Gate& { return s.gate(); }, true, false, n);
}

void Graph::runCompressors_rt(int n) FOH_RT {
    // Every key is a copy taken before any compressor runs, so a linked pair's detectors both see both inputs as
    // they were, and a self-keyed compressor listens to its own input.
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    int jobs = 0;
    for (std::size_t c = 0; c < strips_.size(); ++c) {
        dsp::Compressor& k = strips_[c].comp();
        keyOf_[c] = nullptr;
        if (!k.active()) continue;
        const int src = strips_[c].compKeySource();
        std::memcpy(keyBuf(c), src == 0 ? work(c) : keyTap(c, src), bytes);
        keyOf_[c] = keyBuf(c);
        if (k.keyFiltered()) k.describeKeyFilter(jobs_[static_cast<std::size_t>(jobs++)], keyBuf(c));
    }
    dsp::runCascades(jobs_.data(), jobs, n, laneScratch_.data());
    runDynamics_rt([](ChannelStrip& s) -> dsp::Compressor& { return s.comp(); }, true, false, n);
}

void Graph::runDeEssers_rt(int n) FOH_RT {
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    int jobs = 0;
    for (std::size_t c = 0; c < strips_.size(); ++c) {
        dsp::DeEsser& d = strips_[c].deess();
        keyOf_[c] = nullptr;
        if (!d.active()) continue;
        std::memcpy(keyBuf(c), work(c), bytes);
        keyOf_[c] = keyBuf(c);
        d.describeBand(jobs_[static_cast<std::size_t>(jobs++)], keyBuf(c));
    }
    dsp::runCascades(jobs_.data(), jobs, n, laneScratch_.data());
    runDynamics_rt([](ChannelStrip& s) -> dsp::DeEsser& { return s.deess(); }, false, true, n);
}

void Graph::process_rt(const float* const* in, int numIn, float* const* out, int numOut, int n,
                       MeterChannel& meters) FOH_RT {
    const std::size_t channels = strips_.size();
    for (std::size_t c = 0; c < channels; ++c) {
        const float* p = static_cast<int>(c) < numIn ? in[c] : nullptr;
        inputs_[c] = p != nullptr ? p : silence_.data();
    }

    // The playback source replaces the inputs of its channels; a chunk never crosses the loop point.
    int done = 0;
    float* left = out[0];
    float* right = numOut > 1 ? out[1] : spareRight_.data();  // a mono host still gets a correct left side
    std::memset(left, 0, sizeof(float) * static_cast<std::size_t>(n));
    if (numOut > 1) std::memset(right, 0, sizeof(float) * static_cast<std::size_t>(n));
    while (done < n) {
        int chunk = n - done;
        const std::size_t loopLength = playback_ ? playback_->length() : 0;
        if (loopLength > 0)
            chunk = static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(chunk), loopLength - playPos_));
        // Pass 1: every channel's input stage, so any channel can key from any other. Steady high-passes run
        // together in SIMD lanes.
        int jobs = 0;
        for (std::size_t c = 0; c < channels; ++c) {
            const float* src = trackOf_[c] != nullptr          ? trackOf_[c] + playPos_
                               : inputs_[c] == silence_.data() ? silence_.data()
                                                               : inputs_[c] + done;
            strips_[c].trim_rt(src, pre(c), chunk, levels_[c]);
            if (strips_[c].highPass_rt(pre(c), scratch_.data(), chunk, jobs_[static_cast<std::size_t>(jobs)])) ++jobs;
        }
        dsp::runCascades(jobs_.data(), jobs, chunk, laneScratch_.data());

        // Pass 2, stage by stage across channels: gates, EQs, compressors, de-essers (every filter that is steady
        // runs in SIMD lanes), then delay, fader and pan. A linked pair's dynamics see both keys.
        const auto bytes = sizeof(float) * static_cast<std::size_t>(chunk);
        for (std::size_t c = 0; c < channels; ++c) std::memcpy(work(c), pre(c), bytes);
        runGates_rt(chunk);
        jobs = 0;
        for (std::size_t c = 0; c < channels; ++c)
            if (strips_[c].eq_rt(work(c), scratch_.data(), chunk, jobs_[static_cast<std::size_t>(jobs)])) ++jobs;
        dsp::runCascades(jobs_.data(), jobs, chunk, laneScratch_.data());
        runCompressors_rt(chunk);
        runDeEssers_rt(chunk);
        for (std::size_t c = 0; c < channels; ++c)
            strips_[c].back_rt(work(c), scratch_.data(), left + done, right + done, chunk, levels_[c]);
        if (loopLength > 0) playPos_ = (playPos_ + static_cast<std::uint64_t>(chunk)) % loopLength;
        done += chunk;
    }
    main_.process_rt(left, right, n, meters_.mainPeak.data(), meters_.mainSumSq.data());
    for (int o = 2; o < numOut; ++o) std::memset(out[o], 0, sizeof(float) * static_cast<std::size_t>(n));

    // Meters: fold this block's levels in, and publish a packet every meterInterval_ frames.
    for (std::size_t c = 0; c < channels; ++c) {
        ChannelLevels& l = levels_[c];
        meters_.chInputPeak[c] = std::max(meters_.chInputPeak[c], l.inputPeak);
        meters_.chPeak[c] = std::max(meters_.chPeak[c], l.peak);
        meters_.chSumSq[c] += l.sumSq;
        meters_.chGateGr[c] = std::max(meters_.chGateGr[c], l.gateGrDb);
        meters_.chCompGr[c] = std::max(meters_.chCompGr[c], l.compGrDb);
        meters_.chDeessGr[c] = std::max(meters_.chDeessGr[c], l.deessGrDb);
        meters_.chGateOpen[c] = std::max(meters_.chGateOpen[c], l.gateOpen ? 1.0f : 0.0f);
        l = {};
    }
    meters_.frames += static_cast<std::uint32_t>(n);
    if (meters_.frames >= meterInterval_) (void)meters.publish_rt(meters_);
}

}  // namespace foh
