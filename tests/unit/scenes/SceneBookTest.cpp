// Scenes on a running engine: recall restores every stored parameter exactly (control store and audio graph),
// safes and scope (randomized), preview, undo of a recall and of a single change, the history's origins, editing,
// and the crossfade measured on the audio (a fader along the fader law, an EQ gain rising smoothly), under the RT
// trap.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <random>

#include "scenes/SceneBook.h"
#include "params/ParamCurve.h"
#include "support/Desk.h"
#include "support/RtTrap.h"

using namespace foh;
using namespace foh::scenes;

namespace {

GraphConfig smallConsole() {
    GraphConfig c;
    c.channels = 8;
    c.buses = 4;
    c.fx = 2;
    c.maxBlock = 64;
    return c;
}

/// A valid value for `spec`, other than `avoid` where possible.
float randomValue(const ParamSpec& spec, std::mt19937& rng, float avoid) {
    for (int attempt = 0; attempt < 8; ++attempt) {
        float v;
        if (spec.curve == Curve::Toggle) v = static_cast<float>(rng() % 2);
        else if (spec.curve == Curve::Choice) v = static_cast<float>(rng() % std::max<std::size_t>(1, spec.choices.size()));
        else if (spec.unit == Unit::Channel) v = static_cast<float>(static_cast<int>(spec.min) + static_cast<int>(rng() % static_cast<unsigned>(spec.max - spec.min + 1)));
        else v = fromNormalized(spec, std::uniform_real_distribution<float>(0.02f, 1.0f)(rng));
        if (v != avoid) return v;
    }
    return avoid;
}

/// Whether a parameter is one the randomized tests leave alone: what scenes never store.
bool leaveAlone(const ParamInfo& p) { return !recalledByScenes(p.target.object == ObjectKind::Solo, p.spec->key); }

/// Sets every parameter the tests may touch to a new random value (refusals, e.g. an FX routing loop, are skipped).
void changeEverything(test::Desk& desk, std::mt19937& rng) {
    const auto registry = desk.engine.registry();
    const auto values = desk.engine.values();
    for (ParamId id = 0; id < registry->size(); ++id) {
        const ParamInfo& p = registry->info(id);
        if (leaveAlone(p)) continue;
        (void)desk.engine.set(*desk.queue, id, randomValue(*p.spec, rng, values[id].value));
    }
}

void run(test::Desk& desk, std::size_t frames) {
    const std::size_t channels = static_cast<std::size_t>(desk.config.channels);
    (void)desk.render(std::vector<std::vector<float>>(channels, std::vector<float>(frames, 0.0f)), frames);
}

bool same(float a, float b) { return a == b || (std::isinf(a) && std::isinf(b) && (a < 0) == (b < 0)); }

}  // namespace

TEST_CASE("recall restores every stored parameter exactly, in the control store and in the audio graph", "[scenes]") {
    test::Desk desk(smallConsole());
    SceneBook book(desk.engine);
    std::mt19937 rng(7);
    changeEverything(desk, rng);
    run(desk, 256);
    std::string error;
    REQUIRE(book.store(std::nullopt, "A", error) == 0);
    const std::vector<ParamState> stored = desk.engine.values();
    changeEverything(desk, rng);
    run(desk, 256);

    test::RtViolationScope trap;
    REQUIRE(book.recall(0, 0.0f, "test").ok);
    CHECK(book.pending() == 0);
    run(desk, 1024);
    CHECK(trap.violations().total() == 0);

    const auto registry = desk.engine.registry();
    const std::vector<ParamState> now = desk.engine.values();
    const Graph* graph = desk.engine.graphWhileStopped();
    REQUIRE(graph != nullptr);
    int compared = 0, wrong = 0;
    for (ParamId id = 0; id < registry->size(); ++id) {
        const ParamInfo& p = registry->info(id);
        if (leaveAlone(p)) continue;
        ++compared;
        if (!same(now[id].value, stored[id].value) || !same(graph->param(p.target).value, stored[id].value)) {
            ++wrong;
            WARN(p.address << ": stored " << stored[id].value << ", control " << now[id].value << ", audio "
                                    << graph->param(p.target).value);
        }
    }
    CHECK(compared > 1000);
    CHECK(wrong == 0);
    CHECK(book.current() == 0);
}

