#pragma once
// The show's scenes at work on a running engine (docs/SCENES.md): store, recall with a crossfade, safes and scope,
// preview, undo of recalls, the change history with undo of single changes. Control side only (one thread); it
// has its own command lane, so a recall never competes with OSC for queue space.
//
// Recall of scene S with fade F:
// - the parameters S touches (Scene.h: recalls()) whose value differs from S's are set with fade F: continuous ones
//   glide on the audio thread along their curve (core/GlideBank.h), switches and choices change at once, at the
//   start of the fade; a recall during a running fade glides on from where the fade is;
// - what they were before is kept, so undoRecall() puts back exactly that (no fade);
// - a recall bigger than the lane takes is sent over the next poll()s (pending()).
// Every change is made with an origin ("scene 3 'Verse' recall by osc 10.0.0.5:9000"), which the engine's change
// journal records: history() lists it, undoChange() sets one change's previous value back.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/Engine.h"
#include "scenes/Scene.h"

namespace foh::scenes {

struct Result {
    bool ok = true;
    std::string error;
    static Result fail(std::string why) { return {false, std::move(why)}; }
};

struct Difference {
    std::string address;
    float now, then;
};

class SceneBook {
public:
    static constexpr std::size_t kUndoDepth = 16;
    static constexpr float kMaxFadeMs = static_cast<float>(Engine::kMaxFadeMs);

    /// Opens its own command lane ("scenes"); throws std::runtime_error when none is free.
    explicit SceneBook(Engine& engine);
    ~SceneBook();
    SceneBook(const SceneBook&) = delete;
    SceneBook& operator=(const SceneBook&) = delete;

    // ---- the book --------------------------------------------------------------------------------------------
    [[nodiscard]] const std::vector<Scene>& scenes() const { return show_.scenes; }
    [[nodiscard]] const std::vector<Rule>& safes() const { return show_.safes; }
    [[nodiscard]] int current() const { return show_.current; }
    [[nodiscard]] std::shared_ptr<const ParamRegistry> registry() const { return engine_.registry(); }
    /// Goes up on every change to the book (not to parameter values): autosave watches it.
    [[nodiscard]] std::uint64_t revision() const { return revision_; }

    /// Stores the engine's current values as scene `index` (0-based; nullopt or == size: a new scene at the end).
    /// Returns the scene's index, or an error.
    std::optional<int> store(std::optional<int> index, std::string name, std::string& error);
    Result rename(int index, std::string name);
    Result setNotes(int index, std::string notes);
    Result setFade(int index, float fadeMs);
    Result setScope(int index, Scope scope);
    Result setSafes(int index, std::vector<Rule> safes);
    void setGlobalSafes(std::vector<Rule> safes);
    Result remove(int index);
    /// Moves scene `index` to position `to` (both 0-based); the others keep their order.
    Result move(int index, int to);

    // ---- recall ----------------------------------------------------------------------------------------------
    /// What recalling `index` would change now: address, value now, value then (in registry order).
    [[nodiscard]] std::vector<Difference> preview(int index) const;
    /// Recalls scene `index` with its own fade, or `fadeMs` when given. `origin` names who asked.
    Result recall(int index, std::optional<float> fadeMs, const std::string& origin);
    /// Puts back what the last recall (not yet undone) changed, exactly, at once.
    Result undoRecall(const std::string& origin);
    [[nodiscard]] std::size_t undoableRecalls() const { return undo_.size(); }
    /// Sends what a big recall could not yet (the lane was full); call every few ms while pending() > 0.
    void poll();
    [[nodiscard]] std::size_t pending() const { return pending_.size(); }

    // ---- history ---------------------------------------------------------------------------------------------
    /// The last `count` changes (any client, scene recalls included), newest last.
    [[nodiscard]] std::vector<ParamChange> history(std::size_t count) const;
    /// Sets the value change `seq` replaced back.
    Result undoChange(std::uint32_t seq, const std::string& origin);

    // ---- the show --------------------------------------------------------------------------------------------
    /// The whole show now: the book, and the engine's values as its state.
    [[nodiscard]] Show snapshot() const;
    /// Replaces the book with `show`'s and sets the engine to its state (layout first, when it differs). The caller
    /// has validated `show` (ShowFile). Clients config text is kept for the caller (clients()).
    void load(const Show& show);
    [[nodiscard]] const std::string& clients() const { return show_.clients; }
    /// Names of objects ("/ch/1" -> "Kick"): kept in the show, not in scenes. An empty name removes it.
    [[nodiscard]] const std::map<std::string, std::string>& names() const { return show_.names; }
    Result setName(const std::string& object, std::string name);
    /// The clients config in use (its JSON text), kept in the show file.
    void setClients(std::string json) {
        if (json != show_.clients) show_.clients = std::move(json), changed();
    }

private:
    struct Pending {
        ParamId id;
        float value;
        float fadeMs;
        std::string origin;
    };
    Result checkIndex(int index) const;
    void send(ParamId id, float value, float fadeMs, const std::string& origin);
    void changed() { ++revision_; }

    Engine& engine_;
    CommandQueue& queue_;
    Show show_;
    struct Undo {
        std::vector<std::pair<ParamId, float>> before;
        int current;
        std::shared_ptr<const ParamRegistry> registry;
    };
    std::vector<Undo> undo_;
    std::vector<Pending> pending_;
    std::uint64_t revision_ = 0;
};

}  // namespace foh::scenes
