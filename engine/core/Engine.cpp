#include "core/Engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <thread>

#include "params/ParamCurve.h"

namespace foh {

Engine::Engine(const GraphConfig& config) : config_(config) {
    registry_ = std::make_shared<const ParamRegistry>(config.layout());
    values_.reserve(registry_->size());
    for (const ParamInfo& p : registry_->all()) values_.push_back({p.spec->def, 0});
    std::lock_guard lock(control_);
    slot_.installWhileStopped(buildGraphLocked(config_));
}

Engine::~Engine() = default;

std::shared_ptr<const ParamRegistry> Engine::registry() const {
    std::lock_guard lock(control_);
    return registry_;
}

GraphConfig Engine::config() const {
    std::lock_guard lock(control_);
    return config_;
}

CommandQueue* Engine::openQueue(std::string owner) {
    std::lock_guard lock(control_);
    for (CommandQueue& q : queues_) {
        if (!q.open()) {
            q.owner_ = std::move(owner);
            q.open_.store(true, std::memory_order_release);
            return &q;
        }
    }
    return nullptr;
}

void Engine::closeQueue(CommandQueue* queue) {
    // Commands still in the queue stay there and are drained; the lane is simply offered to the next opener.
    if (queue != nullptr) queue->open_.store(false, std::memory_order_release);
}

Checked Engine::set(CommandQueue& queue, std::string_view address, float value, const SetOptions& options) {
    std::lock_guard lock(control_);
    const auto id = registry_->find(address);
    if (!id) return {false, 0.0f, std::string(address) + ": no such parameter"};
    return setAndFollowLocked(queue, *id, value, options);
}

Checked Engine::setAndFollowLocked(CommandQueue& queue, ParamId id, float value, const SetOptions& o) {
    const ParamTarget t = registry_->info(id).target;
    if (t.object == ObjectKind::Fx) {
        if (t.param == static_cast<std::uint16_t>(FxParam::DlyTap)) return tapTempoLocked(queue, id, value, o);
        const int fx = (static_cast<int>(t.param) - static_cast<int>(FxParam::FxSendFirst)) / 2;
        if (t.param >= static_cast<std::uint16_t>(FxParam::FxSendFirst) &&
            t.param == static_cast<std::uint16_t>(fxToFxParam(fx, 0)) && value >= 0.5f) {
            if (std::string loop = fxLoopLocked(t.index, fx); !loop.empty())
                return {false, 0.0f, registry_->info(id).address + ": refused, it would make a routing loop (" + loop + ")"};
        }
    }
    Checked c = setLocked(queue, id, value, o);
    if (c.ok && o.linkFollows) mirrorLinkedLocked(queue, id, c.value, o);
    return c;
}

std::string Engine::fxLoopLocked(int from, int to) const {
    // Routing fx `from` into fx `to` makes a loop when `to` already reaches `from` (or is `from`).
    const int count = config_.fx;
    auto feeds = [&](int a, int b) {
        const auto id = registry_->idOf({ObjectKind::Fx, static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(fxToFxParam(b, 0))});
        return id && values_[*id].value >= 0.5f;
    };
    std::vector<int> path{from, to};
    std::vector<bool> seen(static_cast<std::size_t>(count), false);
    // Depth-first from `to` looking for `from`, keeping the path for the message.
    auto search = [&](auto& self, int node) -> bool {
        if (node == from) return true;
        seen[static_cast<std::size_t>(node)] = true;
        for (int next = 0; next < count; ++next) {
            if (next == node || !feeds(node, next) || (seen[static_cast<std::size_t>(next)] && next != from)) continue;
            path.push_back(next);
            if (self(self, next)) return true;
            path.pop_back();
        }
        return false;
    };
    if (!search(search, to)) return {};
    std::string text;
    for (std::size_t i = 0; i < path.size(); ++i) text += (i ? " -> fx " : "fx ") + std::to_string(path[i] + 1);
    return text;
}

Checked Engine::tapTempoLocked(CommandQueue& queue, ParamId id, float value, const SetOptions& o) {
    // A tap button: two presses less than 3 s apart set the delay time to their interval (TouchOSC sends 1 on
    // press and 0 on release; only presses count).
    Checked c = setLocked(queue, id, value, o);
    if (!c.ok || value < 0.5f) return c;
    const ParamTarget t = registry_->info(id).target;
    const double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
    double& last = lastTap_[t.index];
    const double interval = now - last;
    last = now;
    if (interval > 0.0 && interval < 3.0) {
        const auto ms = registry_->idOf({ObjectKind::Fx, t.index, static_cast<std::uint16_t>(FxParam::DlyMs)});
        const ParamSpec& s = *registry_->info(*ms).spec;
        (void)setLocked(queue, *ms, std::clamp(static_cast<float>(interval * 1e3), s.min, s.max), o);
    }
    return c;
}

Checked Engine::setLocked(CommandQueue& queue, ParamId id, float value, const SetOptions& o) {
    Checked c = registry_->validate(id, value);
    if (!c.ok) return c;
    const auto fade = static_cast<std::uint16_t>(std::clamp(o.fadeMs, 0.0f, static_cast<float>(kMaxFadeMs)));
    const Command cmd{registry_->info(id).target, fade, c.value, seq_ + 1};
    if (!queue.tryPush(cmd))
        return {false, 0.0f, registry_->info(id).address + ": command queue full (the audio thread is not keeping up)"};
    ++seq_;
    const float before = values_[id].value;
    values_[id] = {c.value, cmd.seq};
    if (journal_.size() == kJournalSize) journal_.pop_front();
    journal_.push_back({registry_->info(id).address, before, c.value, cmd.seq, std::chrono::system_clock::now(),
                        o.origin.empty() ? queue.owner_ : std::string(o.origin), static_cast<float>(fade), kNoFrame});
    return c;
}

std::vector<ParamChange> Engine::changesSince(std::uint32_t seq) const {
    std::lock_guard lock(control_);
    std::vector<ParamChange> out;
    for (auto it = journal_.rbegin(); it != journal_.rend() && it->seq > seq; ++it) out.push_back(*it);
    std::reverse(out.begin(), out.end());
    return out;
}

std::uint32_t Engine::lastSeq() const {
    std::lock_guard lock(control_);
    return seq_;
}

void Engine::mirrorLinkedLocked(CommandQueue& queue, ParamId id, float value, const SetOptions& o) {
    // A stereo-linked pair (channels or buses 1-2, 3-4, ...) moves together: every control whose spec says so
    // follows.
    const ParamTarget t = registry_->info(id).target;
    std::uint16_t linkParam;
    if (t.object == ObjectKind::Channel) linkParam = static_cast<std::uint16_t>(ChannelParam::Link);
    else if (t.object == ObjectKind::Bus) linkParam = static_cast<std::uint16_t>(BusParam::Link);
    else return;
    const std::span<const ParamSpec> table = paramTable(t.object);
    const std::uint16_t partner = t.index % 2 == 0 ? static_cast<std::uint16_t>(t.index + 1)
                                                   : static_cast<std::uint16_t>(t.index - 1);
    const auto linkId = registry_->idOf({t.object, t.index, linkParam});
    const auto partnerId = registry_->idOf({t.object, partner, t.param});
    if (!linkId || !partnerId) return;  // the last of an odd count has no partner
    if (t.param == linkParam) {
        (void)setLocked(queue, *partnerId, value, o);
        if (value < 0.5f) return;
        // Linking copies the odd channel's settings onto the even one, as desks do.
        const std::uint16_t first = std::min(t.index, partner);
        for (std::uint16_t p = 0; p < static_cast<std::uint16_t>(table.size()); ++p) {
            if (!table[p].followsLink) continue;
            const auto from = registry_->idOf({t.object, first, p});
            const auto to = registry_->idOf({t.object, static_cast<std::uint16_t>(first + 1), p});
            if (from && to && values_[*to].value != values_[*from].value)
                (void)setLocked(queue, *to, values_[*from].value, o);
        }
        return;
    }
    if (registry_->info(id).spec->followsLink && values_[*linkId].value >= 0.5f) (void)setLocked(queue, *partnerId, value, o);
}

Checked Engine::set(CommandQueue& queue, ParamId id, float value, const SetOptions& options) {
    std::lock_guard lock(control_);
    if (id >= registry_->size()) return {false, 0.0f, "no such parameter id"};
    return setAndFollowLocked(queue, id, value, options);
}

Checked Engine::setNormalized(CommandQueue& queue, std::string_view address, float position, const SetOptions& options) {
    const ParamSpec* spec = nullptr;
    {
        std::lock_guard lock(control_);
        const auto id = registry_->find(address);
        if (!id) return {false, 0.0f, std::string(address) + ": no such parameter"};
        spec = registry_->info(*id).spec;
    }
    if (std::isnan(position) || position < 0.0f || position > 1.0f)
        return {false, 0.0f, std::string(address) + ": normalized value must be within 0..1"};
    return set(queue, address, fromNormalized(*spec, position), options);
}

std::optional<float> Engine::get(std::string_view address) const {
    std::lock_guard lock(control_);
    const auto id = registry_->find(address);
    if (!id) return std::nullopt;
    return values_[*id].value;
}

std::vector<ParamState> Engine::values() const {
    std::lock_guard lock(control_);
    return values_;
}

std::unique_ptr<Graph> Engine::buildGraphLocked(const GraphConfig& config) const {
    return std::make_unique<Graph>(config, *registry_, values_, playback_, playPos_.load(std::memory_order_relaxed));
}

void Engine::reconfigure(const GraphConfig& config) {
    if (config.maxBlock < 1 || config.maxBlock > 16384) throw std::invalid_argument("block size out of range");
    if (!(config.sampleRate >= 8000.0 && config.sampleRate <= 384000.0))
        throw std::invalid_argument("sample rate out of range");
    std::lock_guard lock(control_);
    if (!(config.layout() == config_.layout())) {
        // New registry; values of parameters that exist in both layouts carry over by address.
        auto next = std::make_shared<const ParamRegistry>(config.layout());  // throws for a bad count
        std::vector<ParamState> values;
        values.reserve(next->size());
        for (const ParamInfo& p : next->all()) {
            const auto old = registry_->find(p.address);
            values.push_back(old ? values_[*old] : ParamState{p.spec->def, 0});
        }
        registry_ = std::move(next);
        values_ = std::move(values);
    }
    config_ = config;
    slot_.publish(buildGraphLocked(config_));
}

void Engine::setPlayback(std::shared_ptr<const LoopSource> source) {
    std::lock_guard lock(control_);
    playback_ = std::move(source);
    slot_.publish(buildGraphLocked(config_));
}

void Engine::housekeeping() {
    {
        std::lock_guard lock(control_);
        slot_.collect();
        // Stamp the journal with the frames where its changes took effect.
        applied_.consume_all([this](const AppliedMark& m) {
            for (auto it = journal_.rbegin(); it != journal_.rend(); ++it) {
                if (it->frame != kNoFrame) break;  // older ones are stamped already
                if (!newer(it->seq, m.seq)) it->frame = m.frame;
            }
        });
    }
    std::lock_guard lock(meters_);
    meterChannel_.drain([this](const MeterAccum& packet) {
        for (MeterReader& r : readers_) r.add(packet);
        for (auto& [handle, sink] : sinks_) sink(packet);
    });
}

int Engine::addMeterSink(std::function<void(const MeterAccum&)> sink) {
    std::lock_guard lock(meters_);
    sinks_.emplace_back(nextSink_, std::move(sink));
    return nextSink_++;
}

void Engine::removeMeterSink(int handle) {
    std::lock_guard lock(meters_);
    std::erase_if(sinks_, [handle](const auto& s) { return s.first == handle; });
}

std::uint64_t Engine::startRecording(std::shared_ptr<const record::RecordPlan> plan) {
    (void)stopRecording();
    recordPlan_ = std::move(plan);
    const std::uint64_t at = frames_.load(std::memory_order_relaxed);
    recording_.store(recordPlan_.get(), std::memory_order_release);
    return at;
}

std::uint64_t Engine::stopRecording() {
    if (recording_.exchange(nullptr, std::memory_order_acq_rel) == nullptr) {
        recordPlan_.reset();
        return frames_.load(std::memory_order_relaxed);
    }
    waitForAudioToLetGo();
    recordPlan_.reset();
    return frames_.load(std::memory_order_relaxed);
}

void Engine::waitForAudioToLetGo() const {
    // A block that loaded the old pointer before the exchange is still in process_rt; one that starts now loads
    // the new one. Wait until no block is in progress, or the one that was has finished.
    const std::uint64_t seen = blocksDone_.load();
    while (inProcess_.load() && blocksDone_.load() == seen) std::this_thread::sleep_for(std::chrono::microseconds(100));
}

std::uint64_t Engine::attachPlayFeed(std::shared_ptr<const record::PlayFeed> feed) {
    const std::uint64_t at = frames_.load(std::memory_order_relaxed);
    const record::PlayFeed* old = playing_.exchange(feed.get(), std::memory_order_acq_rel);
    if (old != nullptr) waitForAudioToLetGo();
    playFeed_ = std::move(feed);
    return at;
}

void Engine::detachPlayFeed() {
    if (playing_.exchange(nullptr, std::memory_order_acq_rel) != nullptr) waitForAudioToLetGo();
    playFeed_.reset();
}

int Engine::addMeterReader() {
    std::lock_guard lock(meters_);
    readers_.emplace_back();
    return static_cast<int>(readers_.size()) - 1;
}

MeterReading Engine::readMeters(int reader) {
    housekeeping();
    std::lock_guard lock(meters_);
    if (reader < 0 || static_cast<std::size_t>(reader) >= readers_.size()) return {};
    return readers_[static_cast<std::size_t>(reader)].read();
}

void Engine::process_rt(const float* const* in, int numIn, float* const* out, int numOut, int frames) FOH_RT {
    rt::RealtimeScope realtime;
    rt::ScopedFlushDenormals noDenormals;
    inProcess_.store(true);
    struct Leave {
        std::atomic<bool>& flag;
        ~Leave() { flag.store(false); }
    } leave{inProcess_};

    Graph* graph = slot_.acquire_rt([](Graph& next, Graph& old) noexcept { next.continueFrom_rt(old); });
    if (graph == nullptr || numOut < 1) return;

    // Commands after the snapshot: a change made while a graph was being built is either in that graph already
    // (its seq is not newer) or applied here. At most kMaxCommandsPerBlock per block, starting with another lane
    // each block so none waits behind a flooded one; what is left is applied next block (per parameter the newest
    // seq wins, so lanes drained in any order give the same state).
    std::uint32_t newest = 0;
    std::size_t budget = kMaxCommandsPerBlock;
    for (std::size_t i = 0; i < kMaxProducers && budget > 0; ++i) {
        CommandQueue& q = queues_[(firstLane_ + i) % kMaxProducers];
        budget -= q.drain_rt(
            [graph, &newest](const Command& c) noexcept {
                graph->apply_rt(c);
                newest = newerSeq(newest, c.seq);
            },
            budget);
    }
    firstLane_ = (firstLane_ + 1) % kMaxProducers;
    drained_ = static_cast<std::uint32_t>(kMaxCommandsPerBlock - budget);
    bool backlog = false;
    if (budget == 0)
        for (const CommandQueue& q : queues_) backlog = backlog || q.pending_rt();
    // Where in the audio the changes took effect: the first frame of this host block. A full mark queue keeps the
    // mark for the next block, and so does a backlog (an older command may still wait in another lane): positions
    // then come out a few blocks late, never lost or early.
    const std::uint64_t blockStart = frames_.load(std::memory_order_relaxed);
    if (newest != 0) pendingMark_ = newerSeq(pendingMark_, newest);
    if (pendingMark_ != 0 && !backlog && applied_.push(AppliedMark{pendingMark_, blockStart})) pendingMark_ = 0;
    frames_.store(blockStart + static_cast<std::uint64_t>(frames), std::memory_order_relaxed);
    hostBlock_.store(frames, std::memory_order_relaxed);

    const record::RecordPlan* plan = recording_.load(std::memory_order_acquire);
    const record::PlayFeed* feed = playing_.load(std::memory_order_acquire);
    const int maxBlock = graph->config().maxBlock;
    const float* inChunk[ParamRegistry::kMaxChannels];
    float* outChunk[kMaxOutputs];
    const int numInUsed = std::min(numIn, static_cast<int>(ParamRegistry::kMaxChannels));
    const int numOutUsed = std::min(numOut, kMaxOutputs);
    for (int done = 0; done < frames; done += maxBlock) {
        const int n = std::min(maxBlock, frames - done);
        for (int c = 0; c < numInUsed; ++c) inChunk[c] = in[c] != nullptr ? in[c] + done : nullptr;
        for (int o = 0; o < numOutUsed; ++o) outChunk[o] = out[o] + done;
        graph->process_rt(inChunk, numInUsed, outChunk, numOutUsed, n, meterChannel_, plan, feed);
    }
    blocksDone_.fetch_add(1);
    playPos_.store(graph->playbackPosition(), std::memory_order_relaxed);
    latency_.store(graph->latencyFrames(), std::memory_order_relaxed);
}

}  // namespace foh
