#include <catch2/catch.hpp>

#include <cmath>

#include "dsp/FastMath.h"

using namespace foh::dsp;

TEST_CASE("fast dB conversions agree with libm within 0.0001 dB", "[dsp][fastmath]") {
    double worstToDb = 0.0, worstToGain = 0.0;
    for (float db = -150.0f; db <= 30.0f; db += 0.0137f) {
        const float gain = static_cast<float>(std::pow(10.0, db / 20.0));
        worstToDb = std::max(worstToDb, std::fabs(static_cast<double>(fastGainToDb(gain)) - 20.0 * std::log10(gain)));
        worstToGain = std::max(worstToGain, std::fabs(20.0 * std::log10(fastDbToGain(db) / gain)));
    }
    CHECK(worstToDb < 1e-4);
    CHECK(worstToGain < 1e-4);
    CHECK(fastDbToGain(0.0f) == 1.0f);  // unity stays bit-exact
    CHECK(fastGainToDb(1.0f) == 0.0f);
    CHECK(fastDbToGain(-1000.0f) == 0.0f);
}
