#include "scenes/ShowFile.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <new>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

namespace foh::scenes {
namespace {
// ordered_json: the file keeps the order toJson writes (format and version first), and the clients config keeps
// the order its author gave it.
using Json = nlohmann::ordered_json;

constexpr std::size_t kMaxWarnings = 100;
constexpr std::size_t kMaxQuoted = 200;    ///< longest piece of the file quoted in a message
constexpr std::size_t kMaxMessage = 2000;  ///< longest error or warning

struct Invalid {
    std::string where, what;
};

/// Line and column (1-based) of byte offset `byte`; the column counts characters (UTF-8 continuation bytes not).
std::string lineColumn(std::string_view text, std::size_t byte) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

/// `s` safe to print on a terminal or in a log: control characters and bytes that are not UTF-8 as \xNN, cut at
/// `max` bytes.
std::string printable(std::string_view s, std::size_t max = std::numeric_limits<std::size_t>::max()) {
    std::string out;
    const auto hex = [&](unsigned char c) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
        out += buf;
    };
    std::size_t i = 0;
    while (i < s.size()) {
        if (out.size() >= max) {
            out += "...";
            break;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) {
            hex(c);
            ++i;
            continue;
        }
        if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        // A UTF-8 sequence: the lead byte says how long; every continuation byte must be 10xxxxxx; no overlong forms,
        // surrogates or code points past U+10FFFF.
        std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        bool ok = n != 0 && i + n <= s.size();
        for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (ok && n >= 3) {
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xE0 && c1 < 0xA0) && !(c == 0xED && c1 >= 0xA0) && !(c == 0xF0 && c1 < 0x90) &&
                 !(c == 0xF4 && c1 >= 0x90);
        }
        if (!ok) {
            hex(c);
            ++i;
            continue;
        }
        out.append(s.substr(i, n));
        i += n;
    }
    return out;
}

std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}
std::string indexed(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

std::string formatNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

std::string typeName(const Json& j) {
    if (j.is_object()) return "an object";
    if (j.is_array()) return "a list";
    if (j.is_string()) return "a string";
    if (j.is_boolean()) return "true/false";
    if (j.is_null()) return "null";
    return "a number";
}

/// A float as JSON: the shortest decimal that reads back as the same float (stored as the double of that decimal,
/// which nlohmann writes so that it reads back exactly), or the float's exact double where the shortest decimal
/// would read back differently through a double. Infinities and NaN as strings ("-inf" for a fader at the bottom).
Json encode(float v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v < 0 ? "-inf" : "+inf";
    char buf[64];
    const auto written = std::to_chars(buf, buf + sizeof buf, v);
    double d = static_cast<double>(v);
    double shortest = 0.0;
    if (written.ec == std::errc() && std::from_chars(buf, written.ptr, shortest).ec == std::errc() &&
        std::bit_cast<std::uint32_t>(static_cast<float>(shortest)) == std::bit_cast<std::uint32_t>(v))
        d = shortest;
    return d;
}

/// The first NUL byte, or the first bracket nested deeper than kMaxShowFileDepth (outside strings), before
/// nlohmann sees the text.
void prescan(std::string_view text) {
    bool inString = false, escaped = false;
    int depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '\0')
            throw Invalid{"", "not valid JSON at " + lineColumn(text, i) +
                                  ": a NUL byte (the file is damaged, or is not a text file)"};
        if (inString) {
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > kMaxShowFileDepth)
                throw Invalid{"", "not valid JSON at " + lineColumn(text, i) + ": nested deeper than " +
                                      std::to_string(kMaxShowFileDepth) + " levels (a show file nests 5)"};
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
}

