// Cost of the full mastering chain on the main bus (issue 6): every stage in — corrective EQ (4 bands), linked bus
// compressor with key high-pass and parallel mix, 4-band multiband compressor, stereo imager with mono bass, 4x
// oversampled saturation, the main fader, the true-peak limiter, the loudness meter and correlation — on a stereo
// noise mix, 64-frame blocks, one core, at 48 and 96 kHz.
// Run: build/release/bench/foh_bench_master   (see docs/BENCHMARKS.md)
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "core/MainBus.h"

namespace {
constexpr int kBlock = 64;

void masterChain(benchmark::State& state) {
    const double rate = static_cast<double>(state.range(0));
    foh::MainBus main;
    main.prepare(rate, kBlock);
    using P = foh::MainParam;
    for (auto [p, v] : {std::pair{P::EqOn, 1.0f}, {P::Eq1Gain, 2.0f}, {P::Eq2Gain, -1.0f}, {P::Eq3Gain, 1.5f},
                        {P::Eq4Gain, -2.0f}, {P::CompOn, 1.0f}, {P::CompThreshold, -20.0f}, {P::CompMix, 70.0f},
                        {P::CompKeyHpf, 100.0f}, {P::MbOn, 1.0f}, {P::ImageOn, 1.0f}, {P::ImageHighWidth, 130.0f},
                        {P::ImageMonoBass, 120.0f}, {P::SatOn, 1.0f}, {P::LimitOn, 1.0f}, {P::Fader, 3.0f}})
        main.setParam_rt(p, v, true);
    std::vector<float> l(kBlock), r(kBlock), src(kBlock * 1024);
    std::mt19937 gen(1);
    std::uniform_real_distribution<float> dist(-0.5f, 0.5f);
    for (float& s : src) s = dist(gen);
    float peak[2] = {}, sumSq[2] = {};
    std::size_t at = 0;
    for (auto _ : state) {
        for (int i = 0; i < kBlock; ++i) {
            l[static_cast<std::size_t>(i)] = src[at + static_cast<std::size_t>(i)];
            r[static_cast<std::size_t>(i)] = src[(at + 5000 + static_cast<std::size_t>(i)) % src.size()];
        }
        at = (at + kBlock) % (src.size() - kBlock);
        main.process_rt(l.data(), r.data(), kBlock, peak, sumSq);
        benchmark::DoNotOptimize(l.data());
    }
    state.counters["pct_of_core"] = benchmark::Counter(static_cast<double>(state.iterations()) * kBlock / rate / 100.0,
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["ns_per_frame"] = benchmark::Counter(static_cast<double>(state.iterations()) * kBlock * 1e-9,
                                                        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(masterChain)->Arg(48000)->Arg(96000)->Unit(benchmark::kMicrosecond)->MinTime(1.0);
}  // namespace

BENCHMARK_MAIN();
