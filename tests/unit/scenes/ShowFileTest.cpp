// The show file (scenes/ShowFile.h): a Show survives toJson -> parseShow exactly (every float bit for bit), and
// every kind of bad file — hand-broken, truncated, byte-flipped — gives a clear error naming where, never a crash,
// never a half-loaded show.
#include <catch2/catch.hpp>

#include <algorithm>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "scenes/ShowFile.h"

using namespace foh;
using namespace foh::scenes;
using Json = nlohmann::ordered_json;

namespace {
constexpr float kInf = std::numeric_limits<float>::infinity();
const std::string kSource = "show.json";

/// Floats in value order as unsigned integers (-0.0 just below +0.0), so a uniform integer is a uniform bit pattern.
std::uint32_t ordered(float f) {
    const auto u = std::bit_cast<std::uint32_t>(f);
    return (u & 0x80000000u) ? ~u : u | 0x80000000u;
}
float unordered(std::uint32_t k) {
    return std::bit_cast<float>((k & 0x80000000u) ? k & 0x7FFFFFFFu : ~k);
}

/// A valid value for parameter `id`: whole numbers for toggles, choices and channels, any float bit pattern in the
/// range for the rest (denormals and -0.0 included where the range holds them), as the registry would store it.
float randomValue(const ParamRegistry& registry, ParamId id, std::mt19937& rng) {
    const ParamSpec& spec = *registry.info(id).spec;
    float v = 0.0f;
    if (spec.unit == Unit::Toggle || spec.unit == Unit::Choice || spec.unit == Unit::Channel) {
        const int hi = spec.unit == Unit::Channel ? std::min(static_cast<int>(spec.max), registry.channels())
                                                  : static_cast<int>(spec.max);
        v = static_cast<float>(std::uniform_int_distribution<int>(static_cast<int>(spec.min), hi)(rng));
    } else {
        v = unordered(std::uniform_int_distribution<std::uint32_t>(ordered(spec.min), ordered(spec.max))(rng));
    }
    const Checked c = registry.validate(id, v);
    INFO(c.error);
    REQUIRE(c.ok);
    return c.value;
}

bool sameBits(const std::map<std::string, float>& a, const std::map<std::string, float>& b) {
    if (a.size() != b.size()) return false;
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
        if (i->first != j->first || std::bit_cast<std::uint32_t>(i->second) != std::bit_cast<std::uint32_t>(j->second)) {
            UNSCOPED_INFO(i->first << ": " << i->second << " vs " << j->first << ": " << j->second);
            return false;
        }
    }
    return true;
}

bool sameBits(const Show& a, const Show& b) {
    if (!(a == b) || !sameBits(a.state, b.state)) return false;
    for (std::size_t i = 0; i < a.scenes.size(); ++i)
        if (!sameBits(a.scenes[i].values, b.scenes[i].values) ||
            std::bit_cast<std::uint32_t>(a.scenes[i].fadeMs) != std::bit_cast<std::uint32_t>(b.scenes[i].fadeMs))
            return false;
    return true;
}

const std::string kClients = R"({"admin_pin":"2468","clients":[{"host":"192.168.1.20","role":"admin","reply_port":9000},)"
                             R"({"host":"192.168.1.0/24","role":"monitor 3"}],"pins":[{"pin":"1003","role":"monitor 3"}]})";

/// A show on `layout`: every parameter in state, three scenes with notes, scopes, safes and -inf values.
Show makeShow(const ConsoleLayout& layout, std::uint32_t seed) {
    const ParamRegistry registry(layout);
    std::mt19937 rng(seed);
    Show show;
    show.layout = layout;
    for (ParamId id = 0; id < registry.size(); ++id) show.state[registry.info(id).address] = randomValue(registry, id, rng);
    std::string error;
    const auto parsed = [&](auto optional) {
        INFO(error);
        REQUIRE(optional);
        return *optional;
    };
    show.safes = parsed(parseRules("ch/3, eq, ch/5:fader/pan", registry, error));
    const auto sceneValues = [&](int every) {
        std::map<std::string, float> values;
        for (ParamId id = 0; id < registry.size(); ++id) {
            const ParamInfo& info = registry.info(id);
            if (!recalledByScenes(info.target.object == ObjectKind::Solo, info.spec->key)) continue;
            if (id % static_cast<ParamId>(every) == 0) values[info.address] = randomValue(registry, id, rng);
        }
        return values;
    };
    Scene a;
    a.name = "Song 1";
    a.notes = "Ünïcødé — “curly” \"straight\" quotes, a \\ backslash,\na new line\tand a tab 🎸";
    a.fadeMs = 2000.0f;
    a.values = sceneValues(2);
    a.values["/ch/1/fader"] = -kInf;
    a.values["/ch/2/send/1/level"] = -kInf;
    show.scenes.push_back(a);
    Scene b;
    b.name = "Song 2 (acoustic)";
    b.fadeMs = std::uniform_real_distribution<float>(0.0f, kMaxSceneFadeMs)(rng);
    b.scope = parsed(parseScope("objects=ch/1,ch/2,main;groups=eq,fader/pan", registry, error));
    b.safes = parsed(parseRules("ch/1:eq", registry, error));
    b.values = sceneValues(3);
    show.scenes.push_back(b);
    Scene c;
    c.name = "Song 1";  // duplicate names are allowed
    c.notes = "[{ not JSON inside a string }]";
    c.scope = parsed(parseScope("groups=mute", registry, error));
    c.values = sceneValues(7);
    show.scenes.push_back(c);
    show.current = 1;
    show.clients = kClients;
    show.names = {{"/ch/1", "Kick \"In\""}, {"/ch/2", "Bässe"}, {"/bus/1", "Wedge 1"}, {"/main", "PA"}};
    return show;
}