/// Parses with a callback that knows where it is: a key that appears twice in one object, or one that looks like a
/// file or a command, is an error naming its key path.
Json parseJson(std::string_view text) {
    struct Frame {
        bool object;
        std::string path;
        std::string key;        // objects: the last key read
        std::size_t count = 0;  // lists: elements so far
        std::unordered_set<std::string> keys;
    };
    std::vector<Frame> frames;
    const auto childPath = [&]() -> std::string {
        if (frames.empty()) return {};
        Frame& top = frames.back();
        if (top.object) return join(top.path, top.key);
        return indexed(top.path, top.count++);
    };
    auto callback = [&](int, Json::parse_event_t event, Json& parsed) -> bool {
        switch (event) {
            case Json::parse_event_t::object_start:
            case Json::parse_event_t::array_start: {
                std::string path = childPath();
                frames.push_back({event == Json::parse_event_t::object_start, std::move(path), {}, 0, {}});
                break;
            }
            case Json::parse_event_t::object_end:
            case Json::parse_event_t::array_end:
                if (!frames.empty()) frames.pop_back();
                break;
            case Json::parse_event_t::key: {
                if (frames.empty() || !parsed.is_string()) break;
                Frame& top = frames.back();
                top.key = parsed.get<std::string>();
                if (looksLikePathOrCommand(top.key))
                    throw Invalid{join(top.path, top.key),
                                  "the show file never names files, folders or commands (a key like this is refused, "
                                  "not ignored)"};
                if (!top.keys.insert(top.key).second)
                    throw Invalid{join(top.path, top.key), "appears twice in one object (which one is meant?)"};
                break;
            }
            case Json::parse_event_t::value:
                if (!frames.empty() && !frames.back().object) ++frames.back().count;
                break;
        }
        return true;
    };
    return Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true, /*ignore_comments=*/false);
}

class Reader {
public:
    explicit Reader(std::vector<std::string>& warnings, const std::string& source)
        : warnings_(warnings), source_(source) {}

    Show read(const Json& root) {
        if (!root.is_object())
            throw Invalid{"", "not a FOH show file (the top level is " + typeName(root) + ", not an object)"};
        const auto format = root.find("format");
        if (format == root.end())
            throw Invalid{"", "not a FOH show file (it has no \"format\": \"" + std::string(kShowFormat) + "\")"};
        if (!format->is_string() || format->get<std::string>() != kShowFormat)
            throw Invalid{"", "not a FOH show file (format is " + quoted(*format) + ", not \"" +
                                  std::string(kShowFormat) + "\")"};
        const auto version = root.find("version");
        if (version == root.end())
            throw Invalid{"", "the show file has no \"version\" (this fohd reads version " +
                                  std::to_string(Show::kVersion) + ")"};
        const double v = whole(*version, "version", -std::numeric_limits<double>::max(), std::numeric_limits<double>::max());
        if (v > Show::kVersion)
            throw Invalid{"", "show file version " + formatNumber(v) + " is newer than this fohd understands (" +
                                  std::to_string(Show::kVersion) + ")"};
        if (v < 1)
            throw Invalid{"version", "show file version " + formatNumber(v) + " does not exist (this fohd reads " +
                                         std::to_string(Show::kVersion) + ")"};

        Show show;
        unknownKeys(root, "", {"format", "version", "layout", "current_scene", "safes", "state", "scenes", "clients", "names"});
        if (const auto layout = root.find("layout"); layout != root.end()) show.layout = readLayout(*layout);
        ParamRegistry registry(show.layout);
        registry_ = &registry;
        for (const ParamInfo& p : registry.all()) objects_.insert(ParamRegistry::objectAddress(p.target));

        if (const auto safes = root.find("safes"); safes != root.end()) show.safes = readRules(*safes, "safes");
        if (const auto state = root.find("state"); state != root.end())
            show.state = readValues(*state, "state", false);
        fillDefaults(show.state);
        if (const auto scenes = root.find("scenes"); scenes != root.end()) {
            if (!scenes->is_array()) throw Invalid{"scenes", "must be a list, not " + typeName(*scenes)};
            for (std::size_t i = 0; i < scenes->size(); ++i)
                show.scenes.push_back(readScene((*scenes)[i], indexed("scenes", i), i));
        }
        if (const auto current = root.find("current_scene"); current != root.end() && !current->is_null()) {
            if (!current->is_number())
                throw Invalid{"current_scene", "must be a scene number (1-based) or null, not " + typeName(*current)};
            const double n = current->get<double>();
            if (n != std::floor(n) || n < 1 || n > static_cast<double>(show.scenes.size()))
                throw Invalid{"current_scene", formatNumber(n) + " is not a scene of this show (it has " +
                                                   std::to_string(show.scenes.size()) +
                                                   "; 1-based, or null for none)"};
            show.current = static_cast<int>(n) - 1;
        }
        if (const auto clients = root.find("clients"); clients != root.end()) {
            if (!clients->is_object())
                throw Invalid{"clients", "must be an object (the clients config), not " + typeName(*clients)};
            show.clients = clients->dump(-1, ' ', false, Json::error_handler_t::replace);
        }
        if (const auto names = root.find("names"); names != root.end()) {
            if (!names->is_object()) throw Invalid{"names", "must be an object (\"ch/1\": \"Kick\", ...), not " + typeName(*names)};
            for (const auto& [key, value] : names->items()) {
                const std::string where = "names." + key;
                const std::string object = key.starts_with('/') ? key : "/" + key;
                if (!objects_.contains(object)) {
                    warn(where, "no such object on this console; ignored");
                    continue;
                }
                if (!value.is_string()) throw Invalid{where, "must be a string, not " + typeName(value)};
                const std::string name = value.get<std::string>();
                if (const std::string why = nameProblem(name); !why.empty()) throw Invalid{where, why};
                show.names[object] = name;
            }
        }
        registry_ = nullptr;
        return show;
    }

