#include "scenes/SceneBook.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace foh::scenes {
namespace {

CommandQueue& openLane(Engine& engine) {
    CommandQueue* q = engine.openQueue("scenes");
    if (!q) throw std::runtime_error("scenes: no free command lane");
    return *q;
}

/// A set that failed only because the lane was full (retried); anything else (a routing loop the engine refuses)
/// is dropped.
bool laneFull(const Checked& c) { return !c.ok && c.error.find("queue full") != std::string::npos; }

/// Equal as a console means it: the same number, or both -inf.
bool same(float a, float b) { return a == b || (std::isinf(a) && std::isinf(b) && (a < 0) == (b < 0)); }

/// Switching an FX return into another FX on waits until every other change is sent, so that the one it replaces
/// is off first (the engine refuses a routing loop, even for a moment).
bool routesFxIntoFx(const ParamInfo& info, float value) {
    return info.target.object == ObjectKind::Fx && info.spec->key.starts_with("fxsend/") && info.spec->key.ends_with("/on") &&
           value >= 0.5f;
}

std::string sceneLabel(int index, const Scene& s) { return "scene " + std::to_string(index + 1) + " '" + s.name + "'"; }

}  // namespace

SceneBook::SceneBook(Engine& engine) : engine_(engine), queue_(openLane(engine)) { show_.layout = engine.registry()->layout(); }

SceneBook::~SceneBook() { engine_.closeQueue(&queue_); }

Result SceneBook::checkIndex(int index) const {
    if (index < 0 || index >= static_cast<int>(show_.scenes.size()))
        return Result::fail("no scene " + std::to_string(index + 1) + " (the show has " +
                            std::to_string(show_.scenes.size()) + ")");
    return {};
}

std::optional<int> SceneBook::store(std::optional<int> index, std::string name, std::string& error) {
    const int size = static_cast<int>(show_.scenes.size());
    const int at = index.value_or(size);
    if (at < 0 || at > size) {
        error = "no scene " + std::to_string(at + 1) + " to store over (the show has " + std::to_string(size) + ")";
        return std::nullopt;
    }
    const auto registry = engine_.registry();
    const std::vector<ParamState> values = engine_.values();
    Scene scene = at < size ? show_.scenes[static_cast<std::size_t>(at)] : Scene{};
    scene.values.clear();
    for (ParamId id = 0; id < registry->size() && id < values.size(); ++id) {
        const ParamInfo& info = registry->info(id);
        if (recalledByScenes(info.target.object == ObjectKind::Solo, info.spec->key))
            scene.values[info.address] = values[id].value;
    }
    if (!name.empty()) scene.name = std::move(name);
    if (scene.name.empty()) scene.name = "Scene " + std::to_string(at + 1);
    if (at < size) show_.scenes[static_cast<std::size_t>(at)] = std::move(scene);
    else show_.scenes.push_back(std::move(scene));
    changed();
    return at;
}

Result SceneBook::rename(int index, std::string name) {
    if (Result r = checkIndex(index); !r.ok) return r;
    if (name.empty()) return Result::fail("a scene needs a name");
    show_.scenes[static_cast<std::size_t>(index)].name = std::move(name);
    changed();
    return {};
}

Result SceneBook::setNotes(int index, std::string notes) {
    if (Result r = checkIndex(index); !r.ok) return r;
    show_.scenes[static_cast<std::size_t>(index)].notes = std::move(notes);
    changed();
    return {};
}

Result SceneBook::setFade(int index, float fadeMs) {
    if (Result r = checkIndex(index); !r.ok) return r;
    if (!(fadeMs >= 0.0f && fadeMs <= kMaxFadeMs)) return Result::fail("a fade is 0..60000 ms");
    show_.scenes[static_cast<std::size_t>(index)].fadeMs = fadeMs;
    changed();
    return {};
}

Result SceneBook::setScope(int index, Scope scope) {
    if (Result r = checkIndex(index); !r.ok) return r;
    show_.scenes[static_cast<std::size_t>(index)].scope = std::move(scope);
    changed();
    return {};
}