LoadResult loaded(const std::string& text) {
    LoadResult r = parseShow(text, kSource);
    INFO(r.error);
    REQUIRE(r.error.empty());
    REQUIRE(r.show);
    return r;
}

std::string errorOf(const std::string& text) {
    const LoadResult r = parseShow(text, kSource);
    CHECK_FALSE(r.show);
    CHECK(r.warnings.empty());
    REQUIRE_FALSE(r.error.empty());
    CHECK(r.error.rfind(kSource + ": ", 0) == 0);
    return r.error;
}

bool hasWarning(const LoadResult& r, const std::string& text) {
    for (const std::string& w : r.warnings)
        if (w.find(text) != std::string::npos) return true;
    UNSCOPED_INFO("no warning with: " << text);
    for (const std::string& w : r.warnings) UNSCOPED_INFO("  " << w);
    return false;
}

/// A small valid show (32 channels, three scenes) as JSON, edited by `edit`.
template <typename Edit>
std::string edited(Edit edit) {
    Show show;
    const ParamRegistry registry(show.layout);
    for (ParamId id = 0; id < registry.size(); ++id) {
        const ParamInfo& info = registry.info(id);
        show.state[info.address] = registry.validate(id, info.spec->def).value;
    }
    for (int i = 0; i < 3; ++i) {
        Scene s;
        s.name = "Scene " + std::to_string(i + 1);
        s.values["/ch/1/fader"] = -6.0f;
        show.scenes.push_back(s);
    }
    Json j = Json::parse(toJson(show));
    edit(j);
    return j.dump(2);
}
const auto kAsIs = [](Json&) {};

/// Line and column (1-based) of byte `at`.
std::string where(const std::string& text, std::size_t at) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < at; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

/// Whether everything a loaded show holds is what the registry accepts (the fuzz tests' "or it loads correctly").
/// One assertion per show: what is wrong, or nothing.
std::string invalidIn(const Show& show) {
    const ParamRegistry registry(show.layout);
    std::string wrong;
    const auto check = [&](const std::map<std::string, float>& values) {
        for (const auto& [address, v] : values) {
            const auto id = registry.find(address);
            if (!id) {
                wrong += address + ": not a parameter; ";
                continue;
            }
            const Checked c = registry.validate(*id, v);
            if (!c.ok) wrong += c.error + "; ";
            else if (std::bit_cast<std::uint32_t>(c.value) != std::bit_cast<std::uint32_t>(v))
                wrong += address + ": not as the registry stores it; ";
        }
    };
    check(show.state);
    for (const ParamInfo& p : registry.all())
        if (recalledByScenes(p.target.object == ObjectKind::Solo, p.spec->key) && !show.state.contains(p.address))
            wrong += "state lacks " + p.address + "; ";
    for (const Scene& s : show.scenes) {
        check(s.values);
        if (!(s.fadeMs >= 0.0f && s.fadeMs <= kMaxSceneFadeMs)) wrong += s.name + ": fade out of range; ";
    }
    if (show.current < -1 || show.current >= static_cast<int>(show.scenes.size())) wrong += "current out of range; ";
    return wrong;
}
}  // namespace

TEST_CASE("Show file: a show survives toJson and parseShow exactly, bit for bit", "[scenes][showfile]") {
    for (std::uint32_t seed = 1; seed <= 10; ++seed) {
        const Show show = makeShow({8, 16, 4}, seed);
        const std::string text = toJson(show);
        const LoadResult r = loaded(text);
        INFO("seed " << seed);
        CHECK(r.warnings.empty());
        for (const std::string& w : r.warnings) UNSCOPED_INFO(w);
        CHECK(*r.show == show);
        CHECK(sameBits(*r.show, show));
        CHECK(toJson(*r.show) == text);  // stable: writing what was read gives the same text
    }
}

