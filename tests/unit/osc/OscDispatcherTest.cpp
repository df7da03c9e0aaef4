// The OSC address space over the registry, without sockets: sets, queries, /norm, enum names, TouchOSC's booleans
// and the errors.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/Engine.h"
#include "osc/OscDispatcher.h"
#include "params/ParamCurve.h"

using namespace foh;
using namespace foh::osc;

namespace {
struct Server {
    Engine engine{GraphConfig{8, 48000.0, 64, 4, 2}};
    CommandQueue* queue = engine.openQueue("osc test");
    OscDispatcher dispatcher{engine, *queue};
    Outcome send(std::string address, std::vector<OscArg> args = {}) {
        return dispatcher.handle({std::move(address), std::move(args)});
    }
    float value(const std::string& address) { return engine.get(address).value(); }
};

void requireError(const Outcome& out, BadKind kind, const std::string& address, const std::string& reasonPart) {
    CHECK(out.bad == kind);
    REQUIRE(out.replies.size() == 1);
    const OscMessage& r = out.replies[0];
    CHECK(r.address == "/error");
    REQUIRE(r.args.size() == 2);
    CHECK(r.args[0].type == 's');
    CHECK(r.args[0].text == address);
    CHECK(r.args[1].type == 's');
    INFO(r.args[1].text);
    CHECK(r.args[1].text.find(reasonPart) != std::string::npos);
    CHECK(r.args[1].text.find(address + ": ") == std::string::npos);  // the address is not repeated in the reason
}
}  // namespace

TEST_CASE("a float, an int, a double or an int64 sets a parameter in its own units, with no direct reply", "[osc]") {
    Server s;
    auto out = s.send("/ch/1/fader", {OscArg::f(-6.0f)});
    CHECK(out.bad == BadKind::None);
    CHECK(out.replies.empty());
    CHECK(s.value("/ch/1/fader") == -6.0f);
    out = s.send("/ch/2/fader", {OscArg::i(-12)});
    CHECK(s.value("/ch/2/fader") == -12.0f);
    s.send("/ch/3/pan", {OscArg{'d', -30.0, {}, {}}});
    CHECK(s.value("/ch/3/pan") == -30.0f);
    s.send("/ch/4/pan", {OscArg{'h', 40.0, {}, {}}});
    CHECK(s.value("/ch/4/pan") == 40.0f);
}

TEST_CASE("TouchOSC's booleans: T and F, float 1.0 and 0.0 and int 1 and 0 switch a toggle", "[osc]") {
    Server s;
    s.send("/ch/1/mute", {OscArg{'T', 0.0, {}, {}}});
    CHECK(s.value("/ch/1/mute") == 1.0f);
    s.send("/ch/1/mute", {OscArg{'F', 0.0, {}, {}}});
    CHECK(s.value("/ch/1/mute") == 0.0f);
    s.send("/ch/1/mute", {OscArg::f(1.0f)});
    CHECK(s.value("/ch/1/mute") == 1.0f);
    s.send("/ch/1/mute", {OscArg::i(0)});
    CHECK(s.value("/ch/1/mute") == 0.0f);
    s.send("/ch/1/mute", {OscArg::s("on")});
    CHECK(s.value("/ch/1/mute") == 1.0f);
}

TEST_CASE("an enum is set by its index or by its name as a string", "[osc]") {
    Server s;
    s.send("/ch/1/eq/1/type", {OscArg::s("lowcut")});
    CHECK(s.value("/ch/1/eq/1/type") == 3.0f);  // kEqTypesLow: lowshelf, peak, highshelf, lowcut
    s.send("/ch/1/eq/1/type", {OscArg::i(1)});
    CHECK(s.value("/ch/1/eq/1/type") == 1.0f);
    requireError(s.send("/ch/1/eq/1/type", {OscArg::s("wobble")}), BadKind::WrongType, "/ch/1/eq/1/type",
                 "not one of its choices");
    CHECK(s.value("/ch/1/eq/1/type") == 1.0f);
}

TEST_CASE("a message without arguments is a query answered with the same address and the current value", "[osc]") {
    Server s;
    s.send("/ch/2/fader", {OscArg::f(-3.5f)});
    auto out = s.send("/ch/2/fader");
    CHECK(out.bad == BadKind::None);
    REQUIRE(out.replies.size() == 1);
    CHECK(out.replies[0].address == "/ch/2/fader");
    REQUIRE(out.replies[0].args.size() == 1);
    CHECK(out.replies[0].args[0].type == 'f');
    CHECK(out.replies[0].args[0].number == Approx(-3.5));
    SECTION("a toggle or an enum answers as an int") {
        out = s.send("/ch/2/mute");
        REQUIRE(out.replies.size() == 1);
        CHECK(out.replies[0].args[0].type == 'i');
        CHECK(out.replies[0].args[0].number == 0.0);
    }
    SECTION("a zero-padded index is accepted and answered with the canonical address") {
        out = s.send("/ch/02/fader");
        REQUIRE(out.replies.size() == 1);
        CHECK(out.replies[0].address == "/ch/2/fader");
    }
}

