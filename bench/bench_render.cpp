// Offline render of a take (issue 9): a 32-track, 48 kHz take (60 s by default) through the full console and the
// mastering chain with `offline::renderTake` (what `foh render` runs: read the tracks, pre-roll, the engine in
// 64-frame host blocks, write the stereo mix), x real time on one core; and in the same run ffmpeg with an
// equivalent chain on the same track files (per track highpass, 4 x equalizer, agate, acompressor, pan to stereo;
// amix of the 32; alimiter; to the null muxer), single-threaded. Prints both and the ratio (target: >= 10x ffmpeg).
// Not Google Benchmark: each run is seconds long and ffmpeg runs in its own process (its CPU time from wait4).
//
//   foh_bench_render [--seconds S] [--tracks N] [--runs R] [--dir DIR] [--keep] [--no-ffmpeg] [--cpu N]
//
// The whole process is pinned to one CPU (--cpu, default 0), ffmpeg with it.
//
// Two console configurations: "equivalent" (every channel: HPF, gate, 4 EQ bands, compressor, pan, fader; main:
// the true-peak limiter only — the ffmpeg chain's counterpart) and "full" (the same strips plus the whole mastering
// chain: corrective EQ, bus compressor, 4-band multiband, imager, 8x ADAA saturation, limiter).
#include <sched.h>
#include <sndfile.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/Engine.h"
#include "offline/Render.h"
#include "record/Manifest.h"
#include "scenes/SceneBook.h"
#include "scenes/ShowFile.h"

extern char** environ;
namespace fs = std::filesystem;
using namespace foh;

namespace {

struct Args {
    double seconds = 60.0;
    int tracks = 32;
    int runs = 3;
    fs::path dir;
    bool keep = false;
    bool ffmpeg = true;
    int cpu = 0;
};

double threadCpu() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

/// Programme-like tracks: noise and a tone per track under a gating envelope (the gates open and close, the
/// compressors work), a different seed and rhythm per track. Float, as fohd records.
void writeTrack(const fs::path& path, std::size_t frames, unsigned seed) {
    SF_INFO info{};
    info.samplerate = 48000;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) {
        std::fprintf(stderr, "cannot write %s\n", path.c_str());
        std::exit(1);
    }
    std::vector<float> buf(48000);
    const double rhythm = 0.8 + 0.1 * (seed % 7);
    const double tone = 80.0 * (1 + seed % 9);
    for (std::size_t at = 0; at < frames; at += buf.size()) {
        const std::size_t n = std::min(buf.size(), frames - at);
        for (std::size_t i = 0; i < n; ++i) {
            seed = seed * 1664525u + 1013904223u;
            const double t = static_cast<double>(at + i) / 48000.0;
            const double env = std::fmod(t * rhythm, 1.0) < 0.55 ? 1.0 : 0.003;
            const double white = static_cast<double>(seed >> 8) / 8388608.0 - 1.0;
            buf[i] = static_cast<float>(0.25 * env * (0.6 * white + 0.4 * std::sin(2 * M_PI * tone * t)));
        }
        sf_writef_float(f, buf.data(), static_cast<sf_count_t>(n));
    }
    sf_close(f);
}

void set(Engine& e, CommandQueue& q, const std::string& address, float v) {
    if (!e.set(q, address, v).ok) {
        std::fprintf(stderr, "bench: cannot set %s\n", address.c_str());
        std::exit(1);
    }
}

