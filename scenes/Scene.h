#pragma once
// What a show holds (docs/SCENES.md): scenes — the values of registry parameters, nothing hand-listed — with a
// name, notes, a fade time, a recall scope and their own safes; the global safes; the current state. Plain data:
// SceneBook does the recalling, ShowFile the reading and writing.
//
// Which parameters a recall of scene S touches: those scenes store (recalledByScenes: not solo, listen, tap, ...),
// inside S's scope, and not safe by a global safe or one of S's safes.
// - A rule names an object ("/ch/3": the whole strip), a group ("eq"), or both ("/ch/3" + "eq": that strip's EQ).
//   Written "ch/3", "eq", "ch/3:eq" in OSC and the CLI.
// - A scope is a list of objects and a list of groups; an empty list means all. A parameter is in scope when its
//   object and its group are both in.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "params/ParamRegistry.h"

namespace foh::scenes {

struct Rule {
    std::string object;               ///< "/ch/3", "/main", ...; empty: any object
    std::optional<ParamGroup> group;  ///< none: any group
    friend bool operator==(const Rule&, const Rule&) = default;
    [[nodiscard]] bool matches(const std::string& objectAddress, ParamGroup g) const {
        return (object.empty() || object == objectAddress) && (!group || *group == g);
    }
};

struct Scope {
    std::vector<std::string> objects;  ///< empty: every object
    std::vector<ParamGroup> groups;    ///< empty: every group
    friend bool operator==(const Scope&, const Scope&) = default;
    [[nodiscard]] bool contains(const std::string& objectAddress, ParamGroup g) const;
};

struct Scene {
    std::string name;
    std::string notes;
    float fadeMs = 0.0f;
    Scope scope;
    std::vector<Rule> safes;
    std::map<std::string, float> values;  ///< address -> value (operator units; -inf for a fader at the bottom)
    friend bool operator==(const Scene&, const Scene&) = default;
};

struct Show {
    static constexpr int kVersion = 1;
    ConsoleLayout layout;
    std::map<std::string, float> state;  ///< every parameter's value when saved
    std::vector<Rule> safes;             ///< global recall safes
    std::vector<Scene> scenes;
    int current = -1;                    ///< the scene last recalled (index), -1: none
    std::string clients;                 ///< the clients config (JSON text, osc/ClientsConfig.h); empty: none
    std::map<std::string, std::string> names;  ///< object ("/ch/1") -> its name on the scribble strip ("Kick")
    friend bool operator==(const Show&, const Show&) = default;
};

/// "ch/3", "/ch/3", "eq", "ch/3:eq" -> a rule; nullopt with `error` for anything else (`registry` checks objects).
[[nodiscard]] std::optional<Rule> parseRule(std::string_view text, const ParamRegistry& registry, std::string& error);
[[nodiscard]] std::string formatRule(const Rule& rule);
/// A comma-separated list of rules ("" = none).
[[nodiscard]] std::optional<std::vector<Rule>> parseRules(std::string_view text, const ParamRegistry& registry,
                                                          std::string& error);
[[nodiscard]] std::string formatRules(const std::vector<Rule>& rules);
/// A scope as text: "objects=ch/1,ch/2;groups=eq,fader/pan" (either part may be left out; "" = everything).
[[nodiscard]] std::optional<Scope> parseScope(std::string_view text, const ParamRegistry& registry, std::string& error);
[[nodiscard]] std::string formatScope(const Scope& scope);

/// Names of channels, buses, ...: at most kMaxNameBytes bytes of printable UTF-8 (no control characters).
inline constexpr std::size_t kMaxNameBytes = 32;
/// Why `name` is not a valid object name, or empty when it is.
[[nodiscard]] std::string nameProblem(std::string_view name);

/// Whether a recall of `scene` under the global `safes` touches parameter `info`.
[[nodiscard]] bool recalls(const Scene& scene, const std::vector<Rule>& safes, const ParamInfo& info);

}  // namespace foh::scenes
