#include "core/Graph.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/BlockStats.h"
#include "dsp/ControlLanes.h"
#include "dsp/Decibels.h"
#include "dsp/PanLaw.h"
#include "params/ParamRegistry.h"

namespace foh {
namespace {

void addInto(const float* x, float* dst, int n) FOH_RT {
    for (int i = 0; i < n; ++i) dst[i] += x[i];
}
void meterInto(const float* x, int n, float& peak, float& sumSq) FOH_RT {
    peak = std::max(peak, dsp::peakAbs(x, n));
    sumSq += dsp::sumSquares(x, n);
}
float gainOf(bool on, float db) FOH_RT { return on ? dsp::dbToGain(db) : 0.0f; }
}  // namespace

Graph::Graph(const GraphConfig& config, const ParamRegistry& registry, std::span<const ParamState> values,
             std::shared_ptr<const LoopSource> playback, std::uint64_t playbackPosition)
    : config_(config),
      slots_(config.layout()),
      seqs_(slots_.size(), 0),
      strips_(static_cast<std::size_t>(config.channels)),
      buses_(static_cast<std::size_t>(config.buses)),
      fx_(static_cast<std::size_t>(config.fx)),
      matrices_(static_cast<std::size_t>(kMatrices)),
      sendsDirty_(static_cast<std::size_t>(config.channels), 1),
      liveTaps_(static_cast<std::size_t>(config.channels), 0),
      scratch_(static_cast<std::size_t>(config.maxBlock) * ChannelStrip::kScratchBlocks),
      pre_(static_cast<std::size_t>(config.maxBlock) * static_cast<std::size_t>(config.channels)),
      work_(pre_.size()),
      jobs_(static_cast<std::size_t>(config.channels)),
      laneScratch_(static_cast<std::size_t>(config.maxBlock) * dsp::kLanes),
      keys_(pre_.size()),
      keyOf_(static_cast<std::size_t>(config.channels), nullptr),
      tap_(static_cast<std::size_t>(config.maxBlock)),
      busBuf_(static_cast<std::size_t>(config.maxBlock) * static_cast<std::size_t>(config.buses)),
      busKey_(busBuf_.size()),
      busPtr_(static_cast<std::size_t>(config.buses)),
      fxIn_(static_cast<std::size_t>(config.maxBlock) * static_cast<std::size_t>(config.fx)),
      fxL_(fxIn_.size()),
      fxR_(fxIn_.size()),
      fxInPtr_(static_cast<std::size_t>(config.fx)),
      mtxBuf_(static_cast<std::size_t>(config.maxBlock) * kMatrices),
      mainL_(static_cast<std::size_t>(config.maxBlock)),
      mainR_(mainL_.size()),
      monoSum_(mainL_.size()),
      mono_(mainL_.size()),
      soloL_(mainL_.size()),
      soloR_(mainL_.size()),
      silence_(static_cast<std::size_t>(config.maxBlock), 0.0f),
      levels_(static_cast<std::size_t>(config.channels)),
      inputs_(static_cast<std::size_t>(config.channels), nullptr),
      trackOf_(static_cast<std::size_t>(config.channels), nullptr),
      // Meter packets every 10 ms of audio: 100 Hz is above any display rate (OSC meters go up to 30 Hz).
      meterInterval_(static_cast<std::uint32_t>(std::max(1.0, config.sampleRate / 100.0))),
      playback_(std::move(playback)),
      playPos_(playback_ && playback_->length() > 0 ? playbackPosition % playback_->length() : 0) {
    active_.assign(static_cast<std::size_t>(config.channels), 0);
    glides_.prepare(slots_.size());
    const std::size_t maxTracks = static_cast<std::size_t>(config.channels) + 2 + static_cast<std::size_t>(config.buses);
    recordBuf_.assign(maxTracks * static_cast<std::size_t>(config.maxBlock), 0.0f);
    recordPtr_.assign(maxTracks, nullptr);
    playBuf_.assign(static_cast<std::size_t>(config.channels) * static_cast<std::size_t>(config.maxBlock), 0.0f);
    playDiscard_.assign(static_cast<std::size_t>(config.maxBlock), 0.0f);
    playDest_.assign(static_cast<std::size_t>(ParamRegistry::kMaxChannels), nullptr);
    controlBlocks_ = (config.maxBlock + dsp::kControlBlock - 1) / dsp::kControlBlock;
    ctlLevels_.assign(static_cast<std::size_t>(config.channels) * static_cast<std::size_t>(controlBlocks_), 0.0f);
    ctlGains_.assign(ctlLevels_.size(), 0.0f);
    gateLaws_.assign(static_cast<std::size_t>(config.channels), nullptr);
    compLaws_.assign(gateLaws_.size(), nullptr);
    deessLaws_.assign(gateLaws_.size(), nullptr);
    for (ChannelStrip& s : strips_) s.prepare(config.sampleRate, config.maxBlock);
    for (BusStrip& b : buses_) b.prepare(config.sampleRate, config.maxBlock);
    for (FxSlot& f : fx_) f.prepare(config.sampleRate, config.maxBlock);
    for (MatrixOut& m : matrices_) m.prepare(config.sampleRate, config.maxBlock);
    for (std::size_t b = 0; b < busPtr_.size(); ++b) busPtr_[b] = block(busBuf_, b);
    for (std::size_t k = 0; k < fxInPtr_.size(); ++k) fxInPtr_[k] = block(fxIn_, k);
    if (playback_)
        for (const LoopTrack& t : playback_->tracks)
            if (t.channel >= 0 && t.channel < config.channels && t.audio.size() == playback_->length())
                trackOf_[static_cast<std::size_t>(t.channel)] = t.audio.data();
    main_.prepare(config.sampleRate, config.maxBlock);
    // Every output leaves as late as main does (its chain looks ahead), so all of them stay sample-aligned.
    const int most = main_.maxLatencySamples();
    busAlign_.resize(buses_.size());
    for (dsp::AlignDelay& d : busAlign_) d.prepare(config.sampleRate, most, config.maxBlock);
    directAlign_.resize(strips_.size());
    for (dsp::AlignDelay& d : directAlign_) d.prepare(config.sampleRate, most, config.maxBlock);
    for (dsp::AlignDelay& d : soloAlign_) d.prepare(config.sampleRate, most, config.maxBlock);
    // Defaults for the objects whose values live here, then every registry value.
    for (auto& d : dca_)
        for (std::size_t p = 0; p < d.size(); ++p) d[p] = kDcaParams[p].def;
    for (std::size_t p = 0; p < solo_.size(); ++p) solo_[p] = kSoloParams[p].def;
    const std::size_t n = std::min(values.size(), registry.size());
    for (ParamId id = 0; id < n; ++id) {
        const ParamTarget t = registry.info(id).target;
        const std::size_t slot = slots_.of(t.object, t.index, t.param);
        if (slot >= seqs_.size()) continue;
        setBySlot_rt(slot, values[id].value, true);
        seqs_[slot] = values[id].seq;
    }
    for (FxSlot& f : fx_) f.settle();
    alignedTo_ = main_.latencySamples();
    for (dsp::AlignDelay& d : busAlign_) d.setDelay(alignedTo_);
    for (dsp::AlignDelay& d : directAlign_) d.setDelay(alignedTo_);
    for (dsp::AlignDelay& d : soloAlign_) d.setDelay(alignedTo_);
    soloLevel_.snapTo(dsp::dbToGain(solo_[static_cast<std::size_t>(SoloParam::Level)]));
    refreshRouting_rt(true);
    soloMix_.snapTo(soloActive_ ? 1.0f : 0.0f);
    meters_.clear(static_cast<std::uint32_t>(config.channels));
}

Graph::Decoded Graph::decode(std::size_t slot) const FOH_RT {
    for (int k = kObjectKinds - 1; k >= 0; --k) {
        const auto kind = static_cast<ObjectKind>(k);
        const std::size_t base = slots_.base(kind);
        if (slot >= base) {
            const std::size_t params = paramTable(kind).size();
            return {kind, (slot - base) / params, (slot - base) % params};
        }
    }
    return {ObjectKind::Channel, 0, 0};
}

float Graph::valueAt(std::size_t slot) const FOH_RT {
    const Decoded d = decode(slot);
    switch (d.kind) {
        case ObjectKind::Channel: return strips_[d.index].param(static_cast<ChannelParam>(d.param));
        case ObjectKind::Main: return main_.param(static_cast<MainParam>(d.param));
        case ObjectKind::Bus: return buses_[d.index].param(static_cast<BusParam>(d.param));
        case ObjectKind::Fx: return fx_[d.index].param(static_cast<FxParam>(d.param));
        case ObjectKind::Matrix: return matrices_[d.index].param(static_cast<MatrixParam>(d.param));
        case ObjectKind::Dca: return dca_[d.index][d.param];
        case ObjectKind::MuteGroup: return mgrpMute_[d.index];
        case ObjectKind::Solo: return solo_[d.param];
    }
    return 0.0f;
}

void Graph::setBySlot_rt(std::size_t slot, float value, bool snap) FOH_RT {
    if (slot >= seqs_.size()) return;
    const Decoded d = decode(slot);
    switch (d.kind) {
        case ObjectKind::Channel: {
            const auto p = static_cast<ChannelParam>(d.param);
            strips_[d.index].setParam_rt(p, value, snap);
            if (p >= ChannelParam::SendFirst && p < ChannelParam::DcaFirst) sendsDirty_[d.index] = 1;
            if (p >= ChannelParam::DcaFirst || p == ChannelParam::Solo || p == ChannelParam::DeessListen ||
                p == ChannelParam::DeessOn || p == ChannelParam::MainOn)
                groupsDirty_ = true;
            break;
        }
        case ObjectKind::Main: main_.setParam_rt(static_cast<MainParam>(d.param), value, snap); break;
        case ObjectKind::Bus: {
            const auto p = static_cast<BusParam>(d.param);
            buses_[d.index].setParam_rt(p, value, snap);
            if (p == BusParam::Link) allSendsDirty_ = fxReturnsDirty_ = true;
            if (p == BusParam::Solo) groupsDirty_ = true;
            break;
        }
        case ObjectKind::Fx: {
            const auto p = static_cast<FxParam>(d.param);
            fx_[d.index].setParam_rt(p, value, snap);
            if (p >= FxParam::SendFirst) fxReturnsDirty_ = true;
            if (p == FxParam::Solo) groupsDirty_ = true;
            break;
        }
        case ObjectKind::Matrix: matrices_[d.index].setParam_rt(static_cast<MatrixParam>(d.param), value, snap); break;
        case ObjectKind::Dca:
            dca_[d.index][d.param] = value;
            groupsDirty_ = true;
            break;
        case ObjectKind::MuteGroup:
            mgrpMute_[d.index] = value;
            groupsDirty_ = true;
            break;
        case ObjectKind::Solo:
            solo_[d.param] = value;
            if (static_cast<SoloParam>(d.param) == SoloParam::Level) {
                const float g = dsp::dbToGain(value);
                snap ? soloLevel_.snapTo(g) : soloLevel_.rampTo(g, strips_.front().gainRampSamples());
            }
            groupsDirty_ = true;
            break;
    }
}

ParamState Graph::param(ParamTarget t) const {
    const std::size_t slot = slots_.of(t.object, t.index, t.param);
    if (slot >= seqs_.size()) return {0.0f, 0};
    return {valueAt(slot), seqs_[slot]};
}

void Graph::apply_rt(const Command& c) FOH_RT {
    const std::size_t i = slots_.of(c.target.object, c.target.index, c.target.param);
    if (i >= seqs_.size() || !newer(c.seq, seqs_[i])) return;
    seqs_[i] = c.seq;
    const ParamSpec& spec = paramTable(c.target.object)[c.target.param];
    if (c.fadeMs > 0 && spec.curve != Curve::Toggle && spec.curve != Curve::Choice) {
        const auto samples = static_cast<std::uint32_t>(static_cast<double>(c.fadeMs) * config_.sampleRate / 1000.0);
        if (samples > 0) {
            glides_.start_rt(i, spec, valueAt(i), c.value, samples);
            return;
        }
    }
    glides_.cancel_rt(i);
    setBySlot_rt(i, c.value, false);
}

void Graph::continueFrom_rt(Graph& old) FOH_RT {
    // Values: whichever graph holds the newer change wins, per parameter (matched by object and parameter, so a
    // graph with another layout merges what both have).
    for (int k = 0; k < kObjectKinds; ++k) {
        const auto kind = static_cast<ObjectKind>(k);
        const std::size_t params = paramTable(kind).size();
        const int objects = std::min(config_.layout().count(kind), old.config_.layout().count(kind));
        for (std::size_t i = 0; i < static_cast<std::size_t>(objects); ++i) {
            for (std::size_t p = 0; p < params; ++p) {
                const std::size_t mine = slots_.of(kind, i, p), theirs = old.slots_.of(kind, i, p);
                if (newer(old.seqs_[theirs], seqs_[mine])) {
                    seqs_[mine] = old.seqs_[theirs];
                    setBySlot_rt(mine, old.valueAt(theirs), true);
                }
            }
        }
    }
    // Glides in progress go on from where they are, unless this graph holds a newer change of that parameter.
    if (config_.layout() == old.config_.layout())
        glides_.takeOver_rt(old.glides_, [&](std::size_t slot) {
            if (seqs_[slot] != old.seqs_[slot]) return false;
            setBySlot_rt(slot, old.valueAt(slot), true);
            return true;
        });
    const std::size_t shared = std::min(strips_.size(), old.strips_.size());
    for (std::size_t ch = 0; ch < shared; ++ch) strips_[ch].continueFrom_rt(old.strips_[ch]);
    for (std::size_t b = 0; b < std::min(buses_.size(), old.buses_.size()); ++b) buses_[b].continueFrom_rt(old.buses_[b]);
    for (std::size_t k = 0; k < std::min(fx_.size(), old.fx_.size()); ++k) fx_[k].continueFrom_rt(old.fx_[k]);
    for (std::size_t m = 0; m < matrices_.size(); ++m) matrices_[m].continueFrom_rt(old.matrices_[m]);
    main_.continueFrom_rt(old.main_);
    for (std::size_t b = 0; b < std::min(busAlign_.size(), old.busAlign_.size()); ++b) busAlign_[b].takeOver(old.busAlign_[b]);
    for (std::size_t c = 0; c < std::min(directAlign_.size(), old.directAlign_.size()); ++c)
        directAlign_[c].takeOver(old.directAlign_[c]);
    for (int s = 0; s < 2; ++s) soloAlign_[s].takeOver(old.soloAlign_[s]);
    alignedTo_ = -1;  // set again at the next block
    refreshRouting_rt(false);
    soloLevel_.continueFrom(old.soloLevel_, strips_.front().gainRampSamples());
    soloMix_.continueFrom(old.soloMix_, strips_.front().gainRampSamples());
    // Signal position and the meters not yet published carry over too.
    if (playback_ && playback_ == old.playback_) playPos_ = old.playPos_;
    meters_.merge(old.meters_);
    meters_.channels = static_cast<std::uint32_t>(strips_.size());
}

bool Graph::busPairFirst(int b) const FOH_RT {
    // Buses 1-2, 3-4, ... (0-based even b) link into a stereo pair when both halves say so.
    const auto i = static_cast<std::size_t>(b);
    return b % 2 == 0 && i + 1 < buses_.size() && buses_[i].linked() && buses_[i + 1].linked();
}

void Graph::refreshSends_rt(std::size_t c, bool snap) FOH_RT {
    ChannelStrip& s = strips_[c];
    const int ramp = s.gainRampSamples();
    const auto sendOf = [&](int b, SendField f) { return s.param(sendParam(b, f)); };
    for (int b = 0; b < config_.buses; ++b) {
        const auto tap = static_cast<Tap>(static_cast<int>(sendOf(b, SendField::Tap)));
        const float g = gainOf(sendOf(b, SendField::On) >= 0.5f, sendOf(b, SendField::Level));
        if (busPairFirst(b)) {
            // One stereo send into the pair: the odd bus's level, on, tap, and its pan (the channel's pan law).
            const dsp::PanGains pan = dsp::constantPowerPan(sendOf(b, SendField::Pan));
            s.sends().setBus_rt(b, g * pan.left, tap, ramp, snap);
            s.sends().setBus_rt(b + 1, g * pan.right, tap, ramp, snap);
            ++b;
            continue;
        }
        s.sends().setBus_rt(b, g, tap, ramp, snap);
    }
    for (int k = 0; k < config_.fx; ++k) {
        const auto tap = static_cast<Tap>(static_cast<int>(s.param(fxSendParam(k, SendField::Tap))));
        const float g = gainOf(s.param(fxSendParam(k, SendField::On)) >= 0.5f, s.param(fxSendParam(k, SendField::Level)));
        s.sends().setFx_rt(k, g, tap, ramp, snap);
    }
}

void Graph::refreshFxReturns_rt(bool snap) FOH_RT {
    for (FxSlot& f : fx_) {
        for (int b = 0; b < config_.buses; ++b) {
            const float g = gainOf(f.param(fxReturnSendParam(b, 0)) >= 0.5f, f.param(fxReturnSendParam(b, 1)));
            if (busPairFirst(b)) {
                f.setBusGains_rt(b, g, 0.0f, snap);  // a stereo bus pair takes the return in stereo
                f.setBusGains_rt(b + 1, 0.0f, g, snap);
                ++b;
                continue;
            }
            f.setBusGains_rt(b, 0.5f * g, 0.5f * g, snap);  // a mono bus takes (L + R) / 2
        }
    }
    for (int b = 0; b < config_.buses; ++b) {
        const bool first = busPairFirst(b), second = b % 2 == 1 && busPairFirst(b - 1);
        buses_[static_cast<std::size_t>(b)].setPairSide_rt(first ? 0 : second ? 1 : -1, snap);
    }
    orderFx_rt();
}

void Graph::orderFx_rt() FOH_RT {
    // FX returns may feed other FX; run them so that every FX runs after all that feed it (the control side
    // refuses loops; should one arrive anyway, the rest run in slot order and its feed arrives a block late).
    const int n = config_.fx;
    std::array<int, kMaxFx> indegree{};
    for (int k = 0; k < n; ++k)
        for (int j = 0; j < n; ++j)
            if (j != k && fx_[static_cast<std::size_t>(k)].feedsFx(j)) ++indegree[static_cast<std::size_t>(j)];
    std::array<bool, kMaxFx> done{};
    int count = 0;
    while (count < n) {
        int pick = -1;
        for (int k = 0; k < n && pick < 0; ++k)
            if (!done[static_cast<std::size_t>(k)] && indegree[static_cast<std::size_t>(k)] == 0) pick = k;
        if (pick < 0)
            for (int k = 0; k < n && pick < 0; ++k)
                if (!done[static_cast<std::size_t>(k)]) pick = k;
        done[static_cast<std::size_t>(pick)] = true;
        fxOrder_[static_cast<std::size_t>(count++)] = pick;
        for (int j = 0; j < n; ++j)
            if (j != pick && fx_[static_cast<std::size_t>(pick)].feedsFx(j)) --indegree[static_cast<std::size_t>(j)];
    }
}

void Graph::refreshRouting_rt(bool snap) FOH_RT {
    if (allSendsDirty_) {
        std::fill(sendsDirty_.begin(), sendsDirty_.end(), 1);
        allSendsDirty_ = false;
    }
    for (std::size_t c = 0; c < strips_.size(); ++c) {
        if (!sendsDirty_[c]) continue;
        sendsDirty_[c] = 0;
        refreshSends_rt(c, snap);
    }
    if (fxReturnsDirty_) {
        fxReturnsDirty_ = false;
        refreshFxReturns_rt(snap);
    }
    orderFx_rt();  // every block: a feed fading out still orders the FX until it is silent (8 x 8, cheap)
    if (!groupsDirty_) return;
    groupsDirty_ = false;
    // Real solos take the rest out of main with solo in place; de-esser listen only claims the solo bus.
    bool active = false, listening = false;
    for (const ChannelStrip& s : strips_) active = active || s.soloed(), listening = listening || s.deessListen();
    for (const BusStrip& b : buses_) active = active || b.soloed();
    for (const FxSlot& f : fx_) active = active || f.soloed();
    soloActive_ = active || listening;
    const float target = soloActive_ ? 1.0f : 0.0f;
    snap ? soloMix_.snapTo(target) : soloMix_.rampTo(target, strips_.front().gainRampSamples() / 2);
    const bool inPlace = solo_[static_cast<std::size_t>(SoloParam::InPlace)] >= 0.5f;
    for (ChannelStrip& s : strips_) {
        float offset = 0.0f;
        bool muted = false;
        for (int d = 0; d < kDcas; ++d) {
            if (s.param(dcaMemberParam(d)) < 0.5f) continue;
            offset += dca_[static_cast<std::size_t>(d)][static_cast<std::size_t>(DcaParam::Fader)];
            muted = muted || dca_[static_cast<std::size_t>(d)][static_cast<std::size_t>(DcaParam::Mute)] >= 0.5f;
        }
        for (int g = 0; g < kMuteGroups; ++g)
            muted = muted || (s.param(mgrpMemberParam(g)) >= 0.5f && mgrpMute_[static_cast<std::size_t>(g)] >= 0.5f);
        s.setGroupState_rt(offset, muted, inPlace && active && !s.soloed(), snap);
    }
}

const float* Graph::keyTap(std::size_t c, int src) FOH_RT {
    if (src >= 1 && static_cast<std::size_t>(src) <= strips_.size()) return pre(static_cast<std::size_t>(src - 1));
    return pre(c);
}

template <typename UnitOf, typename Law>
void Graph::runDynamics_rt(UnitOf unitOf, std::vector<Law*>& laws, bool partnerKeys, bool withBand, int n) FOH_RT {
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
        laws[i] = &unit.law();
        const float* keyB = partnerKeys && linked(c) ? keyOf_[partnerOf(c)] : nullptr;
        for (int k = 0, at = 0; k < blocks; ++k, at += dsp::kControlBlock)
            ctlLevels_[i * stride + static_cast<std::size_t>(k)] =
                unit.measure(keyOf_[c] + at, keyB != nullptr ? keyB + at : nullptr, std::min(dsp::kControlBlock, n - at));
    }
    // Control steps: every control block of eight channels at a time, in SIMD lanes.
    dsp::runControlSteps(laws.data(), static_cast<int>(count), ctlLevels_.data(), ctlGains_.data(), stride, n);
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

// Keys need no copies: every detector measures before any unit of its stage changes a sample (the phases of
// runDynamics_rt), so a self key, a linked partner's input and another channel's key tap are read where they lie;
// a key filter reads its key and writes the filtered key to the channel's key buffer.
void Graph::runGates_rt(int n) FOH_RT {
    int jobs = 0;
    for (std::size_t c = 0; c < strips_.size(); ++c) {
        dsp::Gate& g = strips_[c].gate();
        keyOf_[c] = keyTap(c, strips_[c].gateKeySource());
        if (!g.active() || !g.keyFiltered()) continue;
        g.describeKeyFilter(jobs_[static_cast<std::size_t>(jobs++)], keyOf_[c], keyBuf(c));
        keyOf_[c] = keyBuf(c);
    }
    dsp::runCascades(jobs_.data(), jobs, n, laneScratch_.data());
    runDynamics_rt([](ChannelStrip& s) -> dsp::Gate& { return s.gate(); }, gateLaws_, true, false, n);
}

void Graph::runCompressors_rt(int n) FOH_RT {
    int jobs = 0;
    for (std::size_t c = 0; c < strips_.size(); ++c) {
        dsp::Compressor& k = strips_[c].comp();
        keyOf_[c] = nullptr;
        if (!k.active()) continue;
        const int src = strips_[c].compKeySource();
        keyOf_[c] = src == 0 ? work(c) : keyTap(c, src);
        if (!k.keyFiltered()) continue;
        k.describeKeyFilter(jobs_[static_cast<std::size_t>(jobs++)], keyOf_[c], keyBuf(c));
        keyOf_[c] = keyBuf(c);
    }
    dsp::runCascades(jobs_.data(), jobs, n, laneScratch_.data());
    runDynamics_rt([](ChannelStrip& s) -> dsp::Compressor& { return s.comp(); }, compLaws_, true, false, n);
}

void Graph::runDeEssers_rt(int n) FOH_RT {
    int jobs = 0;
    for (std::size_t c = 0; c < strips_.size(); ++c) {
        dsp::DeEsser& d = strips_[c].deess();
        keyOf_[c] = nullptr;
        if (!d.active()) continue;
        d.describeBand(jobs_[static_cast<std::size_t>(jobs++)], work(c), keyBuf(c));
        keyOf_[c] = keyBuf(c);
    }
    dsp::runCascades(jobs_.data(), jobs, n, laneScratch_.data());
    runDynamics_rt([](ChannelStrip& s) -> dsp::DeEsser& { return s.deess(); }, deessLaws_, false, true, n);
}

void Graph::runChannels_rt(int done, int n, float* const* out, int numOut) FOH_RT {
    const std::size_t channels = strips_.size();
    const OutputLayout outs = config_.outputs();
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    const bool pfl = solo_[static_cast<std::size_t>(SoloParam::Mode)] < 0.5f;
    float* const* fxIn = fxInPtr_.data();
    float* const* bus = busPtr_.data();
    const auto directOut = [&](std::size_t c, DirectTap tap) -> float* {
        const int o = outs.directOut(static_cast<int>(c));
        if (o >= numOut || static_cast<int>(strips_[c].param(ChannelParam::DirectTap)) != static_cast<int>(tap))
            return nullptr;
        return out[o] + done;
    };

    // Pass 1: every channel's input stage, so any channel can key from any other. Steady high-passes run
    // together in SIMD lanes. A post-trim direct out is taken before the high-pass.
    int jobs = 0;
    for (std::size_t c = 0; c < channels; ++c) {
        const float* src = trackOf_[c] != nullptr          ? trackOf_[c] + playPos_
                           : inputs_[c] == silence_.data() ? silence_.data()
                                                           : inputs_[c] + done;
        strips_[c].input_rt(src, played(c), pre(c), n, levels_[c]);
        const auto tapOf = [&](std::size_t ch) { return static_cast<int>(strips_[ch].param(ChannelParam::DirectTap)); };
        if (float* r = recordTrack(c); r != nullptr && tapOf(c) == static_cast<int>(DirectTap::PostTrim))
            std::memcpy(r, pre(c), bytes);
        if (float* d = directOut(c, DirectTap::PostTrim)) {
            std::memcpy(d, pre(c), bytes);
            directAlign_[c].process(d, n);
        }
        if (strips_[c].highPass_rt(pre(c), scratch_.data(), n, jobs_[static_cast<std::size_t>(jobs)])) ++jobs;
    }
    dsp::runCascades(jobs_.data(), jobs, n, laneScratch_.data());

    // Pass 2, stage by stage across channels: gates, [pre-EQ sends], EQs, compressors, de-essers (every filter
    // that is steady runs in SIMD lanes), then delay, pre-fader sends and PFL, fader, post-fader sends, pan.
    for (std::size_t c = 0; c < channels; ++c) std::memcpy(work(c), pre(c), bytes);
    runGates_rt(n);
    for (std::size_t c = 0; c < channels; ++c) {
        ChannelStrip& s = strips_[c];
        liveTaps_[c] = s.sends().liveTaps(config_.buses, config_.fx);
        if (!ChannelSends::has(liveTaps_[c], Tap::PreEq)) continue;
        s.muteOnly_rt(work(c), tap_.data(), n);
        s.sends().mix_rt(tap_.data(), Tap::PreEq, bus, config_.buses, fxIn, config_.fx, n);
    }
    jobs = 0;
    for (std::size_t c = 0; c < channels; ++c)
        if (strips_[c].eq_rt(work(c), scratch_.data(), n, jobs_[static_cast<std::size_t>(jobs)])) ++jobs;
    dsp::runCascades(jobs_.data(), jobs, n, laneScratch_.data());
    runCompressors_rt(n);
    runDeEssers_rt(n);
    for (std::size_t c = 0; c < channels; ++c) {
        // De-esser listen: the detector band goes to the solo bus; the channel itself is untouched.
        if (keyOf_[c] != nullptr && strips_[c].deessListen()) {
            addInto(keyOf_[c], soloL_.data(), n);
            addInto(keyOf_[c], soloR_.data(), n);
        }
    }
    for (std::size_t c = 0; c < channels; ++c) {
        ChannelStrip& s = strips_[c];
        float* x = work(c);
        s.delay_rt(x, scratch_.data(), n, levels_[c]);
        if (s.soloed() && pfl) {
            addInto(x, soloL_.data(), n);
            addInto(x, soloR_.data(), n);
        }
        const int tap = static_cast<int>(s.param(ChannelParam::DirectTap));
        if (float* r = recordTrack(c); r != nullptr && tap == static_cast<int>(DirectTap::PreFader)) s.muteOnly_rt(x, r, n);
        if (float* d = directOut(c, DirectTap::PreFader)) {
            s.muteOnly_rt(x, d, n);
            directAlign_[c].process(d, n);
        }
        if (ChannelSends::has(liveTaps_[c], Tap::PreFader)) {
            s.muteOnly_rt(x, tap_.data(), n);
            s.sends().mix_rt(tap_.data(), Tap::PreFader, bus, config_.buses, fxIn, config_.fx, n);
        }
        float* d = directOut(c, DirectTap::PostFader);
        float* r = tap == static_cast<int>(DirectTap::PostFader) ? recordTrack(c) : nullptr;
        if (s.silentOut()) {
            s.skipOut_rt();  // (the mute fade moves on with every other channel's, below)
            if (r != nullptr) std::memset(r, 0, bytes);
            if (d != nullptr) {
                std::memset(d, 0, bytes);
                directAlign_[c].process(d, n);
            }
            continue;
        }
        s.fader_rt(x, n, levels_[c]);
        if (ChannelSends::has(liveTaps_[c], Tap::PostFader))
            s.sends().mix_rt(x, Tap::PostFader, bus, config_.buses, fxIn, config_.fx, n);
        const bool afl = s.soloed() && !pfl;
        if (r != nullptr) std::memcpy(r, x, bytes);  // post-fader, pre-pan (like the direct out)
        s.pan_rt(x, mainL_.data(), mainR_.data(), afl ? soloL_.data() : nullptr, afl ? soloR_.data() : nullptr, n);
        if (d != nullptr) {
            std::memcpy(d, x, bytes);
            directAlign_[c].process(d, n);
        }
    }
    for (ChannelStrip& s : strips_) s.endBlock_rt(n);
}

void Graph::runFx_rt(int n) FOH_RT {
    const bool pfl = solo_[static_cast<std::size_t>(SoloParam::Mode)] < 0.5f;
    for (int i = 0; i < config_.fx; ++i) {
        const int k = fxOrder_[static_cast<std::size_t>(i)];
        const auto ku = static_cast<std::size_t>(k);
        FxSlot& f = fx_[ku];
        float* l = block(fxL_, ku);
        float* r = block(fxR_, ku);
        if (f.soloed() && pfl) {  // PFL of an FX: its input, the FX bus
            addInto(block(fxIn_, ku), soloL_.data(), n);
            addInto(block(fxIn_, ku), soloR_.data(), n);
        }
        f.process_rt(block(fxIn_, ku), l, r, scratch_.data(), n);
        f.toMain_rt(l, r, mainL_.data(), mainR_.data(), n);
        for (int b = 0; b < config_.buses; ++b)
            if (f.feedsBus(b)) f.toBus_rt(b, l, r, busPtr_[static_cast<std::size_t>(b)], n);
        bool sum = false;
        for (int j = 0; j < config_.fx; ++j) {
            if (j == k || !f.feedsFx(j)) continue;
            if (!sum) {
                for (int s = 0; s < n; ++s) tap_[static_cast<std::size_t>(s)] = l[s] + r[s];
                sum = true;
            }
            f.toFx_rt(j, tap_.data(), block(fxIn_, static_cast<std::size_t>(j)), n);
        }
        if (f.soloed() && !pfl) {
            addInto(l, soloL_.data(), n);
            addInto(r, soloR_.data(), n);
        }
        meterInto(l, n, meters_.outPeak[MeterAccum::kFxSlot + 2 * ku], meters_.outSumSq[MeterAccum::kFxSlot + 2 * ku]);
        meterInto(r, n, meters_.outPeak[MeterAccum::kFxSlot + 2 * ku + 1], meters_.outSumSq[MeterAccum::kFxSlot + 2 * ku + 1]);
    }
}

void Graph::runBuses_rt(int n) FOH_RT {
    const bool pfl = solo_[static_cast<std::size_t>(SoloParam::Mode)] < 0.5f;
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    for (std::size_t b = 0; b < buses_.size(); ++b) buses_[b].eq_rt(busPtr_[b], scratch_.data(), n);
    // A linked pair's compressors both listen to both halves as they were before either ran.
    for (std::size_t b = 0; b < buses_.size(); ++b)
        if (buses_[b].compActive() && buses_[b].linked()) std::memcpy(block(busKey_, b), busPtr_[b], bytes);
    for (std::size_t b = 0; b < buses_.size(); ++b) {
        BusStrip& s = buses_[b];
        const int bi = static_cast<int>(b);
        const bool pair = busPairFirst(bi) || (bi % 2 == 1 && busPairFirst(bi - 1));
        if (s.compActive()) {
            const float* keyA = pair ? block(busKey_, b) : busPtr_[b];
            const float* keyB = pair ? block(busKey_, partnerOf(b)) : nullptr;
            s.comp_rt(busPtr_[b], keyA, keyB, scratch_.data(), n);
        }
        meters_.busCompGr[b] = std::max(meters_.busCompGr[b], s.takeCompReductionDb());
        s.delay_rt(busPtr_[b], scratch_.data(), n);
        // A soloed bus: mono on both sides, or its side of a linked pair.
        const auto solo = [&](const float* x) {
            if (!pair || bi % 2 == 0) addInto(x, soloL_.data(), n);
            if (!pair || bi % 2 == 1) addInto(x, soloR_.data(), n);
        };
        if (s.soloed() && pfl) solo(busPtr_[b]);
        s.fader_rt(busPtr_[b], n);
        if (s.soloed() && !pfl) solo(busPtr_[b]);
        s.toMain_rt(busPtr_[b], mainL_.data(), mainR_.data(), n);
        meterInto(busPtr_[b], n, meters_.outPeak[MeterAccum::kBusSlot + b], meters_.outSumSq[MeterAccum::kBusSlot + b]);
        busAlign_[b].process(busPtr_[b], n);  // the port and the matrices get it as late as main
    }
}

void Graph::runOutputs_rt(int done, int n, float* const* out, int numOut) FOH_RT {
    const OutputLayout outs = config_.outputs();
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    const auto emit = [&](int o, const float* x) {
        if (o < numOut) std::memcpy(out[o] + done, x, bytes);
    };
    main_.process_rt(mainL_.data(), mainR_.data(), n, meters_.mainPeak.data(), meters_.mainSumSq.data());
    for (int i = 0; i < n; ++i) monoSum_[static_cast<std::size_t>(i)] = 0.5f * (mainL_[static_cast<std::size_t>(i)] + mainR_[static_cast<std::size_t>(i)]);
    main_.mono_rt(monoSum_.data(), mono_.data(), n);
    meterInto(mono_.data(), n, meters_.outPeak[MeterAccum::kMonoSlot], meters_.outSumSq[MeterAccum::kMonoSlot]);
    emit(OutputLayout::kMainL, mainL_.data());
    emit(OutputLayout::kMainR, mainR_.data());
    emit(OutputLayout::kMainMono, mono_.data());
    for (int b = 0; b < config_.buses; ++b) emit(outs.busOut(b), busPtr_[static_cast<std::size_t>(b)]);
    for (std::size_t m = 0; m < matrices_.size(); ++m) {
        float* x = block(mtxBuf_, m);
        matrices_[m].process_rt(busPtr_.data(), config_.buses, monoSum_.data(), x, scratch_.data(), n);
        meterInto(x, n, meters_.outPeak[MeterAccum::kMtxSlot + m], meters_.outSumSq[MeterAccum::kMtxSlot + m]);
        emit(outs.matrixOut(static_cast<int>(m)), x);
    }
    // The solo bus: main while nothing is soloed, the soloed signals while anything is (crossfaded), x its level.
    // The soloed signals are delayed like every output that does not go through the main chain.
    soloAlign_[0].process(soloL_.data(), n);
    soloAlign_[1].process(soloR_.data(), n);
    for (int i = 0; i < n; ++i) {
        const auto u = static_cast<std::size_t>(i);
        const float mix = soloMix_.next();
        const float level = soloLevel_.next();
        soloL_[u] = (mainL_[u] + (soloL_[u] - mainL_[u]) * mix) * level;
        soloR_[u] = (mainR_[u] + (soloR_[u] - mainR_[u]) * mix) * level;
    }
    meterInto(soloL_.data(), n, meters_.outPeak[MeterAccum::kSoloSlot], meters_.outSumSq[MeterAccum::kSoloSlot]);
    meterInto(soloR_.data(), n, meters_.outPeak[MeterAccum::kSoloSlot + 1], meters_.outSumSq[MeterAccum::kSoloSlot + 1]);
    emit(OutputLayout::kSoloL, soloL_.data());
    emit(OutputLayout::kSoloR, soloR_.data());
}

void Graph::renderChunk_rt(int done, int n, float* const* out, int numOut) FOH_RT {
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    if (play_ != nullptr) readPlayFeed_rt(n);
    for (float* v : {mainL_.data(), mainR_.data(), soloL_.data(), soloR_.data()}) std::memset(v, 0, bytes);
    for (float* b : busPtr_) std::memset(b, 0, bytes);
    for (float* f : fxInPtr_) std::memset(f, 0, bytes);
    runChannels_rt(done, n, out, numOut);
    runFx_rt(n);
    runBuses_rt(n);
    runOutputs_rt(done, n, out, numOut);
    if (record_ != nullptr) recordOutputs_rt(done, n, out, numOut);
}

void Graph::readPlayFeed_rt(int n) FOH_RT {
    // Every track moves on, heard or not; a track for a channel this layout lacks is read into the discard block.
    const std::size_t tracks = std::min(play_->channels.size(), playDest_.size());
    for (std::size_t t = 0; t < tracks; ++t) {
        const int c = play_->channels[t];
        playDest_[t] = c >= 0 && static_cast<std::size_t>(c) < strips_.size() ? block(playBuf_, static_cast<std::size_t>(c))
                                                                             : playDiscard_.data();
    }
    if (play_->source != nullptr) play_->source->read_rt(playDest_.data(), n);
}

void Graph::recordOutputs_rt(int done, int n, float* const* out, int numOut) FOH_RT {
    // Main and buses as they leave the console (their output buffers); channels were filled at their taps.
    const auto bytes = sizeof(float) * static_cast<std::size_t>(n);
    const std::size_t tracks = std::min(record_->sources.size(), recordPtr_.size());
    const OutputLayout outs = config_.outputs();
    for (std::size_t t = 0; t < tracks; ++t) {
        float* r = block(recordBuf_, t);
        const record::RecordSource& src = record_->sources[t];
        int o = -1;
        if (src.kind == record::RecordSource::Kind::MainLeft) o = 0;
        else if (src.kind == record::RecordSource::Kind::MainRight) o = 1;
        else if (src.kind == record::RecordSource::Kind::Bus && src.index >= 0 && src.index < config_.buses) o = outs.busOut(src.index);
        else if (src.kind == record::RecordSource::Kind::Channel &&
                 (src.index < 0 || static_cast<std::size_t>(src.index) >= strips_.size()))
            std::memset(r, 0, bytes);  // a channel this layout does not have: silence
        if (src.kind != record::RecordSource::Kind::Channel) {
            if (o >= 0 && o < numOut) std::memcpy(r, out[o] + done, bytes);
            else std::memset(r, 0, bytes);
        }
        recordPtr_[t] = r;
    }
    if (record_->sink != nullptr) record_->sink->write_rt(recordPtr_.data(), n);
}

void Graph::process_rt(const float* const* in, int numIn, float* const* out, int numOut, int n,
                       MeterChannel& meters, const record::RecordPlan* record, const record::PlayFeed* play) FOH_RT {
    record_ = record != nullptr && record->sources.size() <= recordPtr_.size() ? record : nullptr;
    play_ = play != nullptr && play->channels.size() <= playDest_.size() ? play : nullptr;
    const std::size_t channels = strips_.size();
    for (std::size_t c = 0; c < channels; ++c) {
        const float* p = static_cast<int>(c) < numIn ? in[c] : nullptr;
        inputs_[c] = p != nullptr ? p : silence_.data();
    }
    glides_.advance_rt(static_cast<std::uint32_t>(n), [this](std::size_t slot, float v) { setBySlot_rt(slot, v, false); });
    refreshRouting_rt(false);
    if (const int latency = main_.latencySamples(); latency != alignedTo_) {
        // A latent stage on main switched: every other output follows (crossfaded) so all stay aligned.
        alignedTo_ = latency;
        for (dsp::AlignDelay& d : busAlign_) d.setDelay(latency);
        for (dsp::AlignDelay& d : directAlign_) d.setDelay(latency);
        for (dsp::AlignDelay& d : soloAlign_) d.setDelay(latency);
    }

    // The playback source replaces the inputs of its channels; a chunk never crosses the loop point.
    int done = 0;
    while (done < n) {
        int chunk = n - done;
        const std::size_t loopLength = playback_ ? playback_->length() : 0;
        if (loopLength > 0)
            chunk = static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(chunk), loopLength - playPos_));
        renderChunk_rt(done, chunk, out, numOut);
        if (loopLength > 0) playPos_ = (playPos_ + static_cast<std::uint64_t>(chunk)) % loopLength;
        done += chunk;
    }
    // Direct outs of channels beyond what was written are silence when they exist but were not tapped.
    const OutputLayout outs = config_.outputs();
    for (int o = outs.allOutputs(); o < numOut; ++o) std::memset(out[o], 0, sizeof(float) * static_cast<std::size_t>(n));

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
    if (meters_.frames >= meterInterval_) {
        MasterMeters m;
        main_.takeMeters_rt(m);
        meters_.master.merge(m);
        (void)meters.publish_rt(meters_);
    }
}

}  // namespace foh