Result SceneBook::setSafes(int index, std::vector<Rule> safes) {
    if (Result r = checkIndex(index); !r.ok) return r;
    show_.scenes[static_cast<std::size_t>(index)].safes = std::move(safes);
    changed();
    return {};
}

void SceneBook::setGlobalSafes(std::vector<Rule> safes) {
    show_.safes = std::move(safes);
    changed();
}

Result SceneBook::setName(const std::string& object, std::string name) {
    if (const std::string why = nameProblem(name); !why.empty()) return Result::fail(why);
    const auto registry = engine_.registry();
    const bool exists = std::any_of(registry->all().begin(), registry->all().end(),
                                    [&](const ParamInfo& p) { return ParamRegistry::objectAddress(p.target) == object; });
    if (!exists) return Result::fail(object + " is not an object of this console");
    if (name.empty()) show_.names.erase(object);
    else show_.names[object] = std::move(name);
    changed();
    return {};
}

Result SceneBook::remove(int index) {
    if (Result r = checkIndex(index); !r.ok) return r;
    show_.scenes.erase(show_.scenes.begin() + index);
    if (show_.current == index) show_.current = -1;
    else if (show_.current > index) --show_.current;
    changed();
    return {};
}

Result SceneBook::move(int index, int to) {
    if (Result r = checkIndex(index); !r.ok) return r;
    if (Result r = checkIndex(to); !r.ok) return r;
    Scene s = std::move(show_.scenes[static_cast<std::size_t>(index)]);
    show_.scenes.erase(show_.scenes.begin() + index);
    show_.scenes.insert(show_.scenes.begin() + to, std::move(s));
    if (show_.current == index) show_.current = to;
    else if (index < show_.current && to >= show_.current) --show_.current;
    else if (index > show_.current && to <= show_.current && show_.current >= 0) ++show_.current;
    changed();
    return {};
}

std::vector<Difference> SceneBook::preview(int index) const {
    std::vector<Difference> out;
    if (!checkIndex(index).ok) return out;
    const Scene& scene = show_.scenes[static_cast<std::size_t>(index)];
    const auto registry = engine_.registry();
    const std::vector<ParamState> values = engine_.values();
    for (ParamId id = 0; id < registry->size() && id < values.size(); ++id) {
        const ParamInfo& info = registry->info(id);
        const auto it = scene.values.find(info.address);
        if (it == scene.values.end() || !recalls(scene, show_.safes, info)) continue;
        if (!same(values[id].value, it->second)) out.push_back({info.address, values[id].value, it->second});
    }
    return out;
}

void SceneBook::send(ParamId id, float value, float fadeMs, const std::string& origin) {
    if (!pending_.empty()) {  // keep the order: behind what is still waiting
        pending_.push_back({id, value, fadeMs, origin});
        return;
    }
    if (laneFull(engine_.set(queue_, id, value, SetOptions{fadeMs, origin, false}))) pending_.push_back({id, value, fadeMs, origin});
}

void SceneBook::poll() {
    std::size_t sent = 0;
    for (; sent < pending_.size(); ++sent) {
        const Pending& p = pending_[sent];
        if (laneFull(engine_.set(queue_, p.id, p.value, SetOptions{p.fadeMs, p.origin, false}))) break;
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<long>(sent));
}

Result SceneBook::recall(int index, std::optional<float> fadeMs, const std::string& origin) {
    if (Result r = checkIndex(index); !r.ok) return r;
    const Scene& scene = show_.scenes[static_cast<std::size_t>(index)];
    const float fade = fadeMs.value_or(scene.fadeMs);
    if (!(fade >= 0.0f && fade <= kMaxFadeMs)) return Result::fail("a fade is 0..60000 ms");
    const auto registry = engine_.registry();
    const std::vector<ParamState> values = engine_.values();
    Undo undo{{}, show_.current, registry};
    std::vector<std::pair<ParamId, float>> later;
    const std::string by = sceneLabel(index, scene) + " recall" + (origin.empty() ? "" : " by " + origin);
    for (ParamId id = 0; id < registry->size() && id < values.size(); ++id) {
        const ParamInfo& info = registry->info(id);
        const auto it = scene.values.find(info.address);
        if (it == scene.values.end() || !recalls(scene, show_.safes, info)) continue;
        if (same(values[id].value, it->second)) continue;
        undo.before.emplace_back(id, values[id].value);
        if (routesFxIntoFx(info, it->second)) later.emplace_back(id, it->second);
        else send(id, it->second, fade, by);
    }
    for (const auto& [id, value] : later) send(id, value, fade, by);
    if (undo_.size() == kUndoDepth) undo_.erase(undo_.begin());
    undo_.push_back(std::move(undo));
    show_.current = index;
    changed();
    return {};
}