/// A show file: every channel fully engaged as the ffmpeg chain is (HPF, gate, 4 EQ bands, compressor) plus pan
/// and fader; the main bus as `full` says.
std::string makeShow(int channels, bool full) {
    GraphConfig config;
    config.channels = channels;
    config.maxBlock = 64;
    Engine engine(config);
    scenes::SceneBook book(engine);
    CommandQueue* q = engine.openQueue("bench");
    for (int c = 1; c <= channels; ++c) {
        const std::string ch = "/ch/" + std::to_string(c) + "/";
        set(engine, *q, ch + "trim", 0.0f);
        set(engine, *q, ch + "hpf/on", 1.0f);
        set(engine, *q, ch + "hpf/freq", 90.0f);
        set(engine, *q, ch + "gate/on", 1.0f);
        set(engine, *q, ch + "gate/threshold", -50.0f);
        set(engine, *q, ch + "eq/on", 1.0f);
        set(engine, *q, ch + "eq/1/gain", -3.0f);
        set(engine, *q, ch + "eq/2/gain", 4.0f);
        set(engine, *q, ch + "eq/3/gain", -2.0f);
        set(engine, *q, ch + "eq/4/gain", 3.0f);
        set(engine, *q, ch + "comp/on", 1.0f);
        set(engine, *q, ch + "comp/threshold", -24.0f);
        set(engine, *q, ch + "comp/ratio", 4.0f);
        set(engine, *q, ch + "pan", static_cast<float>((c * 37) % 200 - 100));
        set(engine, *q, ch + "fader", -12.0f);
    }
    set(engine, *q, "/main/limit/on", 1.0f);
    set(engine, *q, "/main/limit/ceiling", -1.0f);
    if (full) {
        for (const auto& [a, v] : std::vector<std::pair<std::string, float>>{
                 {"/main/eq/on", 1}, {"/main/eq/1/gain", 2}, {"/main/eq/2/gain", -1}, {"/main/eq/3/gain", 1.5f},
                 {"/main/eq/4/gain", -2}, {"/main/comp/on", 1}, {"/main/comp/threshold", -20}, {"/main/comp/mix", 70},
                 {"/main/comp/key/hpf", 100}, {"/main/mb/on", 1}, {"/main/image/on", 1}, {"/main/image/high/width", 130},
                 {"/main/image/monobass", 120}, {"/main/sat/on", 1}})
            set(engine, *q, a, v);
    }
    return scenes::toJson(book.snapshot());
}

struct Timing {
    double wall = 0.0, cpu = 0.0;
};

Timing runOurs(const fs::path& take, const fs::path& show, const fs::path& out) {
    offline::RenderOptions o;
    o.show = show;
    o.take = take;
    o.output = out;
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = threadCpu();
    const offline::RenderResult r = offline::renderTake(o);
    Timing t{std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), threadCpu() - c0};
    if (!r.warnings.empty()) std::fprintf(stderr, "render warning: %s\n", r.warnings.front().c_str());
    return t;
}

