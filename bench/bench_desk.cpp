// Cost of a full desk (issue 5): N channels with every strip stage on (as bench_strip engages them) and 16 live
// sends each (12 pre-fader monitor sends, 4 post-fader FX sends), 16 aux buses with EQ and compressor, 4 FX
// (2 reverbs, 2 delays), 8 matrices fed by buses and main, at 48 kHz / 64 frames on one core, every output
// written (main L/R/M, solo, buses, matrices).
// Run: build/release/bench/foh_bench_desk   (see docs/BENCHMARKS.md)
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "backend/OfflineRenderer.h"
#include "core/Engine.h"

namespace {
constexpr double kRate = 48000.0;
constexpr int kBlock = 64;

template <typename Drain>
void engage(foh::Engine& engine, foh::CommandQueue& q, int channels, Drain drain) {
    int pushed = 0;
    auto set = [&](const std::string& a, float v) {
        if (!engine.set(q, a, v).ok) std::abort();
        if (++pushed % 4096 == 0) drain();  // the command queue holds 8192: let the audio side take them
    };
    for (int c = 1; c <= channels; ++c) {
        const std::string ch = "/ch/" + std::to_string(c) + "/";
        set(ch + "fader", -6.0f);
        set(ch + "pan", static_cast<float>((c * 37) % 200 - 100));
        set(ch + "hpf/on", 1.0f);
        set(ch + "hpf/freq", 90.0f);
        set(ch + "gate/on", 1.0f);
        set(ch + "gate/threshold", -50.0f);
        set(ch + "gate/key/filter", 1.0f);
        set(ch + "eq/1/gain", -3.0f);
        set(ch + "eq/2/gain", 4.0f);
        set(ch + "eq/3/gain", -2.0f);
        set(ch + "eq/4/gain", 3.0f);
        set(ch + "comp/on", 1.0f);
        set(ch + "comp/threshold", -24.0f);
        set(ch + "comp/key/src", static_cast<float>(c % channels + 1));
        set(ch + "comp/key/hpf", 100.0f);
        set(ch + "deess/on", 1.0f);
        set(ch + "deess/threshold", -40.0f);
        set(ch + "delay/on", 1.0f);
        set(ch + "delay/ms", 2.0f);
        for (int b = 1; b <= 12; ++b) set(ch + "send/" + std::to_string(b) + "/level", -static_cast<float>((c + b) % 20));
        for (int k = 1; k <= 4; ++k) set(ch + "fxsend/" + std::to_string(k) + "/level", -20.0f);
    }
    for (int b = 1; b <= 16; ++b) {
        const std::string bus = "/bus/" + std::to_string(b) + "/";
        set(bus + "eq/2/gain", -3.0f);
        set(bus + "eq/3/gain", 2.0f);
        set(bus + "comp/on", 1.0f);
        set(bus + "comp/threshold", -20.0f);
    }
    set("/fx/3/type", 1.0f);
    set("/fx/4/type", 1.0f);
    for (int m = 1; m <= 8; ++m) {
        set("/mtx/" + std::to_string(m) + "/main/level", -3.0f);
        set("/mtx/" + std::to_string(m) + "/bus/" + std::to_string(m) + "/level", -6.0f);
    }
}

void fullDesk(benchmark::State& state) {
    const int channels = static_cast<int>(state.range(0));
    const foh::GraphConfig config{channels, kRate, kBlock, 16, 4};
    foh::Engine engine(config);
    std::vector<std::vector<float>> in(static_cast<std::size_t>(channels), std::vector<float>(kBlock));
    std::vector<const float*> ptrs;
    std::mt19937 gen(1);
    std::uniform_real_distribution<float> dist(-0.5f, 0.5f);
    for (auto& v : in) {
        for (float& s : v) s = dist(gen);
        ptrs.push_back(v.data());
    }
    foh::OfflineRenderer renderer(engine, kBlock, config.outputs().mixOutputs());
    engage(engine, *engine.openQueue("bench"), channels, [&] { renderer.renderBlock(ptrs.data(), channels); });
    for (int i = 0; i < 400; ++i) renderer.renderBlock(ptrs.data(), channels);
    engine.housekeeping();
    for (auto _ : state) {
        renderer.renderBlock(ptrs.data(), channels);
        benchmark::DoNotOptimize(renderer.output(0).data());
    }
    state.counters["pct_of_core"] = benchmark::Counter(static_cast<double>(state.iterations()) * kBlock / kRate / 100.0,
                                                       benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["ns_per_ch_sample"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * 1e-9 * channels * kBlock,
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(fullDesk)->Arg(128)->Arg(512)->Unit(benchmark::kMicrosecond)->MinTime(1.0);
}  // namespace

BENCHMARK_MAIN();