    void warn(const std::string& where, const std::string& what) {
        if (warnings_.size() < kMaxWarnings) warnings_.push_back(printable(source_ + ": " + where + ": " + what, kMaxMessage));
        else ++moreWarnings_;
    }
    void finish() {
        if (moreWarnings_ > 0)
            warnings_.push_back(source_ + ": and " + std::to_string(moreWarnings_) + " more warnings like these");
    }

private:
    std::vector<std::string>& warnings_;
    const std::string& source_;
    std::size_t moreWarnings_ = 0;
    const ParamRegistry* registry_ = nullptr;
    std::set<std::string> objects_;

    static std::string quoted(const Json& j) {
        return printable(j.dump(-1, ' ', false, Json::error_handler_t::replace), kMaxQuoted);
    }

    void unknownKeys(const Json& object, const std::string& path, std::initializer_list<std::string_view> known) {
        for (const auto& [key, value] : object.items()) {
            if (std::find(known.begin(), known.end(), key) != known.end()) continue;
            std::string list;
            for (const auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
            warn(join(path, key), "unknown key, ignored (known here: " + list + ")");
        }
    }

    static double whole(const Json& j, const std::string& where, double lo, double hi) {
        if (!j.is_number()) throw Invalid{where, "must be a whole number, not " + typeName(j)};
        const double v = j.get<double>();
        if (v != std::floor(v)) throw Invalid{where, "must be a whole number, not " + formatNumber(v)};
        if (v < lo || v > hi)
            throw Invalid{where, formatNumber(v) + " is outside " + formatNumber(lo) + ".." + formatNumber(hi)};
        return v;
    }

    static std::string text(const Json& j, const std::string& where) {
        if (!j.is_string()) throw Invalid{where, "must be a string (text in quotes), not " + typeName(j)};
        return j.get<std::string>();
    }

    ConsoleLayout readLayout(const Json& j) {
        if (!j.is_object()) throw Invalid{"layout", "must be an object, not " + typeName(j)};
        unknownKeys(j, "layout", {"channels", "buses", "fx"});
        ConsoleLayout layout;
        const auto count = [&](const char* key, int& into, int max) {
            if (const auto it = j.find(key); it != j.end())
                into = static_cast<int>(whole(*it, join("layout", key), 1, max));
        };
        count("channels", layout.channels, ParamRegistry::kMaxChannels);
        count("buses", layout.buses, kMaxBuses);
        count("fx", layout.fx, kMaxFx);
        return layout;
    }

    std::vector<Rule> readRules(const Json& j, const std::string& path) {
        if (!j.is_array()) throw Invalid{path, "must be a list of rules (\"ch/3\", \"eq\", \"ch/3:eq\"), not " + typeName(j)};
        std::vector<Rule> rules;
        for (std::size_t i = 0; i < j.size(); ++i) {
            const std::string where = indexed(path, i);
            if (!j[i].is_string())
                throw Invalid{where, "must be a rule as text (\"ch/3\", \"eq\", \"ch/3:eq\"), not " + typeName(j[i])};
            std::string error;
            auto rule = parseRule(j[i].get<std::string>(), *registry_, error);
            if (!rule) throw Invalid{where, error};
            rules.push_back(std::move(*rule));
        }
        return rules;
    }

    Scope readScope(const Json& j, const std::string& path) {
        if (!j.is_object()) throw Invalid{path, "must be an object ({\"objects\": [...], \"groups\": [...]}), not " + typeName(j)};
        unknownKeys(j, path, {"objects", "groups"});
        Scope scope;
        if (const auto objects = j.find("objects"); objects != j.end()) {
            const std::string at = join(path, "objects");
            if (!objects->is_array()) throw Invalid{at, "must be a list of objects (\"ch/1\", \"main\"), not " + typeName(*objects)};
            for (std::size_t i = 0; i < objects->size(); ++i) {
                const std::string item = text((*objects)[i], indexed(at, i));
                const std::string address = item.starts_with('/') ? item : "/" + item;
                if (!objects_.contains(address))
                    throw Invalid{indexed(at, i), "'" + item + "' is not an object of this console (ch/N, bus/N, fx/N, "
                                                               "mtx/N, dca/N, mgrp/N, main)"};
                scope.objects.push_back(address);
            }
        }
        if (const auto groups = j.find("groups"); groups != j.end()) {
            const std::string at = join(path, "groups");
            if (!groups->is_array()) throw Invalid{at, "must be a list of groups (\"eq\", \"fader/pan\"), not " + typeName(*groups)};
            for (std::size_t i = 0; i < groups->size(); ++i) {
                const std::string item = text((*groups)[i], indexed(at, i));
                const auto g = parseGroup(item);
                if (!g)
                    throw Invalid{indexed(at, i), "'" + item + "' is not a parameter group (input eq dynamics sends "
                                                               "fader/pan mute routing)"};
                scope.groups.push_back(*g);
            }
        }
        return scope;
    }

    std::string layoutText() const {
        const ConsoleLayout& l = registry_->layout();
        return std::to_string(l.channels) + " channels, " + std::to_string(l.buses) + " buses, " +
               std::to_string(l.fx) + " FX";
    }

    /// A parameter's value: a number in its range, or "-inf" (a fader at the bottom); the registry decides.
    float value(const Json& j, ParamId id, const std::string& where) const {
        const ParamInfo& info = registry_->info(id);
        const ParamSpec& spec = *info.spec;
        float v = 0.0f;
        if (j.is_string()) {
            if (j.get<std::string>() != "-inf")
                throw Invalid{where, "must be a number (or \"-inf\" for a fader at the bottom), not the string " +
                                         quoted(j)};
            v = -std::numeric_limits<float>::infinity();
        } else if (j.is_number()) {
            const double d = j.get<double>();
            if (std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max())) {
                // Beyond float: only a fader's "at or below the bottom" makes sense of it.
                if (!(d < 0 && spec.minusInfAtBottom))
                    throw Invalid{where, "value " + formatNumber(d) + " is outside [" + formatNumber(spec.min) + ", " +
                                             formatNumber(spec.max) + "] " + std::string(unitSymbol(spec.unit))};
                v = -std::numeric_limits<float>::infinity();
            } else {
                v = static_cast<float>(d);
            }
        } else {
            throw Invalid{where, "must be a number (or \"-inf\" for a fader at the bottom), not " + typeName(j)};
        }
        Checked c = registry_->validate(id, v);
        if (!c.ok) {
            std::string why = c.error;
            if (const std::string prefix = info.address + ": "; why.starts_with(prefix)) why.erase(0, prefix.size());
            throw Invalid{where, why};
        }
        return c.value;
    }

