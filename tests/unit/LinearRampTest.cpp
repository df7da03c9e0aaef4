#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "dsp/LinearRamp.h"

using foh::dsp::LinearRamp;

TEST_CASE("a ramp lands exactly on its target after the set number of samples", "[ramp]") {
    LinearRamp r;
    r.snapTo(0.0f);
    r.rampTo(0.7f, 960);
    float v = 0.0f;
    for (int i = 0; i < 959; ++i) v = r.next();
    CHECK(v < 0.7f);
    CHECK(r.ramping());
    CHECK(r.next() == 0.7f);
    CHECK_FALSE(r.ramping());
    CHECK(r.next() == 0.7f);
}

TEST_CASE("no ramp step is larger than the distance over the ramp length", "[ramp]") {
    LinearRamp r;
    r.snapTo(1.0f);
    r.rampTo(0.0f, 480);
    float previous = r.current();
    const float allowed = 1.0f / 480.0f * 1.0001f;
    for (int i = 0; i < 600; ++i) {
        const float v = r.next();
        CHECK(std::fabs(v - previous) <= allowed);
        previous = v;
    }
    CHECK(previous == 0.0f);
}

TEST_CASE("a new target mid-ramp starts from where the ramp is", "[ramp]") {
    LinearRamp r;
    r.snapTo(0.0f);
    r.rampTo(1.0f, 100);
    for (int i = 0; i < 50; ++i) r.next();
    const float mid = r.current();
    CHECK(mid == Approx(0.5f));
    r.rampTo(0.0f, 100);
    CHECK(r.next() == Approx(mid - mid / 100.0f));
}

TEST_CASE("applyGain multiplies by the ramp, then by the settled value", "[ramp]") {
    LinearRamp r;
    r.snapTo(2.0f);
    std::vector<float> in(8, 0.25f), out(8);
    r.applyGain(in.data(), out.data(), 8);
    for (float v : out) CHECK(v == 0.5f);
    r.rampTo(0.0f, 4);
    r.applyGain(in.data(), out.data(), 8);
    CHECK(out[0] == Approx(0.375f));
    CHECK(out[3] == 0.0f);
    CHECK(out[7] == 0.0f);
}