TEST_CASE("Show file: extreme floats round-trip bit for bit", "[scenes][showfile]") {
    const ConsoleLayout layout{8, 16, 4};
    const ParamRegistry registry(layout);
    // Each variant sets every parameter to one kind of edge value: its minimum, its maximum, one step inside each.
    const auto build = [&](auto valueOf) {
        Show show;
        show.layout = layout;
        for (ParamId id = 0; id < registry.size(); ++id) {
            const ParamSpec& spec = *registry.info(id).spec;
            const Checked c = registry.validate(id, valueOf(spec));
            if (c.ok) show.state[registry.info(id).address] = c.value;
        }
        return show;
    };
    const auto isWhole = [](const ParamSpec& s) {
        return s.unit == Unit::Toggle || s.unit == Unit::Choice || s.unit == Unit::Channel;
    };
    std::vector<Show> shows = {
        build([](const ParamSpec& s) { return s.min; }),
        build([](const ParamSpec& s) { return s.max; }),
        build([&](const ParamSpec& s) { return isWhole(s) ? s.min : std::nextafter(s.min, s.max); }),
        build([&](const ParamSpec& s) { return isWhole(s) ? s.max : std::nextafter(s.max, s.min); }),
    };
    // Pan's range holds zero: -0.0, the smallest and largest denormals, the smallest normal, on both sides.
    const float specials[] = {-0.0f,
                              0.0f,
                              std::numeric_limits<float>::denorm_min(),
                              -std::numeric_limits<float>::denorm_min(),
                              std::nextafter(std::numeric_limits<float>::min(), 0.0f),
                              -std::nextafter(std::numeric_limits<float>::min(), 0.0f),
                              std::numeric_limits<float>::min(),
                              1e-40f,
                              0.1f,
                              1.0f / 3.0f,
                              99.99999f};
    Show pans;
    pans.layout = layout;
    for (int ch = 1; ch <= 8; ++ch)
        for (int k = 0; k < 11; ++k) {
            // One special per channel pan, the rest on the sends' pans.
            const std::string address = k == 0 ? "/ch/" + std::to_string(ch) + "/pan"
                                               : "/ch/" + std::to_string(ch) + "/send/" + std::to_string(k) + "/pan";
            REQUIRE(registry.find(address));
            pans.state[address] = specials[(static_cast<std::size_t>(ch) + static_cast<std::size_t>(k)) % std::size(specials)];
        }
    shows.push_back(pans);
    for (const Show& show : shows) {
        const LoadResult r = loaded(toJson(show));
        // Missing parameters were filled in with defaults; compare what the original holds.
        for (const auto& [address, v] : show.state) {
            INFO(address << " = " << v);
            REQUIRE(r.show->state.contains(address));
            CHECK(std::bit_cast<std::uint32_t>(r.show->state.at(address)) == std::bit_cast<std::uint32_t>(v));
        }
    }
    // The text stays short where the float is: 0.1f is written 0.1, not 0.10000000149011612.
    Show one;
    one.layout = layout;
    one.state["/ch/1/pan"] = 0.1f;
    one.state["/ch/2/pan"] = -0.0f;
    const std::string text = toJson(one);
    CHECK(text.find("\"/ch/1/pan\": 0.1,") != std::string::npos);
    CHECK(text.find("\"/ch/2/pan\": -0.0") != std::string::npos);
}

TEST_CASE("Show file: the text is the documented format", "[scenes][showfile]") {
    Show show = makeShow({8, 16, 4}, 7);
    const std::string text = toJson(show);
    // Fixed key order, 2-space indent, format and version first.
    CHECK(text.rfind("{\n  \"format\": \"foh-show\",\n  \"version\": 1,\n  \"layout\": {\n    \"channels\": 8,\n"
                     "    \"buses\": 16,\n    \"fx\": 4\n  },\n  \"current_scene\": 2,\n  \"safes\": [\n    \"ch/3\",\n"
                     "    \"eq\",\n    \"ch/5:fader/pan\"\n  ],\n  \"state\": {\n",
                     0) == 0);
    CHECK(text.find("\"/ch/1/fader\": \"-inf\"") != std::string::npos);
    CHECK(text.find("\"fade_ms\": 2000.0") != std::string::npos);
    CHECK(text.find("\"objects\": [\n          \"ch/1\",\n          \"ch/2\",\n          \"main\"\n        ]") !=
          std::string::npos);
    CHECK(text.find("\"clients\": {\n    \"admin_pin\": \"2468\",") != std::string::npos);
    CHECK(text.find("Ünïcødé") != std::string::npos);  // UTF-8 as is, not \u escapes
    CHECK(text.back() == '\n');
    // No current scene, no clients config: null, and no "clients" key.
    show.current = -1;
    show.clients.clear();
    const std::string bare = toJson(show);
    CHECK(bare.find("\"current_scene\": null") != std::string::npos);
    CHECK(bare.find("\"clients\"") == std::string::npos);
    const LoadResult r = loaded(bare);
    CHECK(r.show->current == -1);
    CHECK(r.show->clients.empty());
    // A current scene that names no scene is written as none, so the file always loads.
    show.current = 3;
    CHECK(toJson(show).find("\"current_scene\": null") != std::string::npos);
    show.clients = "[1, 2]";
    CHECK_THROWS_AS(toJson(show), std::invalid_argument);
}

