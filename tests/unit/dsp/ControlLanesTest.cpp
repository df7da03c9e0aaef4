#include <catch2/catch.hpp>

#include <bit>
#include <cstring>
#include <random>
#include <vector>

#include "dsp/Compressor.h"
#include "dsp/ControlLanes.h"
#include "dsp/ControlRate.h"
#include "dsp/DeEsser.h"
#include "dsp/Gate.h"

using namespace foh::dsp;

namespace {
constexpr int kUnits = 19;  // two full groups of eight and a group of three
constexpr int kBlock = 56;  // three full control blocks and a short one
constexpr int kBlocks = (kBlock + kControlBlock - 1) / kControlBlock;
constexpr int kHostBlocks = 400;

// Levels that cross every threshold: silence, quiet, loud, full scale, over; some exactly 0.
float level(std::mt19937& gen) {
    std::uniform_real_distribution<float> db(-110.0f, 6.0f);
    const float x = std::pow(10.0f, db(gen) / 20.0f);
    return gen() % 17 == 0 ? 0.0f : x;
}

template <typename Law> bool sameBits(const Law& a, const Law& b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// Steps `alone` one unit at a time (the unit path) and `lanes` through runControlSteps (the graph path) with the
// same levels; every gain and every law (parameters, state, meters) must agree to the bit.
template <typename Unit>
void checkSame(std::vector<Unit>& alone, std::vector<Unit>& lanes) {
    std::mt19937 gen(5);
    std::vector<float> levels(kUnits * kBlocks), gains(levels.size()), expected(levels.size());
    using Law = std::remove_reference_t<decltype(lanes[0].law())>;
    std::vector<Law*> laws(kUnits);
    int mismatches = 0;
    for (int b = 0; b < kHostBlocks; ++b) {
        for (float& l : levels) l = level(gen);
        for (int u = 0; u < kUnits; ++u) {
            alone[u].beginControl();
            lanes[u].beginControl();
            laws[u] = &lanes[u].law();
            for (int k = 0; k < kBlocks; ++k) {
                const int m = std::min(kControlBlock, kBlock - k * kControlBlock);
                expected[u * kBlocks + k] = alone[u].controlStep(levels[u * kBlocks + k], m);
            }
        }
        runControlSteps(laws.data(), kUnits, levels.data(), gains.data(), kBlocks, kBlock);
        for (std::size_t i = 0; i < gains.size(); ++i)
            if (std::bit_cast<std::uint32_t>(gains[i]) != std::bit_cast<std::uint32_t>(expected[i])) ++mismatches;
        for (int u = 0; u < kUnits; ++u)
            if (!sameBits(alone[u].law(), lanes[u].law())) ++mismatches;
    }
    CHECK(mismatches == 0);
}
}  // namespace

TEST_CASE("gate control steps in SIMD lanes give each gate exactly its own gains and state", "[dsp][lanes][gate]") {
    std::vector<Gate> alone(kUnits);
    for (int u = 0; u < kUnits; ++u) {
        Gate& g = alone[u];
        g.prepare(48000.0);
        g.setOn(true, true);
        g.setMode(u % 3 == 0 ? Gate::ExpanderMode : Gate::GateMode);
        g.setThreshold(-60.0f + 3.0f * static_cast<float>(u));
        g.setRange(static_cast<float>(10 + 5 * (u % 7)));
        g.setRatio(1.5f + static_cast<float>(u % 4));
        g.setAttack(u % 5 == 0 ? 0.0f : 0.5f * static_cast<float>(u));
        g.setHold(static_cast<float>(u % 4) * 7.0f);
        g.setRelease(20.0f + 10.0f * static_cast<float>(u));
    }
    std::vector<Gate> lanes = alone;
    checkSame(alone, lanes);
}

TEST_CASE("compressor control steps in SIMD lanes give each compressor exactly its own gains and state",
          "[dsp][lanes][comp]") {
    std::vector<Compressor> alone(kUnits);
    for (int u = 0; u < kUnits; ++u) {
        Compressor& c = alone[u];
        c.prepare(48000.0);
        c.setOn(true, true);
        c.setThreshold(-40.0f + 2.0f * static_cast<float>(u));
        c.setRatio(u % 6 == 0 ? 100.0f : 1.0f + static_cast<float>(u % 5));
        c.setKnee(static_cast<float>(u % 4) * 4.0f);
        c.setAttack(0.1f + static_cast<float>(u));
        c.setRelease(10.0f * static_cast<float>(u + 1));
        c.setMakeup(static_cast<float>(u % 3));
        c.setAutoMakeup(u % 4 == 1);
    }
    std::vector<Compressor> lanes = alone;
    checkSame(alone, lanes);
}

TEST_CASE("de-esser control steps in SIMD lanes give each de-esser exactly its own gains and state",
          "[dsp][lanes][deess]") {
    std::vector<DeEsser> alone(kUnits);
    for (int u = 0; u < kUnits; ++u) {
        DeEsser& d = alone[u];
        d.prepare(48000.0);
        d.setOn(true, true);
        d.setThreshold(-50.0f + 2.5f * static_cast<float>(u));
        d.setRange(static_cast<float>(u % 12));
    }
    std::vector<DeEsser> lanes = alone;
    checkSame(alone, lanes);
}