    std::map<std::string, float> readValues(const Json& j, const std::string& path, bool scene) {
        if (!j.is_object())
            throw Invalid{path, "must be an object of parameter values ({\"/ch/1/fader\": -6.0}), not " + typeName(j)};
        std::map<std::string, float> values;
        std::unordered_map<ParamId, std::string> seen;  // id -> the key it was read from
        for (const auto& [key, v] : j.items()) {
            const std::string where = join(path, key);
            const auto id = registry_->find(key);
            if (!id) {
                warn(where, "no such parameter on this console (" + layoutText() + "); ignored");
                continue;
            }
            const ParamInfo& info = registry_->info(*id);
            if (const auto [it, fresh] = seen.emplace(*id, key); !fresh)
                throw Invalid{where, "the same parameter as " + join(path, it->second) + " (which one is meant?)"};
            const float x = value(v, *id, where);
            if (scene && !recalledByScenes(info.target.object == ObjectKind::Solo, info.spec->key)) {
                warn(where, "scenes never store this parameter (solo, listen, momentary actions, record arming); ignored");
                continue;
            }
            values.emplace(info.address, x);
        }
        return values;
    }

    void fillDefaults(std::map<std::string, float>& state) {
        std::size_t missing = 0;
        std::string first;
        for (ParamId id = 0; id < registry_->size(); ++id) {
            const ParamInfo& info = registry_->info(id);
            // What a show does not keep (solo, listen, tap, ...) is not missing.
            if (state.contains(info.address) || !keptInShow(info.target.object == ObjectKind::Solo, info.spec->key))
                continue;
            const Checked c = registry_->validate(id, info.spec->def);
            state.emplace(info.address, c.ok ? c.value : info.spec->def);
            if (missing++ == 0) first = info.address;
        }
        if (missing > 0)
            warn("state", std::to_string(missing) + " of " + std::to_string(registry_->size()) +
                              " parameters are not in the file and take their defaults (the first: " + first + ")");
    }

