// The main bus loudness meter (dsp::LoudnessMeter: K-weighting, M/S/I/LRA and 4x true peak) against libebur128 in
// EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_TRUE_PEAK, on the same 10 minutes of stereo programme-like
// material at 48 kHz (noise, sines and tone bursts, level changes every 0.2-4 s), fed in blocks of 1024 frames with
// flush-to-zero on, as the audio thread runs. Each iteration measures the whole 10 minutes from a reset meter and
// reads I and LRA at the end. Reports frames per second and, after the runs, the agreement of I, LRA and true peak.
// Run: build/release/bench/foh_bench_loudness   (see docs/BENCHMARKS.md)
#include <benchmark/benchmark.h>
#include <ebur128.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <numbers>
#include <random>
#include <vector>

#include "dsp/LoudnessMeter.h"
#include "rt/Realtime.h"

namespace {
constexpr double kRate = 48000.0;
constexpr double kSeconds = 600.0;
constexpr int kBlock = 1024;

struct Material {
    std::vector<float> left, right, interleaved;
    std::size_t frames = 0;
};

/// Stretches of 0.2-4 s: white noise (40 %), a sine of 40 Hz-12 kHz (35 %), a sine gated at 2-8 Hz (15 %) or
/// silence, at -45..-8 dBFS, L and R up to 6 dB apart. Fixed seed.
const Material& material() {
    static const Material m = [] {
        Material out;
        out.frames = static_cast<std::size_t>(kSeconds * kRate);
        out.left.assign(out.frames, 0.0f);
        out.right.assign(out.frames, 0.0f);
        std::mt19937 gen(2024);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        std::uniform_real_distribution<float> noise(-1.0f, 1.0f);
        std::size_t pos = 0;
        while (pos < out.frames) {
            const auto len = std::min(out.frames - pos, static_cast<std::size_t>((0.2 + 3.8 * unit(gen)) * kRate));
            const double kind = unit(gen), level = -45.0 + 37.0 * unit(gen), spread = 6.0 * (unit(gen) - 0.5);
            const double gl = std::pow(10.0, (level + spread / 2.0) / 20.0), gr = std::pow(10.0, (level - spread / 2.0) / 20.0);
            const double freq = 40.0 * std::pow(300.0, unit(gen)), gate = 2.0 + 6.0 * unit(gen);
            std::complex<double> z = std::polar(1.0, 2.0 * std::numbers::pi * unit(gen));
            const std::complex<double> step = std::polar(1.0, 2.0 * std::numbers::pi * freq / kRate);
            for (std::size_t i = 0; i < len; ++i) {
                double l = 0.0, r = 0.0;
                if (kind < 0.4) {
                    l = noise(gen), r = noise(gen);
                } else if (kind < 0.9) {
                    const double s = z.imag();
                    z *= step;
                    const bool on = kind < 0.75 || std::fmod(static_cast<double>(i) / kRate * gate, 1.0) < 0.5;
                    l = r = on ? s : 0.0;
                }
                out.left[pos + i] = static_cast<float>(gl * l);
                out.right[pos + i] = static_cast<float>(gr * r);
            }
            pos += len;
        }
        out.interleaved.resize(2 * out.frames);
        for (std::size_t i = 0; i < out.frames; ++i) {
            out.interleaved[2 * i] = out.left[i];
            out.interleaved[2 * i + 1] = out.right[i];
        }
        return out;
    }();
    return m;
}

struct Results {
    double integrated = 0.0, range = 0.0, truePeak = 0.0;
};
Results ours, reference;

void setRate(benchmark::State& state, std::size_t framesPerIteration) {
    state.counters["frames_per_s"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * static_cast<double>(framesPerIteration), benchmark::Counter::kIsRate);
    state.counters["x_realtime"] = benchmark::Counter(
        static_cast<double>(state.iterations()) * static_cast<double>(framesPerIteration) / kRate,
        benchmark::Counter::kIsRate);
}

/// Ours, `channels` channels (the stereo material repeated over 6 for 5.1).
void loudnessMeter(benchmark::State& state) {
    const int channels = static_cast<int>(state.range(0));
    const Material& m = material();
    foh::rt::ScopedFlushDenormals ftz;
    foh::dsp::LoudnessMeter meter;
    meter.prepare(kRate, kBlock, channels);
    const float* ptrs[foh::dsp::LoudnessMeter::kMaxChannels];
    for (auto _ : state) {
        meter.reset();
        for (std::size_t pos = 0; pos < m.frames; pos += kBlock) {
            for (int c = 0; c < channels; ++c) ptrs[c] = (c % 2 == 0 ? m.left.data() : m.right.data()) + pos;
            meter.process(ptrs, static_cast<int>(std::min<std::size_t>(kBlock, m.frames - pos)));
        }
        const double i = meter.integratedLufs(), lra = meter.loudnessRangeLu();
        benchmark::DoNotOptimize(i);
        benchmark::DoNotOptimize(lra);
    }
    if (channels == 2) ours = {meter.integratedLufs(), meter.loudnessRangeLu(), meter.truePeakMaxDbtp()};
    setRate(state, m.frames);
}

/// libebur128 1.2.6, interleaved float input; `mode` 0 = I | LRA, 1 = I | LRA | TRUE_PEAK.
void libebur128(benchmark::State& state) {
    const bool truePeak = state.range(0) != 0;
    const int mode = EBUR128_MODE_I | EBUR128_MODE_LRA | (truePeak ? EBUR128_MODE_TRUE_PEAK : 0);
    const Material& m = material();
    foh::rt::ScopedFlushDenormals ftz;
    Results last;
    for (auto _ : state) {
        ebur128_state* st = ebur128_init(2, static_cast<unsigned long>(kRate), mode);
        for (std::size_t pos = 0; pos < m.frames; pos += kBlock)
            ebur128_add_frames_float(st, m.interleaved.data() + 2 * pos, std::min<std::size_t>(kBlock, m.frames - pos));
        ebur128_loudness_global(st, &last.integrated);
        ebur128_loudness_range(st, &last.range);
        if (truePeak) {
            double l = 0.0, r = 0.0;
            ebur128_true_peak(st, 0, &l);
            ebur128_true_peak(st, 1, &r);
            last.truePeak = 20.0 * std::log10(std::max(l, r));
        }
        ebur128_destroy(&st);
    }
    if (truePeak) reference = last;
    setRate(state, m.frames);
}

}  // namespace

BENCHMARK(loudnessMeter)->Arg(2)->Arg(6)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(libebur128)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->MinTime(1.0);

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    (void)material();  // build the 10 minutes before any timing
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    if (ours.integrated != 0.0 && reference.integrated != 0.0) {
        std::printf("\nagreement on the same 10 min at 48 kHz (ours / libebur128 / difference):\n");
        std::printf("  integrated  %8.3f / %8.3f LUFS  %+.4f LU\n", ours.integrated, reference.integrated,
                    ours.integrated - reference.integrated);
        std::printf("  LRA         %8.3f / %8.3f LU    %+.4f LU  (short-term values at 10 Hz vs its 1 Hz)\n", ours.range,
                    reference.range, ours.range - reference.range);
        std::printf("  true peak   %8.3f / %8.3f dBTP  %+.4f dB  (different interpolators)\n", ours.truePeak,
                    reference.truePeak, ours.truePeak - reference.truePeak);
    }
    return 0;
}