Result SceneBook::undoRecall(const std::string& origin) {
    if (undo_.empty()) return Result::fail("no recall to undo");
    Undo undo = std::move(undo_.back());
    undo_.pop_back();
    if (undo.registry != engine_.registry()) return Result::fail("the console's layout changed since that recall");
    const std::string by = "undo recall" + (origin.empty() ? "" : " by " + origin);
    for (const auto& [id, value] : undo.before)
        if (!routesFxIntoFx(engine_.registry()->info(id), value)) send(id, value, 0.0f, by);
    for (const auto& [id, value] : undo.before)
        if (routesFxIntoFx(engine_.registry()->info(id), value)) send(id, value, 0.0f, by);
    show_.current = undo.current;
    changed();
    return {};
}

std::vector<ParamChange> SceneBook::history(std::size_t count) const {
    const std::uint32_t last = engine_.lastSeq();
    std::vector<ParamChange> all = engine_.changesSince(last > count ? last - static_cast<std::uint32_t>(count) : 0);
    if (all.size() > count) all.erase(all.begin(), all.end() - static_cast<long>(count));
    return all;
}

Result SceneBook::undoChange(std::uint32_t seq, const std::string& origin) {
    const std::vector<ParamChange> changes = engine_.changesSince(seq == 0 ? 0 : seq - 1);
    if (changes.empty() || changes.front().seq != seq)
        return Result::fail("change " + std::to_string(seq) + " is not in the history (it keeps the last " +
                            std::to_string(Engine::kJournalSize) + ")");
    const ParamChange& c = changes.front();
    const auto id = engine_.registry()->find(c.address);
    if (!id) return Result::fail(c.address + " no longer exists on this console");
    const Checked r = engine_.set(queue_, *id, c.before,
                                  SetOptions{0.0f, "undo of change " + std::to_string(seq) + (origin.empty() ? "" : " by " + origin), false});
    return r.ok ? Result{} : Result::fail(r.error);
}

Show SceneBook::snapshot() const {
    Show s = show_;
    const auto registry = engine_.registry();
    const std::vector<ParamState> values = engine_.values();
    s.layout = registry->layout();
    s.state.clear();
    for (ParamId id = 0; id < registry->size() && id < values.size(); ++id) {
        const ParamInfo& info = registry->info(id);
        if (keptInShow(info.target.object == ObjectKind::Solo, info.spec->key)) s.state[info.address] = values[id].value;
    }
    // What a big recall has not sent yet is part of the state already.
    for (const Pending& p : pending_)
        if (p.id < registry->size()) s.state[registry->info(p.id).address] = p.value;
    return s;
}

void SceneBook::load(const Show& show) {
    GraphConfig config = engine_.config();
    if (config.layout() != show.layout) {
        config.channels = show.layout.channels;
        config.buses = show.layout.buses;
        config.fx = show.layout.fx;
        engine_.reconfigure(config);
    }
    show_ = show;
    undo_.clear();
    pending_.clear();
    const auto registry = engine_.registry();
    const std::vector<ParamState> values = engine_.values();
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& [address, value] : show.state) {
            const auto id = registry->find(address);
            if (!id || *id >= values.size() || same(values[*id].value, value)) continue;
            if (routesFxIntoFx(registry->info(*id), value) == (pass == 1)) send(*id, value, 0.0f, "show file");
        }
    changed();
}

}  // namespace foh::scenes