TEST_CASE("Show file: not JSON is an error with line and column", "[scenes][showfile]") {
    const std::string good = edited(kAsIs);
    CHECK_FALSE(loaded(good).show->scenes.empty());

    SECTION("trailing garbage") {
        const std::string text = good + "\n}x";
        CHECK(errorOf(text) == "show.json: not valid JSON at " + where(text, good.size() + 1) +
                                   ": syntax error while parsing value - unexpected '}'; expected end of input");
    }
    SECTION("a bad literal in the middle names its line and column") {
        std::string text = good;
        const auto at = text.find("\"version\": 1") + 11;
        text[at] = '@';
        const std::string e = errorOf(text);
        CHECK(e.rfind("show.json: not valid JSON at line 3, column 14: ", 0) == 0);
        CHECK(where(text, at) == "line 3, column 14");
    }
    SECTION("a missing comma") {
        std::string text = good;
        const auto at = text.find("\"fx\": 4") - 1;  // the comma before it is at the end of the previous line
        const auto comma = text.rfind(',', at);
        text.erase(comma, 1);
        const std::string e = errorOf(text);
        CHECK(e.find("not valid JSON at " + where(text, text.find("\"fx\"") + 3)) != std::string::npos);
        CHECK(e.find("expected '}'") != std::string::npos);
    }
    SECTION("truncated") {
        const std::string text = good.substr(0, good.size() / 2);
        CHECK(errorOf(text).find("show.json: not valid JSON at line ") == 0);
    }
    SECTION("empty, blank, NULs") {
        CHECK(errorOf("") == "show.json: is empty (no show in it)");
        CHECK(errorOf(" \n\t\r\n") == "show.json: is empty (no show in it)");
        CHECK(errorOf(std::string(4096, '\0')) ==
              "show.json: not valid JSON at line 1, column 1: a NUL byte (the file is damaged, or is not a text file)");
        std::string text = good;
        text[text.find("\"layout\"")] = '\0';
        CHECK(errorOf(text) == "show.json: not valid JSON at line 4, column 3: a NUL byte (the file is damaged, or "
                               "is not a text file)");
    }
    SECTION("nested too deep: refused before the parser sees it") {
        CHECK(errorOf(std::string(100000, '[')) ==
              "show.json: not valid JSON at line 1, column 65: nested deeper than 64 levels (a show file nests 5)");
        std::string objects;
        for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
        CHECK(errorOf(objects).find("nested deeper than 64 levels") != std::string::npos);
        // Brackets inside strings are text, not nesting.
        const std::string deepNotes = edited([](Json& j) { j["scenes"][0]["notes"] = std::string(1000, '[') + "\\\"{"; });
        CHECK(loaded(deepNotes).show->scenes[0].notes == std::string(1000, '[') + "\\\"{");
    }
    SECTION("too large") {
        std::string text = good;
        text.resize(kMaxShowFileBytes + 1, ' ');
        CHECK(errorOf(text) == "show.json: is 67108865 bytes; a show file is at most 64 MiB");
    }
    SECTION("a number too large for a double") {
        std::string text = good;
        text.replace(text.find("\"version\": 1") + 11, 1, "1e400");
        CHECK(errorOf(text) == "show.json: not valid JSON at line 3, column 14: number overflow parsing '1e400'");
    }
    SECTION("broken UTF-8 is refused and not echoed raw") {
        std::string text = good;
        text.replace(text.find("\"Scene 1\""), 9, "\"Sc\xFF\xFE\"");
        const std::string e = errorOf(text);
        CHECK(e.find("ill-formed UTF-8") != std::string::npos);
        CHECK(e.find('\xFF') == std::string::npos);
        CHECK(e.find("\\xFF") != std::string::npos);
    }
}

TEST_CASE("Show file: not a show file, or a version this fohd does not read", "[scenes][showfile]") {
    CHECK(errorOf("[1, 2]") == "show.json: not a FOH show file (the top level is a list, not an object)");
    CHECK(errorOf("\"foh-show\"") == "show.json: not a FOH show file (the top level is a string, not an object)");
    CHECK(errorOf(kClients) == "show.json: not a FOH show file (it has no \"format\": \"foh-show\")");
    CHECK(errorOf(edited([](Json& j) { j["format"] = "foh-scene"; })) ==
          "show.json: not a FOH show file (format is \"foh-scene\", not \"foh-show\")");
    CHECK(errorOf(edited([](Json& j) { j["format"] = 1; })) ==
          "show.json: not a FOH show file (format is 1, not \"foh-show\")");
    CHECK(errorOf(edited([](Json& j) { j["version"] = 7; })) ==
          "show.json: show file version 7 is newer than this fohd understands (1)");
    CHECK(errorOf(edited([](Json& j) { j.erase("version"); })) ==
          "show.json: the show file has no \"version\" (this fohd reads version 1)");
    CHECK(errorOf(edited([](Json& j) { j["version"] = "1"; })) ==
          "show.json: version: must be a whole number, not a string");
    CHECK(errorOf(edited([](Json& j) { j["version"] = 1.5; })) ==
          "show.json: version: must be a whole number, not 1.5");
    CHECK(errorOf(edited([](Json& j) { j["version"] = 0; })) ==
          "show.json: version: show file version 0 does not exist (this fohd reads 1)");
    CHECK(loaded(edited([](Json& j) { j["version"] = 1.0; })).show);
}

