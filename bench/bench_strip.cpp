// Cost of a fully engaged channel strip: every stage on (HPF 24 dB/oct, gate with key filter, 4 EQ bands cutting
// and boosting, compressor keyed from the neighbouring channel with its key high-pass, split-band de-esser, 2 ms
// delay, fader, pan), through the whole engine at 48 kHz / 64 frames on one core. Sends do not exist yet (the
// buses issue); their cost is modelled by 16 multiply-adds per channel-sample into 16 bus buffers, reported apart.
// Run: build/release/bench/foh_bench_strip   (see docs/BENCHMARKS.md)
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "backend/OfflineRenderer.h"
#include "core/Engine.h"

namespace {
constexpr double kRate = 48000.0;
constexpr int kBlock = 64;

void engage(foh::Engine& engine, foh::CommandQueue& q, int channels) {
    auto set = [&](int c, const std::string& key, float v) {
        if (!engine.set(q, "/ch/" + std::to_string(c) + "/" + key, v).ok) std::abort();
    };
    for (int c = 1; c <= channels; ++c) {
        set(c, "fader", -6.0f);
        set(c, "pan", static_cast<float>((c * 37) % 200 - 100));
        set(c, "hpf/on", 1.0f);
        set(c, "hpf/freq", 90.0f);
        set(c, "gate/on", 1.0f);
        set(c, "gate/threshold", -50.0f);
        set(c, "gate/key/filter", 1.0f);
        set(c, "eq/1/gain", -3.0f);
        set(c, "eq/2/gain", 4.0f);
        set(c, "eq/3/gain", -2.0f);
        set(c, "eq/4/gain", 3.0f);
        set(c, "comp/on", 1.0f);
        set(c, "comp/threshold", -24.0f);
        set(c, "comp/key/src", static_cast<float>(c % channels + 1));  // keyed from the next channel
        set(c, "comp/key/hpf", 100.0f);
        set(c, "deess/on", 1.0f);
        set(c, "deess/threshold", -40.0f);
        set(c, "delay/on", 1.0f);
        set(c, "delay/ms", 2.0f);
    }
}

struct Inputs {
    explicit Inputs(int channels) : data(static_cast<std::size_t>(channels), std::vector<float>(kBlock)) {
        std::mt19937 gen(1);
        std::uniform_real_distribution<float> dist(-0.5f, 0.5f);
        for (auto& in : data) {
            for (float& s : in) s = dist(gen);
            ptrs.push_back(in.data());
        }
    }
    std::vector<std::vector<float>> data;
    std::vector<const float*> ptrs;
};

void addCounters(benchmark::State& state, int channels) {
    const auto perIteration = [&](double scale) {
        return benchmark::Counter(static_cast<double>(state.iterations()) * scale,
                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    };
    state.counters["ns_per_ch_sample"] = perIteration(1e-9 * channels * kBlock);
    state.counters["pct_of_period"] = perIteration(kBlock / kRate / 100.0);
    // Strips that fit in 50 % of one core: 0.5 s of CPU per second / (48000 samples x cost per channel-sample).
    state.counters["strips_in_half_core"] =
        benchmark::Counter(static_cast<double>(state.iterations()) * channels * kBlock / kRate * 0.5,
                           benchmark::Counter::kIsRate);
}

void fullStrip(benchmark::State& state) {
    const int channels = static_cast<int>(state.range(0));
    foh::Engine engine(foh::GraphConfig{channels, kRate, kBlock});
    engage(engine, *engine.openQueue("bench"), channels);
    Inputs in(channels);
    foh::OfflineRenderer renderer(engine, kBlock);
    // Warm up past the point where the four idle FX fall asleep (their input has been silent longer than a 1.8 s
    // reverb's tail: 3.7 s). With a short warm-up they ran through the first few thousand measured blocks, a share
    // of the result that shrank as the strip got faster and so flattered every speed-up.
    for (int i = 0; i < static_cast<int>(4.0 * kRate / kBlock); ++i) renderer.renderBlock(in.ptrs.data(), channels);
    engine.housekeeping();
    for (auto _ : state) {
        renderer.renderBlock(in.ptrs.data(), channels);
        benchmark::DoNotOptimize(renderer.output(0).data());
    }
    addCounters(state, channels);
}

void sixteenSends(benchmark::State& state) {
    // The send mix a strip will feed: 16 buses, each += x * gain, per channel-sample.
    const int channels = static_cast<int>(state.range(0));
    Inputs in(channels);
    std::vector<std::vector<float>> buses(16, std::vector<float>(kBlock));
    std::vector<float> gains(16 * static_cast<std::size_t>(channels), 0.3f);
    for (auto _ : state) {
        for (int c = 0; c < channels; ++c) {
            const float* x = in.ptrs[static_cast<std::size_t>(c)];
            for (int s = 0; s < 16; ++s) {
                const float g = gains[static_cast<std::size_t>(c * 16 + s)];
                float* bus = buses[static_cast<std::size_t>(s)].data();
                for (int i = 0; i < kBlock; ++i) bus[i] += x[i] * g;
            }
        }
        benchmark::DoNotOptimize(buses[0].data());
    }
    addCounters(state, channels);
}

BENCHMARK(fullStrip)->Arg(32)->Arg(128)->Unit(benchmark::kMicrosecond)->MinTime(1.0);
BENCHMARK(sixteenSends)->Arg(128)->Unit(benchmark::kMicrosecond)->MinTime(0.5);
}  // namespace

BENCHMARK_MAIN();