TEST_CASE("safes and scope, randomized: safe or out-of-scope parameters are untouched, all others recalled",
          "[scenes]") {
    const std::vector<std::string> objects = {"/ch/1", "/ch/2", "/ch/5", "/bus/1", "/bus/3", "/fx/2", "/main", "/mtx/1", "/dca/2"};
    for (int round = 0; round < 12; ++round) {
        INFO("round " << round);
        test::Desk desk(smallConsole());
        SceneBook book(desk.engine);
        std::mt19937 rng(100 + static_cast<unsigned>(round));
        changeEverything(desk, rng);
        std::string error;
        REQUIRE(book.store(std::nullopt, "S", error) == 0);
        const std::vector<ParamState> stored = desk.engine.values();

        // Random scope, scene safes and global safes.
        const auto pickGroup = [&] { return static_cast<ParamGroup>(rng() % kParamGroups); };
        const auto pickObject = [&] { return objects[rng() % objects.size()]; };
        Scope scope;
        if (rng() % 2) for (int k = 0; k < 3; ++k) scope.objects.push_back(pickObject());
        if (rng() % 2) for (int k = 0; k < 3; ++k) scope.groups.push_back(pickGroup());
        std::vector<Rule> sceneSafes, globalSafes;
        for (int k = 0; k < 3; ++k) {
            sceneSafes.push_back({rng() % 2 ? pickObject() : "", std::nullopt});
            if (sceneSafes.back().object.empty() || rng() % 2) sceneSafes.back().group = pickGroup();
            globalSafes.push_back({pickObject(), rng() % 2 ? std::optional(pickGroup()) : std::nullopt});
        }
        REQUIRE(book.setScope(0, scope).ok);
        REQUIRE(book.setSafes(0, sceneSafes).ok);
        book.setGlobalSafes(globalSafes);

        changeEverything(desk, rng);
        const std::vector<ParamState> changed = desk.engine.values();
        REQUIRE(book.recall(0, 0.0f, "test").ok);
        run(desk, 256);
        const std::vector<ParamState> now = desk.engine.values();
        const auto registry = desk.engine.registry();
        const Scene& scene = book.scenes()[0];
        int recalled = 0, kept = 0, wrong = 0;
        for (ParamId id = 0; id < registry->size(); ++id) {
            const ParamInfo& p = registry->info(id);
            if (leaveAlone(p)) continue;
            const std::string object = ParamRegistry::objectAddress(p.target);
            const bool inScope = scope.contains(object, p.spec->group);
            const bool safe = std::any_of(sceneSafes.begin(), sceneSafes.end(), [&](const Rule& r) { return r.matches(object, p.spec->group); }) ||
                              std::any_of(globalSafes.begin(), globalSafes.end(), [&](const Rule& r) { return r.matches(object, p.spec->group); });
            CHECK(recalls(scene, globalSafes, p) == (inScope && !safe));
            const float expected = inScope && !safe ? stored[id].value : changed[id].value;
            (inScope && !safe ? recalled : kept)++;
            if (!same(now[id].value, expected)) {
                ++wrong;
                WARN(p.address << (inScope && !safe ? " recalled" : " kept") << ": expected " << expected
                                        << ", is " << now[id].value);
            }
        }
        CHECK(wrong == 0);
        CHECK(recalled + kept > 1000);
    }
}