TEST_CASE("Show file: wrong values name their key path", "[scenes][showfile]") {
    CHECK(errorOf(edited([](Json& j) { j["scenes"][2]["values"]["/ch/1/fader"] = 99; })) ==
          "show.json: scenes[2].values./ch/1/fader: value 99 is outside [-90, 10] dB");
    CHECK(errorOf(edited([](Json& j) { j["state"]["/ch/1/fader"] = "loud"; })) ==
          "show.json: state./ch/1/fader: must be a number (or \"-inf\" for a fader at the bottom), not the string "
          "\"loud\"");
    CHECK(errorOf(edited([](Json& j) { j["state"]["/ch/1/mute"] = true; })) ==
          "show.json: state./ch/1/mute: must be a number (or \"-inf\" for a fader at the bottom), not true/false");
    CHECK(errorOf(edited([](Json& j) { j["state"]["/ch/1/mute"] = 0.5; })) ==
          "show.json: state./ch/1/mute: value 0.5 is not a whole number");
    CHECK(errorOf(edited([](Json& j) { j["state"]["/ch/1/pan"] = "-inf"; })) ==
          "show.json: state./ch/1/pan: value is -infinity; range is [-100, 100] L100..R100");
    CHECK(errorOf(edited([](Json& j) { j["state"]["/ch/1/pan"] = 1e300; })) ==
          "show.json: state./ch/1/pan: value 1e+300 is outside [-100, 100] L100..R100");
    CHECK(errorOf(edited([](Json& j) { j["state"]["/ch/1/gate/key/src"] = 33; })) ==
          "show.json: state./ch/1/gate/key/src: channel 33 does not exist (1..32, 0 = self)");
    CHECK(errorOf(edited([](Json& j) { j["state"] = Json::array(); })) ==
          "show.json: state: must be an object of parameter values ({\"/ch/1/fader\": -6.0}), not a list");
    CHECK(errorOf(edited([](Json& j) { j["scenes"][0]["fade_ms"] = "2000"; })) ==
          "show.json: scenes[0].fade_ms: must be a number (milliseconds), not a string");
    CHECK(errorOf(edited([](Json& j) { j["scenes"][1]["fade_ms"] = 60001; })) ==
          "show.json: scenes[1].fade_ms: fade 60001 ms is outside 0..60000 ms");
    CHECK(errorOf(edited([](Json& j) { j["scenes"][1]["fade_ms"] = -1; })) ==
          "show.json: scenes[1].fade_ms: fade -1 ms is outside 0..60000 ms");
    CHECK(errorOf(edited([](Json& j) { j["scenes"][0]["name"] = 3; })) ==
          "show.json: scenes[0].name: must be a string (text in quotes), not a number");
    CHECK(errorOf(edited([](Json& j) { j["scenes"][1] = "Scene 2"; })) ==
          "show.json: scenes[1]: a scene must be an object, not a string");
    CHECK(errorOf(edited([](Json& j) { j["scenes"] = Json::object(); })) ==
          "show.json: scenes: must be a list, not an object");
    // A fader far below the bottom is at the bottom.
    CHECK(loaded(edited([](Json& j) { j["state"]["/ch/1/fader"] = -1e300; })).show->state.at("/ch/1/fader") == -kInf);
    CHECK(loaded(edited([](Json& j) { j["state"]["/ch/1/fader"] = -120; })).show->state.at("/ch/1/fader") == -kInf);
}

