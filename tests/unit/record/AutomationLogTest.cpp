// The automation log: the engine stamps every change with the frame of the block where it took effect; a take's
// collector turns the journal into events relative to the take's start; the JSON-lines text round-trips, and a
// hand-edited log is read sorted, with bad lines reported by number and skipped.
#include <catch2/catch.hpp>

#include <cmath>

#include "record/AutomationLog.h"
#include "support/Desk.h"

using namespace foh;
using namespace foh::record;

namespace {
GraphConfig console() {
    GraphConfig c;
    c.channels = 4;
    c.maxBlock = 64;
    return c;
}
void run(test::Desk& desk, std::size_t frames) {
    (void)desk.render(std::vector<std::vector<float>>(4, std::vector<float>(frames, 0.0f)), frames);
}
}  // namespace

TEST_CASE("the engine stamps each change with the first frame of the block that applied it", "[record]") {
    test::Desk desk(console());
    run(desk, 640);
    CHECK(desk.engine.framesProcessed() == 640);
    desk.set("/ch/1/fader", -6.0f);
    desk.set("/ch/2/mute", 1.0f);
    run(desk, 64);
    REQUIRE(desk.engine.set(*desk.queue, "/ch/1/pan", 30.0f, SetOptions{100.0f, "scene"}).ok);
    run(desk, 256);
    desk.engine.housekeeping();
    const auto changes = desk.engine.changesSince(0);
    REQUIRE(changes.size() == 3);
    CHECK(changes[0].frame == 640);
    CHECK(changes[1].frame == 640);
    CHECK(changes[2].frame == 704);
    CHECK(changes[2].fadeMs == 100.0f);
    // A change not yet rendered has no frame.
    desk.set("/ch/3/fader", -3.0f);
    desk.engine.housekeeping();
    CHECK(desk.engine.changesSince(0).back().frame == kNoFrame);
}

TEST_CASE("a take's collector gives events from the take's start, only once they have their frames", "[record]") {
    test::Desk desk(console());
    run(desk, 128);
    desk.set("/ch/4/fader", -20.0f);  // before the take
    run(desk, 64);
    desk.engine.housekeeping();
    AutomationCollector take(desk.engine.framesProcessed(), desk.engine.lastSeq());  // the take starts at 192
    desk.set("/ch/1/fader", -INFINITY);
    CHECK(take.collect(desk.engine).empty());  // not applied yet
    run(desk, 128);
    REQUIRE(desk.engine.set(*desk.queue, "/ch/2/fader", -12.0f, SetOptions{2000.0f, "scene 1 'A' recall"}).ok);
    run(desk, 64);
    desk.engine.housekeeping();
    const auto events = take.collect(desk.engine);
    REQUIRE(events.size() == 2);
    CHECK(events[0] == AutomationEvent{0, "/ch/1/fader", -INFINITY, 0.0f, "test"});
    CHECK(events[1] == AutomationEvent{128, "/ch/2/fader", -12.0f, 2000.0f, "scene 1 'A' recall"});
    CHECK(take.collect(desk.engine).empty());  // each change once

    // The text round-trips.
    std::string text;
    for (const auto& e : events) text += formatAutomationLine(e) + "\n";
    CHECK(text.find(R"("value":"-inf")") != std::string::npos);
    const auto parsed = parseAutomationLog(text, "automation.jsonl", *desk.engine.registry());
    CHECK(parsed.errors.empty());
    CHECK(parsed.events == events);
}

TEST_CASE("a hand-edited automation log: sorted by frame, bad lines reported by number and skipped", "[record]") {
    const ParamRegistry registry(4);
    const std::string text =
        R"({"frame": 4800, "address": "/ch/1/fader", "value": -3, "fade_ms": 0, "origin": "edited"})" "\n"
        R"({"frame": 100, "address": "/ch/01/pan", "value": 25})" "\n"
        "\n"
        R"({"frame": 200, "address": "/ch/9/fader", "value": 0})" "\n"
        R"({"frame": -5, "address": "/ch/1/fader", "value": 0})" "\n"
        R"({"frame": 300, "address": "/ch/1/fader", "value": 99})" "\n"
        R"({"frame": 300, "address": "/ch/1/fader", "value": "loud"})" "\n"
        R"({"frame": 300, "address": "/ch/1/fader", "value": 0, "fade_ms": 99999})" "\n"
        "not json\r\n"
        R"({"frame": 100, "address": "/ch/2/mute", "value": 1})" "\n";
    const auto r = parseAutomationLog(text, "automation.jsonl", registry);
    REQUIRE(r.events.size() == 3);
    CHECK(r.events[0].frame == 100);
    CHECK(r.events[0].address == "/ch/1/pan");  // the registry's own form
    CHECK(r.events[1].address == "/ch/2/mute");  // equal frames keep the file's order
    CHECK(r.events[2].frame == 4800);
    CHECK(r.events[2].origin == "edited");
    REQUIRE(r.errors.size() == 6);
    CHECK(r.errors[0].rfind("automation.jsonl: line 4: '/ch/9/fader' is not a parameter", 0) == 0);
    CHECK(r.errors[1].find("line 5: \"frame\" must be a whole number") != std::string::npos);
    CHECK(r.errors[2].find("line 6: ") != std::string::npos);
    CHECK(r.errors[2].find("outside") != std::string::npos);
    CHECK(r.errors[3].find("line 7: \"value\" must be a number") != std::string::npos);
    CHECK(r.errors[4].find("line 8: \"fade_ms\"") != std::string::npos);
    CHECK(r.errors[5].find("line 9: not a JSON object") != std::string::npos);
}