TEST_CASE("preview lists exactly what a recall would change; undo of a recall returns the exact state before it",
          "[scenes]") {
    test::Desk desk(smallConsole());
    SceneBook book(desk.engine);
    std::string error;
    desk.set("/ch/1/fader", -10.0f);
    desk.set("/ch/2/eq/2/gain", 3.0f);
    REQUIRE(book.store(std::nullopt, "Verse", error) == 0);
    CHECK(book.preview(0).empty());
    desk.set("/ch/1/fader", -20.0f);
    desk.set("/ch/2/eq/2/gain", -4.5f);
    desk.set("/ch/3/mute", 1.0f);
    const std::vector<ParamState> before = desk.engine.values();

    const std::vector<Difference> diff = book.preview(0);
    REQUIRE(diff.size() == 3);
    CHECK(diff[0].address == "/ch/1/fader");
    CHECK(diff[0].now == -20.0f);
    CHECK(diff[0].then == -10.0f);
    CHECK(diff[1].address == "/ch/2/eq/2/gain");
    CHECK(diff[2].address == "/ch/3/mute");
    CHECK(diff[2].then == 0.0f);

    REQUIRE(book.recall(0, 2000.0f, "tablet").ok);
    run(desk, 4800);  // 100 ms into the 2 s fade
    CHECK(desk.engine.get("/ch/1/fader") == -10.0f);  // the control store holds where the fade goes
    REQUIRE(book.undoRecall("tablet").ok);
    run(desk, 4800);
    const std::vector<ParamState> after = desk.engine.values();
    for (std::size_t id = 0; id < before.size(); ++id) CHECK(same(after[id].value, before[id].value));
    const Graph* graph = desk.engine.graphWhileStopped();
    CHECK(graph->param({ObjectKind::Channel, 0, static_cast<std::uint16_t>(ChannelParam::Fader)}).value == -20.0f);
    CHECK(graph->param({ObjectKind::Channel, 1, static_cast<std::uint16_t>(ChannelParam::Eq2Gain)}).value == -4.5f);
    CHECK(graph->glides() == 0);  // the undo stopped the fade
    CHECK_FALSE(book.undoRecall("tablet").ok);
}

TEST_CASE("the history records who made each change, and one change can be undone", "[scenes]") {
    test::Desk desk(smallConsole());
    SceneBook book(desk.engine);
    CommandQueue* tablet = desk.engine.openQueue("osc");
    REQUIRE(desk.engine.set(*tablet, "/ch/4/fader", -3.0f, SetOptions{0.0f, "osc 10.0.0.5:9000 (admin)"}).ok);
    desk.set("/ch/4/pan", 20.0f);
    std::string error;
    REQUIRE(book.store(std::nullopt, "Chorus", error) == 0);
    desk.set("/ch/4/fader", -12.0f);
    REQUIRE(book.recall(0, 0.0f, "osc 10.0.0.7:9000 (admin)").ok);
    const auto h = book.history(10);
    REQUIRE(h.size() == 4);
    CHECK(h[0].address == "/ch/4/fader");
    CHECK(h[0].origin == "osc 10.0.0.5:9000 (admin)");
    CHECK(h[1].origin == "test");
    CHECK(h[3].address == "/ch/4/fader");
    CHECK(h[3].before == -12.0f);
    CHECK(h[3].after == -3.0f);
    CHECK(h[3].origin == "scene 1 'Chorus' recall by osc 10.0.0.7:9000 (admin)");

    REQUIRE(book.undoChange(h[1].seq, "cli").ok);  // the pan back to 0
    CHECK(desk.engine.get("/ch/4/pan") == 0.0f);
    CHECK(desk.engine.get("/ch/4/fader") == -3.0f);
    CHECK(book.history(1)[0].origin == "undo of change " + std::to_string(h[1].seq) + " by cli");
    CHECK_FALSE(book.undoChange(999999, "cli").ok);
}

TEST_CASE("a recall-safe half of a linked pair stays as it is: a recall sets each half from the scene", "[scenes]") {
    test::Desk desk(smallConsole());
    SceneBook book(desk.engine);
    desk.set("/ch/1/link", 1.0f);
    desk.set("/ch/1/fader", -10.0f);  // the hand on the desk moves both halves
    REQUIRE(desk.engine.get("/ch/2/fader") == -10.0f);
    std::string error;
    REQUIRE(book.store(std::nullopt, "A", error) == 0);
    desk.set("/ch/1/fader", -20.0f);
    REQUIRE(desk.engine.get("/ch/2/fader") == -20.0f);
    book.setGlobalSafes({Rule{"/ch/2", std::nullopt}});
    const auto diff = book.preview(0);
    REQUIRE(diff.size() == 1);
    CHECK(diff[0].address == "/ch/1/fader");
    REQUIRE(book.recall(0, 0.0f, "").ok);
    CHECK(desk.engine.get("/ch/1/fader") == -10.0f);
    CHECK(desk.engine.get("/ch/2/fader") == -20.0f);  // safe: untouched, though linked
}