TEST_CASE("Show file: layout, rules, scope and current scene", "[scenes][showfile]") {
    CHECK(errorOf(edited([](Json& j) { j["layout"]["channels"] = 600; })) ==
          "show.json: layout.channels: 600 is outside 1..512");
    CHECK(errorOf(edited([](Json& j) { j["layout"]["channels"] = 0; })) ==
          "show.json: layout.channels: 0 is outside 1..512");
    CHECK(errorOf(edited([](Json& j) { j["layout"]["buses"] = "16"; })) ==
          "show.json: layout.buses: must be a whole number, not a string");
    CHECK(errorOf(edited([](Json& j) { j["layout"]["fx"] = 1.5; })) ==
          "show.json: layout.fx: must be a whole number, not 1.5");
    CHECK(errorOf(edited([](Json& j) { j["layout"]["fx"] = 9; })) == "show.json: layout.fx: 9 is outside 1..8");
    CHECK(errorOf(edited([](Json& j) { j["layout"] = 32; })) == "show.json: layout: must be an object, not a number");
    // A smaller layout: the file's own registry judges its values (channel 20 does not exist on 16 channels).
    const LoadResult small = loaded(edited([](Json& j) {
        j["layout"]["channels"] = 16;
        j["state"] = {{"/ch/20/fader", 0}, {"/ch/16/fader", -10}};
    }));
    CHECK(hasWarning(small, "show.json: state./ch/20/fader: no such parameter on this console (16 channels, 16 buses, "
                            "4 FX); ignored"));
    CHECK_FALSE(small.show->state.contains("/ch/20/fader"));
    CHECK(small.show->state.at("/ch/16/fader") == -10.0f);
    CHECK(small.warnings.size() == 2);  // and the rest of the state taking defaults
    CHECK(errorOf(edited([](Json& j) { j["layout"]["channels"] = 16; j["safes"] = {"ch/20"}; })) ==
          "show.json: safes[0]: 'ch/20' is neither a parameter group (input eq dynamics sends fader/pan mute routing) "
          "nor an object of this console (ch/N, bus/N, fx/N, mtx/N, dca/N, mgrp/N, main)");

    CHECK(errorOf(edited([](Json& j) { j["scenes"][1]["safes"] = {"ch/1:colour"}; })) ==
          "show.json: scenes[1].safes[0]: 'colour' is not a parameter group (input eq dynamics sends fader/pan mute "
          "routing)");
    CHECK(errorOf(edited([](Json& j) { j["safes"] = "ch/1"; })) ==
          "show.json: safes: must be a list of rules (\"ch/3\", \"eq\", \"ch/3:eq\"), not a string");
    CHECK(errorOf(edited([](Json& j) { j["safes"] = {"eq", 3}; })) ==
          "show.json: safes[1]: must be a rule as text (\"ch/3\", \"eq\", \"ch/3:eq\"), not a number");
    CHECK(errorOf(edited([](Json& j) { j["scenes"][0]["scope"]["objects"] = {"ch/1", "ch/99"}; })) ==
          "show.json: scenes[0].scope.objects[1]: 'ch/99' is not an object of this console (ch/N, bus/N, fx/N, "
          "mtx/N, dca/N, mgrp/N, main)");
    CHECK(errorOf(edited([](Json& j) { j["scenes"][0]["scope"]["groups"] = {"eq", "colour"}; })) ==
          "show.json: scenes[0].scope.groups[1]: 'colour' is not a parameter group (input eq dynamics sends "
          "fader/pan mute routing)");
    CHECK(errorOf(edited([](Json& j) { j["scenes"][0]["scope"] = "eq"; })) ==
          "show.json: scenes[0].scope: must be an object ({\"objects\": [...], \"groups\": [...]}), not a string");
    // Scope objects with or without the leading slash, group aliases: stored in the model's form.
    const LoadResult scoped = loaded(edited([](Json& j) {
        j["scenes"][0]["scope"]["objects"] = {"/ch/2", "main"};
        j["scenes"][0]["scope"]["groups"] = {"fader", "trim"};
    }));
    CHECK(scoped.show->scenes[0].scope.objects == std::vector<std::string>{"/ch/2", "/main"});
    CHECK(scoped.show->scenes[0].scope.groups == std::vector<ParamGroup>{ParamGroup::FaderPan, ParamGroup::Input});

    CHECK(errorOf(edited([](Json& j) { j["current_scene"] = 4; })) ==
          "show.json: current_scene: 4 is not a scene of this show (it has 3; 1-based, or null for none)");
    CHECK(errorOf(edited([](Json& j) { j["current_scene"] = 0; })) ==
          "show.json: current_scene: 0 is not a scene of this show (it has 3; 1-based, or null for none)");
    CHECK(errorOf(edited([](Json& j) { j["current_scene"] = "2"; })) ==
          "show.json: current_scene: must be a scene number (1-based) or null, not a string");
    CHECK(loaded(edited([](Json& j) { j["current_scene"] = 3; })).show->current == 2);
    CHECK(loaded(edited([](Json& j) { j.erase("current_scene"); })).show->current == -1);
}