Timing runFfmpeg(const std::vector<fs::path>& tracks) {
    std::vector<std::string> args = {"ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-threads", "1",
                                     "-filter_threads", "1", "-filter_complex_threads", "1"};
    for (const auto& t : tracks) args.insert(args.end(), {"-i", t.string()});
    std::string graph;
    for (std::size_t i = 0; i < tracks.size(); ++i) {
        const double pan = static_cast<double>((static_cast<int>(i + 1) * 37) % 200 - 100);
        const double th = (pan + 100.0) / 200.0 * M_PI / 2.0;
        char chain[640];
        std::snprintf(chain, sizeof chain,
                      "[%zu:a]highpass=f=90,equalizer=f=100:t=q:w=1:g=-3,equalizer=f=400:t=q:w=1:g=4,"
                      "equalizer=f=2000:t=q:w=1:g=-2,equalizer=f=8000:t=q:w=1:g=3,agate=threshold=0.00316,"
                      "acompressor=threshold=0.063:ratio=4,pan=stereo|c0=%.4f*c0|c1=%.4f*c0[t%zu];",
                      i, 0.251 * std::cos(th), 0.251 * std::sin(th), i);
        graph += chain;
    }
    for (std::size_t i = 0; i < tracks.size(); ++i) graph += "[t" + std::to_string(i) + "]";
    graph += "amix=inputs=" + std::to_string(tracks.size()) + ":normalize=0,alimiter=limit=0.89[out]";
    args.insert(args.end(), {"-filter_complex", graph, "-map", "[out]", "-f", "null", "-"});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const auto t0 = std::chrono::steady_clock::now();
    pid_t pid = 0;
    if (posix_spawnp(&pid, "ffmpeg", nullptr, nullptr, argv.data(), environ) != 0) {
        std::fprintf(stderr, "bench: cannot run ffmpeg (is it installed?)\n");
        std::exit(1);
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    Timing t;
    t.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    t.cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            1e-6 * static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "bench: ffmpeg failed (status %d)\n", status);
        std::exit(1);
    }
    return t;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string s = argv[i];
        const auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", s.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (s == "--seconds") a.seconds = std::stod(next());
        else if (s == "--tracks") a.tracks = std::stoi(next());
        else if (s == "--runs") a.runs = std::stoi(next());
        else if (s == "--dir") a.dir = next();
        else if (s == "--keep") a.keep = true;
        else if (s == "--no-ffmpeg") a.ffmpeg = false;
        else if (s == "--cpu") a.cpu = std::stoi(next());
        else {
            std::fprintf(stderr, "usage: foh_bench_render [--seconds S] [--tracks N] [--runs R] [--dir DIR] [--keep] [--no-ffmpeg] [--cpu N]\n");
            return 2;
        }
    }
    // One core for everything, ffmpeg too (it inherits the mask): its demuxer threads cannot spread out.
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(a.cpu, &one);
    if (sched_setaffinity(0, sizeof one, &one) != 0) std::fprintf(stderr, "bench: cannot pin to CPU %d\n", a.cpu);
    if (a.dir.empty()) {
        std::string tmpl = (fs::temp_directory_path() / "foh-bench-render-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) return 1;
        a.dir = tmpl;
    }
    const fs::path take = a.dir / "take";
    fs::create_directories(take);
    const auto frames = static_cast<std::size_t>(a.seconds * 48000.0);
    std::printf("generating a %d-track take of %.0f s at 48 kHz (float) in %s\n", a.tracks, a.seconds, take.c_str());
    record::Manifest m;
    m.id = "bench";
    m.sampleRate = 48000.0;
    m.sampleFormat = "float";
    m.state = "stopped";
    m.framesWritten = frames;
    m.blockFrames = 64;
    m.maxBlock = 64;
    std::vector<fs::path> files;
    for (int t = 0; t < a.tracks; ++t) {
        char name[32];
        std::snprintf(name, sizeof name, "%03d Ch %d.wav", t + 1, t + 1);
        writeTrack(take / name, frames, 1000u + static_cast<unsigned>(t));
        m.tracks.push_back({name, "Ch", frames, 0, "/ch/" + std::to_string(t + 1), "posttrim"});
        files.push_back(take / name);
    }
    std::string error;
    if (!record::writeManifest(take, m, error)) {
        std::fprintf(stderr, "%s\n", error.c_str());
        return 1;
    }
    std::ofstream(take / "automation.jsonl").flush();
    std::ofstream(a.dir / "equivalent.json") << makeShow(a.tracks, false);
    std::ofstream(a.dir / "full.json") << makeShow(a.tracks, true);

    std::vector<double> eqW, eqC, fullW, fullC, ffW, ffC;
    for (int r = 0; r < a.runs; ++r) {  // alternated, so a busy moment hits all three alike
        const Timing e = runOurs(take, a.dir / "equivalent.json", a.dir / "mix-equivalent.wav");
        const Timing f = runOurs(take, a.dir / "full.json", a.dir / "mix-full.wav");
        eqW.push_back(e.wall), eqC.push_back(e.cpu), fullW.push_back(f.wall), fullC.push_back(f.cpu);
        std::printf("run %d: ours equivalent %.2f s wall (%.2f s CPU), ours full %.2f s (%.2f s)", r + 1, e.wall, e.cpu,
                    f.wall, f.cpu);
        if (a.ffmpeg) {
            const Timing x = runFfmpeg(files);
            ffW.push_back(x.wall), ffC.push_back(x.cpu);
            std::printf(", ffmpeg %.2f s (%.2f s CPU)", x.wall, x.cpu);
        }
        std::printf("\n");
    }
    const double cs = a.seconds * a.tracks * 48000.0;  // channel-samples
    const auto line = [&](const char* what, double wall, double cpu) {
        std::printf("%-44s %7.1fx real time (CPU: %6.1fx)  %6.1f ns per channel-sample (CPU)\n", what, a.seconds / wall,
                    a.seconds / cpu, cpu / cs * 1e9);
    };
    std::printf("\nmedians of %d runs, %d tracks x %.0f s (whole command: read, 5 s pre-roll, render, write):\n", a.runs,
                a.tracks, a.seconds);
    line("foh render, equivalent chain (limiter on main)", median(eqW), median(eqC));
    line("foh render, full console + mastering chain", median(fullW), median(fullC));
    if (a.ffmpeg) {
        line("ffmpeg -threads 1, equivalent chain", median(ffW), median(ffC));
        const double ratioEq = median(ffC) / median(eqC), ratioFull = median(ffC) / median(fullC);
        std::printf("throughput vs ffmpeg (CPU time): equivalent %.2fx, full %.2fx; target >= 10x: %s\n", ratioEq,
                    ratioFull, ratioFull >= 10.0 ? "met" : ratioEq >= 10.0 ? "met for the equivalent chain only" : "MISSED");
    }
    if (!a.keep) fs::remove_all(a.dir);
    else std::printf("kept %s\n", a.dir.c_str());
    return 0;
}
