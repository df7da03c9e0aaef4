// Cost of one 64-frame block at 48 kHz through the whole engine (offline, one core), for 32, 128 and 512 channels,
// every channel live (fader up, panned, noise input). Reported as ns per block, ns per channel-sample and % of the
// 1.333 ms period. Run: build/bench/foh_bench_engine   (see docs/BENCHMARKS.md)
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "backend/OfflineRenderer.h"
#include "core/Engine.h"

namespace {
constexpr double kRate = 48000.0;
constexpr int kBlock = 64;

void engineBlock(benchmark::State& state) {
    const int channels = static_cast<int>(state.range(0));
    foh::Engine engine(foh::GraphConfig{channels, kRate, kBlock});
    foh::CommandQueue* q = engine.openQueue("bench");
    for (int c = 1; c <= channels; ++c) {
        const std::string ch = "/ch/" + std::to_string(c);
        (void)engine.set(*q, ch + "/fader", -10.0f);
        (void)engine.set(*q, ch + "/pan", static_cast<float>((c * 37) % 200 - 100));
        (void)engine.set(*q, ch + "/trim", 3.0f);
    }
    std::mt19937 gen(1);
    std::uniform_real_distribution<float> dist(-0.5f, 0.5f);
    std::vector<std::vector<float>> inputs(static_cast<std::size_t>(channels), std::vector<float>(kBlock));
    std::vector<const float*> ptrs;
    for (auto& in : inputs) {
        for (float& s : in) s = dist(gen);
        ptrs.push_back(in.data());
    }
    foh::OfflineRenderer renderer(engine, kBlock);
    for (int i = 0; i < 100; ++i) renderer.renderBlock(ptrs.data(), channels);  // ramps settle, caches warm
    engine.housekeeping();

    for (auto _ : state) {
        renderer.renderBlock(ptrs.data(), channels);
        benchmark::DoNotOptimize(renderer.output(0).data());
    }
    // kIsRate | kInvert turns a counter c into (CPU seconds) / c: choose c so that gives the figure wanted.
    const auto perIteration = [&](double scale) {
        return benchmark::Counter(static_cast<double>(state.iterations()) * scale,
                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    };
    const double periodSeconds = kBlock / kRate;
    state.counters["ns_per_block"] = perIteration(1e-9);
    state.counters["ns_per_ch_sample"] = perIteration(1e-9 * channels * kBlock);
    state.counters["pct_of_period"] = perIteration(periodSeconds / 100.0);
}
BENCHMARK(engineBlock)->Arg(32)->Arg(128)->Arg(512)->Unit(benchmark::kMicrosecond)->MinTime(1.0);

// One block that first drains N queued commands (fader and pan moves spread over 8 channels, as the OSC flood sends
// them; 8 lanes of N/8 each), against the same block with none: what a burst of commands costs the audio thread.
// A block applies at most Engine::kMaxCommandsPerBlock (8192): the 57 344 case measures that bound, and the rest
// is drained (untimed) before the next iteration.
void commandBurst(benchmark::State& state) {
    constexpr int channels = 8, lanes = 8;
    const int commands = static_cast<int>(state.range(0));
    foh::Engine engine(foh::GraphConfig{channels, kRate, kBlock});
    std::vector<foh::CommandQueue*> queues;
    for (int l = 0; l < lanes; ++l) queues.push_back(engine.openQueue("bench " + std::to_string(l)));
    std::vector<foh::ParamId> ids;
    const auto registry = engine.registry();
    for (int c = 1; c <= channels; ++c) {
        ids.push_back(*registry->find("/ch/" + std::to_string(c) + "/fader"));
        ids.push_back(*registry->find("/ch/" + std::to_string(c) + "/pan"));
    }
    std::vector<std::vector<float>> inputs(channels, std::vector<float>(kBlock, 0.1f));
    std::vector<const float*> ptrs;
    for (auto& in : inputs) ptrs.push_back(in.data());
    foh::OfflineRenderer renderer(engine, kBlock);
    for (int i = 0; i < 100; ++i) renderer.renderBlock(ptrs.data(), channels);
    std::int64_t k = 0;
    for (auto _ : state) {
        state.PauseTiming();
        for (int i = 0; i < commands; ++i, ++k) {
            const foh::ParamId id = ids[static_cast<std::size_t>(k) % ids.size()];
            const bool fader = k % 2 == 0;
            const float v = fader ? -60.0f + static_cast<float>(k % 640) * 0.1f : -90.0f + static_cast<float>(k % 1800) * 0.1f;
            if (!engine.set(*queues[static_cast<std::size_t>(i % lanes)], id, v).ok) std::abort();
        }
        engine.housekeeping();
        state.ResumeTiming();
        renderer.renderBlock(ptrs.data(), channels);
        benchmark::DoNotOptimize(renderer.output(0).data());
        state.PauseTiming();
        for (int i = 0; i < commands / static_cast<int>(foh::Engine::kMaxCommandsPerBlock) + 1; ++i)
            renderer.renderBlock(ptrs.data(), channels);
        state.ResumeTiming();
    }
    state.counters["commands"] = commands;
}
BENCHMARK(commandBurst)->Arg(0)->Arg(133)->Arg(1024)->Arg(8192)->Arg(57344)->Unit(benchmark::kMicrosecond);
}  // namespace

BENCHMARK_MAIN();