TEST_CASE("Show file: unknown keys and addresses are warnings; missing keys take defaults", "[scenes][showfile]") {
    const LoadResult r = loaded(edited([](Json& j) {
        j["colour"] = "blue";
        j["layout"]["matrices"] = 8;
        j["scenes"][0]["colour"] = "red";
        j["scenes"][0]["scope"]["channels"] = Json::array();
        j["state"]["/ch/40/fader"] = 0;
        j["state"]["/ch/1/fadr"] = 0;
        j["scenes"][1]["values"]["/ch/1/solo"] = 1;
        j["scenes"][1]["values"]["/ch/01/mute"] = 1;
        j["scenes"][2]["values"] = Json::object();
        j["scenes"].push_back(Json::object());
    }));
    CHECK(hasWarning(r, "show.json: colour: unknown key, ignored (known here: format, version, layout, current_scene, "
                        "safes, state, scenes, clients, names)"));
    CHECK(hasWarning(r, "show.json: layout.matrices: unknown key, ignored (known here: channels, buses, fx)"));
    CHECK(hasWarning(r, "show.json: scenes[0].colour: unknown key, ignored (known here: name, notes, fade_ms, scope, "
                        "safes, values)"));
    CHECK(hasWarning(r, "show.json: scenes[0].scope.channels: unknown key, ignored (known here: objects, groups)"));
    CHECK(hasWarning(r, "show.json: state./ch/40/fader: no such parameter on this console (32 channels, 16 buses, 4 "
                        "FX); ignored"));
    CHECK(hasWarning(r, "show.json: state./ch/1/fadr: no such parameter"));
    CHECK(hasWarning(r, "show.json: scenes[1].values./ch/1/solo: scenes never store this parameter (solo, listen, "
                        "momentary actions, record arming); ignored"));
    CHECK(hasWarning(r, "show.json: scenes[2]: scene 'Scene 3' stores no values; recalling it changes nothing"));
    CHECK(hasWarning(r, "show.json: scenes[3]: scene 'Scene 4' stores no values; recalling it changes nothing"));
    CHECK(r.warnings.size() == 9);
    const Show& show = *r.show;
    CHECK_FALSE(show.state.contains("/ch/40/fader"));
    CHECK_FALSE(show.scenes[1].values.contains("/ch/1/solo"));
    CHECK(show.scenes[1].values.at("/ch/1/mute") == 1.0f);  // a zero-padded address, stored in its own form
    // The scene with nothing in it: every default.
    REQUIRE(show.scenes.size() == 4);
    const Scene& empty = show.scenes[3];
    CHECK(empty.name == "Scene 4");
    CHECK(empty.notes.empty());
    CHECK(empty.fadeMs == 0.0f);
    CHECK(empty.scope == Scope{});
    CHECK(empty.safes.empty());
    CHECK(empty.values.empty());

    // The least show file: everything defaulted, the whole state at the registry's defaults (said once).
    const LoadResult least = loaded(R"({"format": "foh-show", "version": 1})");
    REQUIRE(least.warnings.size() == 1);
    CHECK(least.warnings[0].rfind("show.json: state: ", 0) == 0);
    CHECK(least.warnings[0].find("parameters are not in the file and take their defaults (the first: /ch/1/trim)") !=
          std::string::npos);
    const ParamRegistry registry(ConsoleLayout{});
    CHECK(least.show->layout == ConsoleLayout{});
    // Every parameter a show keeps: what scenes store plus the record arming (solo, listen, tap and the like are
    // not part of a show).
    const auto stored = std::count_if(registry.all().begin(), registry.all().end(), [](const ParamInfo& p) {
        return keptInShow(p.target.object == ObjectKind::Solo, p.spec->key);
    });
    CHECK(least.show->state.size() == static_cast<std::size_t>(stored));
    CHECK(stored < static_cast<long>(registry.size()));
    CHECK(least.show->state.at("/ch/1/fader") == registry.validate(*registry.find("/ch/1/fader"),
                                                                   registry.info(*registry.find("/ch/1/fader")).spec->def).value);
    CHECK(least.show->scenes.empty());
    CHECK(least.show->current == -1);

    // Many unknown addresses: the first hundred warnings, then a count.
    const LoadResult many = loaded(edited([](Json& j) {
        for (int i = 0; i < 1000; ++i) j["state"]["/nope/" + std::to_string(i)] = 0;
    }));
    CHECK(many.warnings.size() == 101);
    CHECK(many.warnings.back() == "show.json: and 900 more warnings like these");
    // Keys from the file are printed safely.
    const LoadResult odd = loaded(edited([](Json& j) { j["\x1b[31mred"] = 1; }));
    CHECK(hasWarning(odd, "show.json: \\x1B[31mred: unknown key"));
}

TEST_CASE("Show file: a key twice in one object is an error", "[scenes][showfile]") {
    std::string text = edited(kAsIs);
    const auto at = text.find("\"/ch/1/fader\"");
    text.insert(at, "\"/ch/1/fader\": 0,\n    ");
    CHECK(errorOf(text) == "show.json: state./ch/1/fader: appears twice in one object (which one is meant?)");
    std::string scene = edited(kAsIs);
    scene.insert(scene.find("\"notes\""), "\"name\": \"again\", ");
    CHECK(errorOf(scene) == "show.json: scenes[0].name: appears twice in one object (which one is meant?)");
    CHECK(errorOf(edited([](Json& j) { j["scenes"][2]["values"]["/ch/01/fader"] = 0; })) ==
          "show.json: scenes[2].values./ch/01/fader: the same parameter as scenes[2].values./ch/1/fader (which one is "
          "meant?)");
}

TEST_CASE("Show file: never names files or commands", "[scenes][showfile]") {
    CHECK(errorOf(edited([](Json& j) { j["path"] = "/etc/passwd"; })) ==
          "show.json: path: the show file never names files, folders or commands (a key like this is refused, not "
          "ignored)");
    CHECK(errorOf(edited([](Json& j) { j["scenes"][1]["script"] = "rm -rf ~"; }))
              .rfind("show.json: scenes[1].script: the show file never names files", 0) == 0);
    CHECK(errorOf(edited([](Json& j) { j["clients"] = {{"include", "../../other.json"}}; }))
              .rfind("show.json: clients.include: the show file never names", 0) == 0);
    CHECK(errorOf(edited([](Json& j) { j["scenes"][0]["scope"]["presetFile"] = "x"; }))
              .rfind("show.json: scenes[0].scope.presetFile: the show file never names", 0) == 0);
    CHECK(errorOf(edited([](Json& j) { j["state"]["/ch/1/exec"] = 0; }))
              .rfind("show.json: state./ch/1/exec: the show file never names", 0) == 0);
    CHECK(errorOf(edited([](Json& j) { j["layout"]["take_folder"] = "/tmp"; }))
              .rfind("show.json: layout.take_folder: the show file never names", 0) == 0);

    for (const char* key : {"path", "file", "exec", "command", "script", "include", "filename", "FilePath", "on_load_cmd",
                            "shell", "workDir", "includes", "post-exec", "URL", "folder", "directory"})
        CHECK(looksLikePathOrCommand(key));
    for (const char* key : {"format", "version", "layout", "channels", "buses", "fx", "current_scene", "safes", "state",
                            "scenes", "name", "notes", "fade_ms", "scope", "objects", "groups", "values", "clients",
                            "admin_pin", "host", "role", "reply_port", "pins", "pin", "direct"})
        CHECK_FALSE(looksLikePathOrCommand(key));
    // No parameter address of the largest console looks like one.
    const ParamRegistry largest(ConsoleLayout{ParamRegistry::kMaxChannels, kMaxBuses, kMaxFx});
    std::size_t flagged = 0;
    for (const ParamInfo& p : largest.all())
        if (looksLikePathOrCommand(p.address)) {
            UNSCOPED_INFO(p.address);
            ++flagged;
        }
    CHECK(flagged == 0);
}