    Scene readScene(const Json& j, const std::string& path, std::size_t index) {
        if (!j.is_object()) throw Invalid{path, "a scene must be an object, not " + typeName(j)};
        unknownKeys(j, path, {"name", "notes", "fade_ms", "scope", "safes", "values"});
        Scene scene;
        scene.name = "Scene " + std::to_string(index + 1);
        if (const auto it = j.find("name"); it != j.end()) scene.name = text(*it, join(path, "name"));
        if (const auto it = j.find("notes"); it != j.end()) scene.notes = text(*it, join(path, "notes"));
        if (const auto it = j.find("fade_ms"); it != j.end()) {
            const std::string where = join(path, "fade_ms");
            if (!it->is_number()) throw Invalid{where, "must be a number (milliseconds), not " + typeName(*it)};
            const double ms = it->get<double>();
            if (!(ms >= 0 && ms <= static_cast<double>(kMaxSceneFadeMs)))
                throw Invalid{where, "fade " + formatNumber(ms) + " ms is outside 0.." +
                                         formatNumber(static_cast<double>(kMaxSceneFadeMs)) + " ms"};
            scene.fadeMs = static_cast<float>(ms);
        }
        if (const auto it = j.find("scope"); it != j.end()) scene.scope = readScope(*it, join(path, "scope"));
        if (const auto it = j.find("safes"); it != j.end()) scene.safes = readRules(*it, join(path, "safes"));
        if (const auto it = j.find("values"); it != j.end()) scene.values = readValues(*it, join(path, "values"), true);
        if (scene.values.empty()) warn(path, "scene '" + scene.name + "' stores no values; recalling it changes nothing");
        return scene;
    }
};

/// nlohmann's reason without its own "[json.exception...] parse error at line L, column C: " prefix.
std::string reasonOf(const std::string& what) {
    std::string why = what;
    if (const auto column = why.find("column "); column != std::string::npos) {
        if (const auto colon = why.find(": ", column); colon != std::string::npos) why = why.substr(colon + 2);
    } else if (const auto bracket = why.find("] "); bracket != std::string::npos) {
        why = why.substr(bracket + 2);
    }
    return printable(why, kMaxQuoted);
}

}  // namespace

bool looksLikePathOrCommand(std::string_view key) {
    // Split into lower-case words at anything but a letter and at camelCase humps ("scriptFile", "exec_cmd").
    std::vector<std::string> words(1);
    for (std::size_t i = 0; i < key.size(); ++i) {
        const char c = key[i];
        const bool upper = c >= 'A' && c <= 'Z', lower = c >= 'a' && c <= 'z';
        if (!upper && !lower) {
            if (!words.back().empty()) words.emplace_back();
            continue;
        }
        if (upper && i > 0 && key[i - 1] >= 'a' && key[i - 1] <= 'z' && !words.back().empty()) words.emplace_back();
        words.back() += static_cast<char>(upper ? c - 'A' + 'a' : c);
    }
    static constexpr std::string_view kInside[] = {"path", "file", "exec", "command", "script", "include", "folder",
                                                   "directory"};
    static constexpr std::string_view kWhole[] = {"cmd", "cmds", "dir", "dirs", "shell", "sh", "exe", "url", "uri",
                                                  "spawn"};
    for (const std::string& w : words) {
        for (const auto k : kInside)
            if (w.find(k) != std::string::npos) return true;
        for (const auto k : kWhole)
            if (w == k) return true;
    }
    return false;
}

