#include "scenes/Scene.h"

#include <algorithm>

namespace foh::scenes {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

/// "ch/3" or "/ch/3" -> "/ch/3" when the registry has that object (any parameter under it).
std::optional<std::string> objectOf(std::string_view text, const ParamRegistry& registry) {
    std::string address = text.starts_with('/') ? std::string(text) : "/" + std::string(text);
    for (const ParamInfo& p : registry.all())
        if (ParamRegistry::objectAddress(p.target) == address) return address;
    return std::nullopt;
}

std::vector<std::string_view> split(std::string_view s, char by) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        const auto at = s.find(by);
        out.push_back(trim(s.substr(0, at)));
        if (at == std::string_view::npos) break;
        s.remove_prefix(at + 1);
    }
    return out;
}

}  // namespace

bool Scope::contains(const std::string& objectAddress, ParamGroup g) const {
    return (objects.empty() || std::find(objects.begin(), objects.end(), objectAddress) != objects.end()) &&
           (groups.empty() || std::find(groups.begin(), groups.end(), g) != groups.end());
}

std::optional<Rule> parseRule(std::string_view text, const ParamRegistry& registry, std::string& error) {
    text = trim(text);
    Rule rule;
    const auto colon = text.find(':');
    std::string_view objectPart = colon == std::string_view::npos ? text : text.substr(0, colon);
    std::string_view groupPart = colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
    if (colon == std::string_view::npos) {
        // One word: a group if it names one, else an object.
        if (auto g = parseGroup(text)) {
            rule.group = g;
            return rule;
        }
    }
    if (auto object = objectOf(trim(objectPart), registry)) rule.object = *object;
    else {
        error = "'" + std::string(trim(objectPart)) + "' is neither a parameter group (input eq dynamics sends " +
                "fader/pan mute routing) nor an object of this console (ch/N, bus/N, fx/N, mtx/N, dca/N, mgrp/N, main)";
        return std::nullopt;
    }
    if (colon != std::string_view::npos) {
        rule.group = parseGroup(trim(groupPart));
        if (!rule.group) {
            error = "'" + std::string(trim(groupPart)) + "' is not a parameter group (input eq dynamics sends fader/pan mute routing)";
            return std::nullopt;
        }
    }
    return rule;
}

std::string formatRule(const Rule& rule) {
    std::string out = rule.object.empty() ? "" : rule.object.substr(1);
    if (rule.group) out += (out.empty() ? "" : ":") + std::string(groupName(*rule.group));
    return out;
}

std::optional<std::vector<Rule>> parseRules(std::string_view text, const ParamRegistry& registry, std::string& error) {
    std::vector<Rule> rules;
    for (std::string_view part : split(trim(text), ',')) {
        if (part.empty()) continue;
        auto rule = parseRule(part, registry, error);
        if (!rule) return std::nullopt;
        if (std::find(rules.begin(), rules.end(), *rule) == rules.end()) rules.push_back(*rule);
    }
    return rules;
}

std::string formatRules(const std::vector<Rule>& rules) {
    std::string out;
    for (const Rule& r : rules) out += (out.empty() ? "" : ",") + formatRule(r);
    return out;
}

std::optional<Scope> parseScope(std::string_view text, const ParamRegistry& registry, std::string& error) {
    Scope scope;
    for (std::string_view part : split(trim(text), ';')) {
        if (part.empty()) continue;
        const auto eq = part.find('=');
        const std::string_view key = trim(part.substr(0, eq));
        const std::string_view list = eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1);
        if (key != "objects" && key != "groups") {
            error = "a scope is 'objects=ch/1,ch/2;groups=eq,fader/pan', not '" + std::string(part) + "'";
            return std::nullopt;
        }
        for (std::string_view item : split(list, ',')) {
            if (item.empty()) continue;
            if (key == "objects") {
                auto object = objectOf(item, registry);
                if (!object) {
                    error = "'" + std::string(item) + "' is not an object of this console";
                    return std::nullopt;
                }
                scope.objects.push_back(*object);
            } else {
                auto g = parseGroup(item);
                if (!g) {
                    error = "'" + std::string(item) + "' is not a parameter group";
                    return std::nullopt;
                }
                scope.groups.push_back(*g);
            }
        }
    }
    return scope;
}

std::string formatScope(const Scope& scope) {
    std::string objects, groups;
    for (const std::string& o : scope.objects) objects += (objects.empty() ? "" : ",") + o.substr(1);
    for (ParamGroup g : scope.groups) groups += (groups.empty() ? "" : ",") + std::string(groupName(g));
    std::string out;
    if (!objects.empty()) out = "objects=" + objects;
    if (!groups.empty()) out += (out.empty() ? "" : ";") + std::string("groups=") + groups;
    return out;
}

std::string nameProblem(std::string_view name) {
    if (name.size() > kMaxNameBytes)
        return "a name is at most " + std::to_string(kMaxNameBytes) + " bytes (this one has " + std::to_string(name.size()) + ")";
    for (const unsigned char c : name)
        if (c < 0x20 || c == 0x7f) return "a name holds no control characters";
    return {};
}

bool recalls(const Scene& scene, const std::vector<Rule>& safes, const ParamInfo& info) {
    if (!recalledByScenes(info.target.object == ObjectKind::Solo, info.spec->key)) return false;
    const std::string object = ParamRegistry::objectAddress(info.target);
    const ParamGroup g = info.spec->group;
    if (!scene.scope.contains(object, g)) return false;
    const auto safe = [&](const Rule& r) { return r.matches(object, g); };
    return std::none_of(safes.begin(), safes.end(), safe) && std::none_of(scene.safes.begin(), scene.safes.end(), safe);
}

}  // namespace foh::scenes