TEST_CASE("Show file: the clients config is kept as its JSON text", "[scenes][showfile]") {
    const LoadResult r = loaded(edited([](Json& j) { j["clients"] = Json::parse(kClients); }));
    CHECK(r.show->clients == kClients);  // its own key order, compact
    CHECK(errorOf(edited([](Json& j) { j["clients"] = "admin"; })) ==
          "show.json: clients: must be an object (the clients config), not a string");
    CHECK(errorOf(edited([](Json& j) { j["clients"] = nullptr; })) ==
          "show.json: clients: must be an object (the clients config), not null");
}

TEST_CASE("Show file: names of channels and buses", "[scenes][showfile]") {
    const LoadResult r = loaded(edited([](Json& j) { j["names"] = Json::parse(R"({"ch/1": "Kick", "/bus/2": "Vox"})"); }));
    CHECK(r.show->names.at("/ch/1") == "Kick");
    CHECK(r.show->names.at("/bus/2") == "Vox");
    const LoadResult ghost = loaded(edited([](Json& j) { j["names"] = Json::parse(R"({"ch/99": "Ghost"})"); }));
    CHECK(ghost.show->names.empty());
    CHECK(hasWarning(ghost, "names.ch/99: no such object on this console; ignored"));
    CHECK(errorOf(edited([](Json& j) { j["names"] = Json::parse(R"({"ch/1": 7})"); })) ==
          "show.json: names.ch/1: must be a string, not a number");
    CHECK(errorOf(edited([](Json& j) { j["names"] = Json::parse(R"({"ch/1": "a name far longer than thirty-two bytes"})"); }))
              .find("names.ch/1: a name is at most 32 bytes") != std::string::npos);
    CHECK(errorOf(edited([](Json& j) { j["names"] = "Kick"; })).find("names: must be an object") != std::string::npos);
}

TEST_CASE("Show file: a failed load gives no show at all", "[scenes][showfile]") {
    // The error comes last (after the layout, state and scenes read fine, and a warning): still no show, no warnings.
    const LoadResult r = parseShow(edited([](Json& j) {
        j["colour"] = "blue";
        j["current_scene"] = 9;
    }), kSource);
    CHECK_FALSE(r.show);
    CHECK(r.warnings.empty());
    CHECK(r.error == "show.json: current_scene: 9 is not a scene of this show (it has 3; 1-based, or null for none)");
}

TEST_CASE("Show file: truncated at every 1 % of its length, a clear error each time", "[scenes][showfile]") {
    Show show = makeShow({5, 4, 2}, 42);
    const std::string text = toJson(show);
    INFO("size " << text.size());
    REQUIRE(text.size() > 40000);
    REQUIRE(text.size() < 80000);
    for (int percent = 0; percent < 100; ++percent) {
        const std::size_t at = text.size() * static_cast<std::size_t>(percent) / 100;
        INFO("truncated at " << percent << " % (" << at << " bytes)");
        const std::string e = errorOf(text.substr(0, at));
        if (percent > 0) CHECK(e.find("show.json: not valid JSON at line ") == 0);
    }
}

TEST_CASE("Show file: flipped, inserted and deleted bytes load correctly or fail clearly", "[scenes][showfile]") {
    Show show = makeShow({5, 4, 2}, 43);
    const std::string text = toJson(show);
    std::mt19937 rng(20261201);
    int loadedCount = 0, failed = 0;
    for (int i = 0; i < 2000; ++i) {
        std::string t = text;
        const std::size_t at = std::uniform_int_distribution<std::size_t>(0, t.size() - 1)(rng);
        const auto byte = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
        switch (i % 4) {
            case 0: t[at] = byte; break;                                              // replace with any byte
            case 1: t[at] = static_cast<char>(t[at] ^ (1 << (i / 4 % 8))); break;    // flip one bit
            case 2: t.insert(t.begin() + static_cast<std::ptrdiff_t>(at), byte); break;
            case 3: t.erase(at, 1); break;
        }
        INFO("mutation " << i << " at byte " << at);
        const LoadResult r = parseShow(t, kSource);
        if (r.show) {
            CHECK(r.error.empty());
            CHECK(invalidIn(*r.show).empty());
            ++loadedCount;
        } else {
            CHECK(r.error.rfind("show.json: ", 0) == 0);
            CHECK(r.error.size() > std::string("show.json: ").size());
            CHECK(r.warnings.empty());
            ++failed;
        }
    }
    // Both outcomes happen (a flipped digit still loads; a flipped quote does not).
    CHECK(loadedCount > 100);
    CHECK(failed > 100);
}