std::string toJson(const Show& show) {
    const auto values = [](const std::map<std::string, float>& map) {
        Json out = Json::object();
        for (const auto& [address, v] : map) out[address] = encode(v);
        return out;
    };
    const auto rules = [](const std::vector<Rule>& list) {
        Json out = Json::array();
        for (const Rule& r : list) out.push_back(formatRule(r));
        return out;
    };
    Json root = Json::object();
    root["format"] = kShowFormat;
    root["version"] = Show::kVersion;
    Json layout = Json::object();
    layout["channels"] = show.layout.channels;
    layout["buses"] = show.layout.buses;
    layout["fx"] = show.layout.fx;
    root["layout"] = std::move(layout);
    root["current_scene"] = show.current >= 0 && static_cast<std::size_t>(show.current) < show.scenes.size()
                                ? Json(show.current + 1)
                                : Json(nullptr);
    root["safes"] = rules(show.safes);
    root["state"] = values(show.state);
    Json scenes = Json::array();
    for (const Scene& s : show.scenes) {
        Json scene = Json::object();
        scene["name"] = s.name;
        scene["notes"] = s.notes;
        scene["fade_ms"] = encode(s.fadeMs);
        Json scope = Json::object();
        scope["objects"] = Json::array();
        for (const std::string& o : s.scope.objects) scope["objects"].push_back(o.starts_with('/') ? o.substr(1) : o);
        scope["groups"] = Json::array();
        for (ParamGroup g : s.scope.groups) scope["groups"].push_back(groupName(g));
        scene["scope"] = std::move(scope);
        scene["safes"] = rules(s.safes);
        scene["values"] = values(s.values);
        scenes.push_back(std::move(scene));
    }
    root["scenes"] = std::move(scenes);
    if (!show.clients.empty()) {
        Json clients;
        try {
            clients = Json::parse(show.clients);
        } catch (const Json::exception& e) {
            throw std::invalid_argument("the show's clients config is not JSON: " + std::string(e.what()));
        }
        if (!clients.is_object()) throw std::invalid_argument("the show's clients config is not a JSON object");
        root["clients"] = std::move(clients);
    }
    if (!show.names.empty()) {
        Json names = Json::object();
        for (const auto& [object, name] : show.names) names[object.starts_with('/') ? object.substr(1) : object] = name;
        root["names"] = std::move(names);
    }
    return root.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

LoadResult parseShow(std::string_view text, const std::string& source) {
    LoadResult result;
    const auto fail = [&](const std::string& where, const std::string& what) {
        result.show.reset();
        result.error = printable(source + ": " + (where.empty() ? "" : where + ": ") + what, kMaxMessage);
    };
    try {
        if (text.size() > kMaxShowFileBytes) {
            fail("", "is " + std::to_string(text.size()) + " bytes; a show file is at most " +
                         std::to_string(kMaxShowFileBytes >> 20) + " MiB");
            return result;
        }
        if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
            fail("", "is empty (no show in it)");
            return result;
        }
        Json root;
        try {
            prescan(text);
            root = parseJson(text);
        } catch (const Json::parse_error& e) {
            fail("", "not valid JSON at " + lineColumn(text, e.byte == 0 ? 0 : e.byte - 1) + ": " + reasonOf(e.what()));
            return result;
        } catch (const Json::exception& e) {
            // A number too large for a double ("1e400"): nlohmann names the token but not where it is.
            std::string where;
            const std::string what = e.what();
            if (const auto a = what.find('\''), b = what.rfind('\''); a != std::string::npos && b > a)
                if (const auto at = text.find(what.substr(a + 1, b - a - 1)); at != std::string_view::npos)
                    where = " at " + lineColumn(text, at);
            fail("", "not valid JSON" + where + ": " + reasonOf(what));
            return result;
        }
        Reader reader(result.warnings, source);
        result.show = reader.read(root);
        reader.finish();
    } catch (const Invalid& e) {
        fail(e.where, e.what);
    } catch (const std::bad_alloc&) {
        fail("", "out of memory reading the show file");
    } catch (const std::exception& e) {
        fail("", e.what());
    } catch (...) {
        fail("", "could not be read (unknown error)");
    }
    if (!result.error.empty()) {
        result.show.reset();
        result.warnings.clear();
    }
    return result;
}

}  // namespace foh::scenes
