#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <set>

#include "core/Engine.h"
#include "params/ParamCurve.h"
#include "params/ParamRegistry.h"

using namespace foh;

TEST_CASE("registry instantiates every parameter once per object, sends only to buses and FX that exist", "[params]") {
    const ParamRegistry r(ConsoleLayout{32, 16, 4});
    // Per channel: the table minus the sends to buses 17..32 and FX 5..8 this layout does not have.
    const std::size_t perChannel = kChannelParams.size() - 16 * kSendFields - 4 * kFxSendFields;
    const std::size_t perFx = kFxParams.size() - 16 * 2 - 4 * 2;
    const std::size_t perMatrix = kMatrixParams.size() - 16 * 2;
    REQUIRE(r.size() == 32 * perChannel + kMainParams.size() + 16 * kBusParams.size() + 4 * perFx +
                            kMatrices * perMatrix + kDcas * kDcaParams.size() + kMuteGroups * kMuteGroupParams.size() +
                            kSoloParams.size());
    std::set<std::string> addresses;
    for (const ParamInfo& p : r.all()) addresses.insert(p.address);
    CHECK(addresses.size() == r.size());
    CHECK(r.find("/ch/1/fader").has_value());
    CHECK(r.find("/ch/32/mute").has_value());
    CHECK(r.find("/main/fader").has_value());
    CHECK_FALSE(r.find("/ch/33/fader").has_value());
    CHECK_FALSE(r.find("/ch/0/fader").has_value());
    CHECK_FALSE(r.find("/ch/1/nonsense").has_value());
    CHECK_FALSE(r.find("").has_value());
    CHECK(r.find("/ch/1/send/16/level").has_value());
    CHECK_FALSE(r.find("/ch/1/send/17/level").has_value());
    CHECK(r.find("/ch/3/fxsend/4/tap").has_value());
    CHECK_FALSE(r.find("/ch/3/fxsend/5/tap").has_value());
    CHECK(r.find("/bus/16/eq/2/gain").has_value());
    CHECK_FALSE(r.find("/bus/17/fader").has_value());
    CHECK(r.find("/fx/4/reverb/decay").has_value());
    CHECK(r.find("/mtx/8/bus/16/level").has_value());
    CHECK(r.find("/dca/8/fader").has_value());
    CHECK(r.find("/mgrp/6/mute").has_value());
    CHECK(r.find("/solo/mode").has_value());
    CHECK(r.find("/ch/1/dca/8").has_value());
    CHECK_FALSE(r.find("/ch/1/dca/9").has_value());
    CHECK_THROWS_AS(ParamRegistry(0), std::invalid_argument);
    CHECK_THROWS_AS(ParamRegistry(513), std::invalid_argument);
    CHECK_THROWS_AS(ParamRegistry(ConsoleLayout{8, 33, 4}), std::invalid_argument);
    CHECK_THROWS_AS(ParamRegistry(ConsoleLayout{8, 16, 9}), std::invalid_argument);
    const ParamRegistry big(ConsoleLayout{8, 32, 8});
    CHECK(big.find("/ch/8/send/32/pan").has_value());
    CHECK(big.find("/fx/8/fxsend/8/on").has_value());
}

TEST_CASE("zero-padded indexes address the same parameter, as X32 users type them", "[params]") {
    const ParamRegistry r(32);
    CHECK(r.find("/ch/01/fader") == r.find("/ch/1/fader"));
    CHECK(r.find("/ch/007/pan") == r.find("/ch/7/pan"));
}

TEST_CASE("ids, targets and addresses agree for every parameter", "[params]") {
    const ParamRegistry r(8);
    for (ParamId id = 0; id < r.size(); ++id) {
        const ParamInfo& p = r.info(id);
        CHECK(r.idOf(p.target) == id);
        CHECK(r.find(p.address) == id);
        CHECK(validateAgainst(*p.spec, p.spec->def).ok);  // every default is a legal value
    }
}