TEST_CASE("/norm sets through the fader law: 0.75 is 0 dB, 0.5 is -10 dB, 0 is -inf; a /norm query answers 0..1",
          "[osc]") {
    Server s;
    s.send("/ch/1/fader/norm", {OscArg::f(0.75f)});
    CHECK(s.value("/ch/1/fader") == Approx(0.0f).margin(1e-4));
    s.send("/ch/1/fader/norm", {OscArg::f(0.5f)});
    CHECK(s.value("/ch/1/fader") == Approx(-10.0f).margin(1e-4));
    s.send("/ch/1/fader/norm", {OscArg::f(0.0f)});
    CHECK(std::isinf(s.value("/ch/1/fader")));
    CHECK(s.value("/ch/1/fader") < 0.0f);
    s.send("/ch/1/fader", {OscArg::f(-30.0f)});
    const auto out = s.send("/ch/1/fader/norm");
    REQUIRE(out.replies.size() == 1);
    CHECK(out.replies[0].address == "/ch/1/fader/norm");
    CHECK(out.replies[0].args[0].number == Approx(0.25).margin(1e-4));
    requireError(s.send("/ch/1/fader/norm", {OscArg::f(1.5f)}), BadKind::Refused, "/ch/1/fader/norm", "0..1");
}

TEST_CASE("errors are answered as /error s address s reason and change nothing", "[osc]") {
    Server s;
    s.send("/ch/1/fader", {OscArg::f(-6.0f)});
    SECTION("unknown address") { requireError(s.send("/ch/99/fader", {OscArg::f(0.0f)}), BadKind::Unknown, "/ch/99/fader", "no such parameter"); }
    SECTION("unknown address query") { requireError(s.send("/nothing/here"), BadKind::Unknown, "/nothing/here", "no such parameter"); }
    SECTION("NaN, the registry's reason") {
        requireError(s.send("/ch/1/fader", {OscArg::f(std::nanf(""))}), BadKind::Refused, "/ch/1/fader", "not a number");
    }
    SECTION("out of range, the registry's reason") {
        requireError(s.send("/ch/1/fader", {OscArg::f(11.0f)}), BadKind::Refused, "/ch/1/fader", "outside");
    }
    SECTION("a string for a number") {
        requireError(s.send("/ch/1/fader", {OscArg::s("loud")}), BadKind::WrongType, "/ch/1/fader", "expects a number");
    }
    SECTION("a blob") { requireError(s.send("/ch/1/fader", {OscArg{'b', 0.0, {}, {}}}), BadKind::WrongType, "/ch/1/fader", "'b'"); }
    SECTION("two values") {
        requireError(s.send("/ch/1/fader", {OscArg::f(0.0f), OscArg::f(1.0f)}), BadKind::WrongType, "/ch/1/fader", "one value");
    }
    CHECK(s.value("/ch/1/fader") == -6.0f);
}

TEST_CASE("/subscribe takes no argument or a port 1..65535", "[osc]") {
    Server s;
    CHECK(s.send("/subscribe").subscribePort == 0);
    CHECK(s.send("/subscribe", {OscArg::i(9000)}).subscribePort == 9000);
    CHECK(s.send("/subscribe", {OscArg::f(9001.0f)}).subscribePort == 9001);
    const auto bad = s.send("/subscribe", {OscArg::i(70000)});
    CHECK_FALSE(bad.subscribePort);
    requireError(bad, BadKind::WrongType, "/subscribe", "port");
}

TEST_CASE("/meters and /logout are handed to the server; bad meter requests are answered with /error", "[osc]") {
    Server s;
    Outcome out = s.send("/meters", {OscArg::s("ch"), OscArg::f(15), OscArg::s("norm")});
    REQUIRE(out.meters);
    CHECK(out.meters->group == MeterGroup::Ch);
    CHECK(out.meters->hz == 15.0f);
    CHECK(out.replies.empty());
    CHECK(s.send("/meters").meters);  // a query
    requireError(s.send("/meters", {OscArg::s("ch"), OscArg::f(60)}), BadKind::WrongType, "/meters", "0..30");
    out = s.send("/logout");
    CHECK(out.logout);
    CHECK(out.bad == BadKind::None);
    requireError(s.send("/logout", {OscArg::i(1)}), BadKind::WrongType, "/logout", "no argument");
    // Only a set that applied is marked for an early push.
    CHECK(s.send("/ch/1/fader", {OscArg::f(-3.0f)}).applied);
    CHECK_FALSE(s.send("/ch/1/fader").applied);
    CHECK_FALSE(s.send("/ch/1/fader", {OscArg::f(99.0f)}).applied);
}
