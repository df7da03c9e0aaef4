#include <catch2/catch.hpp>

#include <vector>

#include "dsp/CascadeBank.h"
#include "dsp/FilterDesign.h"
#include "support/Signals.h"

using namespace foh::dsp;
using namespace foh;

TEST_CASE("cascades run in SIMD lanes give exactly the scalar results, state included", "[dsp][lanes]") {
    // 19 channels (two full groups of eight and a group of three), 1 to 6 sections each, different filters.
    constexpr int kChannels = 19, kBlock = 64, kBlocks = 20;
    std::vector<std::vector<BiquadCoeffs>> coeffs(kChannels);
    for (int c = 0; c < kChannels; ++c)
        for (int k = 0; k <= c % kMaxCascade; ++k)
            coeffs[static_cast<std::size_t>(c)].push_back(
                design(static_cast<FilterShape>((c + k) % 5), 50.0 * (c + 1) * (k + 1), (k % 2 ? 6.0 : -9.0), 0.5 + 0.3 * k, 48000.0));
    std::vector<std::vector<BiquadState>> laneStates(kChannels, std::vector<BiquadState>(kMaxCascade));
    std::vector<std::vector<BiquadState>> scalarStates = laneStates;
    std::vector<std::vector<float>> lane(kChannels), scalar(kChannels);
    for (int c = 0; c < kChannels; ++c) lane[static_cast<std::size_t>(c)] = scalar[static_cast<std::size_t>(c)] =
        test::noise(kBlock * kBlocks, 0.5f, static_cast<unsigned>(c + 1));

    std::vector<CascadeJob> jobs(kChannels);
    std::vector<float> scratch(kLanes * kBlock);
    for (int b = 0; b < kBlocks; ++b) {
        for (int c = 0; c < kChannels; ++c) {
            const auto ci = static_cast<std::size_t>(c);
            CascadeJob& j = jobs[ci];
            j.buf = lane[ci].data() + b * kBlock;
            j.sections = static_cast<int>(coeffs[ci].size());
            const BiquadCoeffs* cs[kMaxCascade];
            BiquadState* ss[kMaxCascade];
            for (int k = 0; k < j.sections; ++k) {
                j.coeffs[k] = cs[k] = &coeffs[ci][static_cast<std::size_t>(k)];
                j.states[k] = &laneStates[ci][static_cast<std::size_t>(k)];
                ss[k] = &scalarStates[ci][static_cast<std::size_t>(k)];
            }
            processCascade(cs, ss, j.sections, scalar[ci].data() + b * kBlock, kBlock);
        }
        runCascades(jobs.data(), kChannels, kBlock, scratch.data());
    }
    for (int c = 0; c < kChannels; ++c) {
        INFO("channel " << c);
        CHECK(lane[static_cast<std::size_t>(c)] == scalar[static_cast<std::size_t>(c)]);
        for (int k = 0; k < kMaxCascade; ++k) {
            CHECK(laneStates[static_cast<std::size_t>(c)][static_cast<std::size_t>(k)].s1 ==
                  scalarStates[static_cast<std::size_t>(c)][static_cast<std::size_t>(k)].s1);
        }
    }
}