TEST_CASE("editing the book: rename, notes, fade, move and delete keep the current scene right", "[scenes]") {
    test::Desk desk(smallConsole());
    SceneBook book(desk.engine);
    std::string error;
    for (const char* name : {"Intro", "Song 1", "Song 2"}) REQUIRE(book.store(std::nullopt, name, error));
    const auto rev = book.revision();
    REQUIRE(book.recall(1, 0.0f, "").ok);
    CHECK(book.revision() > rev);
    REQUIRE(book.move(1, 2).ok);
    CHECK(book.scenes()[2].name == "Song 1");
    CHECK(book.current() == 2);
    REQUIRE(book.move(0, 2).ok);  // Intro to the end: Song 2, Song 1, Intro
    CHECK(book.scenes()[0].name == "Song 2");
    CHECK(book.current() == 1);
    REQUIRE(book.rename(1, "Song One").ok);
    REQUIRE(book.setNotes(1, "capo 2; the singer's mic hot").ok);
    REQUIRE(book.setFade(1, 1500.0f).ok);
    CHECK_FALSE(book.setFade(1, 70000.0f).ok);
    CHECK_FALSE(book.rename(5, "x").ok);
    CHECK(book.store(7, "far", error) == std::nullopt);
    REQUIRE(book.remove(0).ok);
    CHECK(book.current() == 0);
    CHECK(book.scenes()[0].name == "Song One");
    REQUIRE(book.remove(0).ok);
    CHECK(book.current() == -1);
    CHECK(book.store(0, "", error) == 0);  // stores over scene 1 (Intro), keeping its name
    CHECK(book.scenes()[0].name == "Intro");
}