TEST_CASE("validation refuses NaN, infinities and out-of-range values with a reason", "[params]") {
    const ParamRegistry r(4);
    const ParamId fader = *r.find("/ch/1/fader");
    const ParamId trim = *r.find("/ch/1/trim");
    const ParamId mute = *r.find("/ch/1/mute");
    const float inf = std::numeric_limits<float>::infinity();

    Checked c = r.validate(trim, std::nanf(""));
    CHECK_FALSE(c.ok);
    CHECK(c.error.find("/ch/1/trim") != std::string::npos);
    CHECK(c.error.find("not a number") != std::string::npos);
    CHECK_FALSE(r.validate(trim, inf).ok);
    CHECK_FALSE(r.validate(trim, -inf).ok);
    CHECK_FALSE(r.validate(trim, 24.5f).ok);
    CHECK_FALSE(r.validate(trim, -24.01f).ok);
    CHECK(r.validate(trim, -24.0f).ok);
    CHECK(r.validate(trim, 24.0f).value == 24.0f);
    CHECK_FALSE(r.validate(mute, 0.5f).ok);
    CHECK(r.validate(mute, 1.0f).ok);

    // Faders: the bottom of the travel and anything below it is -inf; above +10 dB is refused.
    CHECK(r.validate(fader, -inf).value == -inf);
    CHECK(r.validate(fader, -90.0f).value == -inf);
    CHECK(r.validate(fader, -500.0f).value == -inf);
    CHECK(r.validate(fader, -89.5f).value == -89.5f);
    CHECK_FALSE(r.validate(fader, 10.5f).ok);
    CHECK_FALSE(r.validate(fader, inf).ok);
    CHECK_FALSE(r.validate(fader, std::nanf("")).ok);
}

TEST_CASE("the fader law hits its documented points", "[params]") {
    CHECK(faderLawToDb(0.0f) == -std::numeric_limits<float>::infinity());
    CHECK(faderLawToDb(0.0625f) == Approx(-60.0f));
    CHECK(faderLawToDb(0.25f) == Approx(-30.0f));
    CHECK(faderLawToDb(0.5f) == Approx(-10.0f));
    CHECK(faderLawToDb(0.75f) == Approx(0.0f).margin(1e-5));
    CHECK(faderLawToDb(1.0f) == Approx(10.0f));
    // Monotonic and invertible over the whole travel.
    float previous = -std::numeric_limits<float>::infinity();
    for (int i = 1; i <= 1000; ++i) {
        const float pos = static_cast<float>(i) / 1000.0f;
        const float db = faderLawToDb(pos);
        CHECK(db > previous);
        CHECK(faderLawFromDb(db) == Approx(pos).margin(1e-5));
        previous = db;
    }
}

TEST_CASE("0..1 positions map through each curve and back", "[params]") {
    const ParamSpec& fader = spec(ChannelParam::Fader);
    CHECK(fromNormalized(fader, 0.0f) == -std::numeric_limits<float>::infinity());
    CHECK(fromNormalized(fader, 0.75f) == Approx(0.0f).margin(1e-5));
    CHECK(toNormalized(fader, 0.0f) == Approx(0.75f));
    const ParamSpec& pan = spec(ChannelParam::Pan);
    CHECK(fromNormalized(pan, 0.5f) == Approx(0.0f).margin(1e-5));
    CHECK(fromNormalized(pan, 0.0f) == -100.0f);
    CHECK(toNormalized(pan, 100.0f) == 1.0f);
    const ParamSpec& mute = spec(ChannelParam::Mute);
    CHECK(fromNormalized(mute, 0.49f) == 0.0f);
    CHECK(fromNormalized(mute, 0.5f) == 1.0f);
    const ParamSpec logSpec{"freq", Unit::Hertz, 20.0f, 20000.0f, 1000.0f, Curve::Logarithmic, ParamGroup::Eq};
    CHECK(fromNormalized(logSpec, 0.5f) == Approx(std::sqrt(20.0f * 20000.0f)));  // geometric middle
    for (float n : {0.0f, 0.1f, 0.37f, 0.9f, 1.0f}) CHECK(toNormalized(logSpec, fromNormalized(logSpec, n)) == Approx(n).margin(1e-5));
}

TEST_CASE("the engine refuses a bad value and keeps the old one", "[params][engine]") {
    Engine engine(GraphConfig{4, 48000.0, 64});
    CommandQueue* q = engine.openQueue("test");
    REQUIRE(q != nullptr);
    REQUIRE(engine.set(*q, "/ch/2/fader", -6.0f).ok);
    const Checked bad = engine.set(*q, "/ch/2/fader", std::nanf(""));
    CHECK_FALSE(bad.ok);
    CHECK_FALSE(bad.error.empty());
    CHECK(engine.get("/ch/2/fader") == -6.0f);
    CHECK_FALSE(engine.set(*q, "/ch/9/fader", 0.0f).ok);
    CHECK(engine.set(*q, "/ch/02/fader", 1.0f).ok);
    CHECK(engine.get("/ch/2/fader") == 1.0f);
    CHECK(engine.setNormalized(*q, "/ch/2/fader", 0.75f).ok);
    CHECK(*engine.get("/ch/2/fader") == Approx(0.0f).margin(1e-5));
    CHECK_FALSE(engine.setNormalized(*q, "/ch/2/fader", 1.5f).ok);
}