TEST_CASE("crossfade: a 2 s recall moves a fader along the fader law and an EQ gain smoothly, under the RT trap",
          "[scenes][crossfade]") {
    GraphConfig config = smallConsole();
    test::Desk desk(config);
    SceneBook book(desk.engine);
    desk.set("/ch/1/pan", -100.0f);
    desk.set("/main/fader", 0.0f);
    desk.set("/ch/1/fader", 0.0f);
    desk.set("/ch/2/pan", 100.0f);
    desk.set("/ch/2/fader", 0.0f);
    desk.set("/ch/2/eq/2/type", 1.0f);  // peak
    desk.set("/ch/2/eq/2/freq", 1000.0f);
    desk.set("/ch/2/eq/2/q", 1.0f);
    desk.set("/ch/2/eq/2/gain", 12.0f);
    std::string error;
    REQUIRE(book.store(std::nullopt, "loud", error) == 0);
    desk.set("/ch/1/fader", -40.0f);
    desk.set("/ch/2/eq/2/gain", 0.0f);
    run(desk, 48000);  // settle

    // Channel 1: DC into main L (hard left); channel 2: a 1 kHz sine into main R (hard right).
    const std::size_t n = 3 * 48000;
    std::vector<std::vector<float>> in(8, std::vector<float>(n, 0.0f));
    for (std::size_t i = 0; i < n; ++i) {
        in[0][i] = 0.5f;
        in[1][i] = 0.1f * static_cast<float>(std::sin(2.0 * std::numbers::pi * 1000.0 * static_cast<double>(i) / 48000.0));
    }
    test::RtViolationScope trap;
    REQUIRE(book.recall(0, 2000.0f, "test").ok);
    const auto out = desk.render(in, n);
    CHECK(trap.violations().total() == 0);
    const std::vector<float>& left = out[0];
    const std::vector<float>& right = out[1];

    // The fader: dB(t) along the fader law from -40 to 0 dB, linear in position over 2 s. The glide steps the
    // fader every block and the strip's 20 ms gain ramp follows the steps, so the audio is the law 20 ms later.
    const float p0 = faderLawFromDb(-40.0f), p1 = faderLawFromDb(0.0f);
    const float g0 = left[0] / 0.5f;  // the pan law at hard left is unity
    REQUIRE(g0 > 0.0f);
    float worstDb = 0.0f;
    for (double t = 0.1; t < 1.95; t += 0.05) {
        const auto i = static_cast<std::size_t>(t * 48000.0);
        const float expected = faderLawToDb(p0 + (p1 - p0) * static_cast<float>((t - 0.02) / 2.0));
        const float measured = 20.0f * std::log10(left[i] / 0.5f);
        worstDb = std::max(worstDb, std::abs(measured - expected));
    }
    INFO("worst deviation from the fader law " << worstDb << " dB");
    CHECK(worstDb < 0.15f);  // the ramp rounds the law's corners a little
    CHECK(20.0f * std::log10(left[static_cast<std::size_t>(2.1 * 48000)] / 0.5f) == Approx(0.0f).margin(1e-4));
    // No step: the steepest part of the law is the top segment, 10 dB over 0.25 of travel in 0.889 s.
    const double steepest = 0.5 * (1.0 - std::pow(10.0, -0.5)) / (0.25 / (p1 - p0) * 2.0 * 48000.0);
    float maxStep = 0.0f;
    for (std::size_t i = 1; i < n; ++i) maxStep = std::max(maxStep, std::abs(left[i] - left[i - 1]));
    INFO("largest sample-to-sample step " << maxStep << ", steepest slope of the law " << steepest);
    CHECK(maxStep < 2.0 * steepest);

    // The EQ gain: the 1 kHz level rises from 0 to +12 dB, never falling, in steps no bigger than 0.2 dB per 10 ms.
    std::vector<float> levelDb;
    for (std::size_t w = 0; w + 480 <= n; w += 480) {
        double sum = 0;
        for (std::size_t i = w; i < w + 480; ++i) sum += static_cast<double>(right[i]) * right[i];
        levelDb.push_back(static_cast<float>(10.0 * std::log10(sum / 480.0 / (0.1 * 0.1 / 2.0))));
    }
    CHECK(levelDb.front() == Approx(0.0f).margin(0.05));
    CHECK(levelDb.back() == Approx(12.0f).margin(0.1));
    float worstRise = 0.0f, worstFall = 0.0f;
    for (std::size_t k = 1; k < levelDb.size(); ++k) {
        worstRise = std::max(worstRise, levelDb[k] - levelDb[k - 1]);
        worstFall = std::min(worstFall, levelDb[k] - levelDb[k - 1]);
    }
    INFO("largest rise per 10 ms " << worstRise << " dB, largest fall " << worstFall << " dB");
    CHECK(worstRise < 0.2f);
    CHECK(worstFall > -0.01f);
}

TEST_CASE("a recall during a running fade glides on from where the fade is", "[scenes][crossfade]") {
    test::Desk desk(smallConsole());
    SceneBook book(desk.engine);
    std::string error;
    desk.set("/ch/1/fader", 0.0f);
    REQUIRE(book.store(std::nullopt, "up", error) == 0);
    desk.set("/ch/1/fader", -30.0f);
    REQUIRE(book.store(std::nullopt, "down", error) == 1);
    run(desk, 4800);
    const auto fader = [&] {
        return desk.engine.graphWhileStopped()->param({ObjectKind::Channel, 0, static_cast<std::uint16_t>(ChannelParam::Fader)}).value;
    };
    REQUIRE(book.recall(0, 1000.0f, "").ok);  // -30 -> 0 over 1 s
    run(desk, 24000);                           // half way
    const float mid = fader();
    CHECK(mid > -30.0f);
    CHECK(mid < 0.0f);
    REQUIRE(book.recall(1, 1000.0f, "").ok);  // back down, from where it is
    run(desk, 64);
    const float next = fader();
    CHECK(next <= mid);
    CHECK(next > mid - 1.0f);  // no jump
    run(desk, 48000);
    CHECK(fader() == -30.0f);
}
