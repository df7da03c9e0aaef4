// foh_record_writer: records N tracks of a deterministic signal through foh::record::Recorder, for the system tests
// that kill it at random points (record_kill.sh) and fill its disk (record_fulldisk.sh). Also the small front end of
// recoverTake until `foh recover` is wired.
//
//   foh_record_writer TAKE_FOLDER [--tracks N] [--rate R] [--format pcm24|float] [--seconds S] [--speed X]
//                                 [--ring-seconds S] [--reserve-mb M] [--header-ms MS]
//   foh_record_writer --recover TAKE_FOLDER
//
// A simulated audio thread feeds blocks of 64 frames at X times real time (default 1) for S seconds (0: until killed
// or stopped by an error). Track t's sample at frame n is k/2^23, k = ((x ^ (x >> 17)) & 0xFFFFFF) - 2^23 with
// x = (n + 1) * (2t + 1) * 2654435761 + 977 t (mod 2^64): exact in 24-bit, distinct per track (record_check.py
// computes the same). Prints (flushed) "started", then every 50 ms "fed F t=T" (F frames handed to write_rt so far,
// T seconds since start), and at the end "stopped frames=N overruns=O max_write_rt_us=U error=TEXT". Exit 0 after a
// normal stop, 3 after a stop by error (disk full), 1 on a usage or start error.
// --recover prints one line per file ("FILE before=B after=A") and "recovered frames=N", exit 0, or the error, exit 1.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "record/Recorder.h"
#include "record/Recover.h"
#include "rt/Realtime.h"

namespace {

float signal(int t, std::uint64_t n) {
    const std::uint64_t x =
        (n + 1) * (2 * static_cast<std::uint64_t>(t) + 1) * 2654435761ull + static_cast<std::uint64_t>(t) * 977;
    const auto k = static_cast<std::int64_t>((x ^ (x >> 17)) & 0xFFFFFF) - (1 << 23);
    return static_cast<float>(k) / 8388608.0f;
}

int usage() {
    std::fprintf(stderr, "usage: foh_record_writer TAKE_FOLDER [--tracks N] [--rate R] [--format pcm24|float] "
                         "[--seconds S] [--speed X] [--ring-seconds S] [--reserve-mb M] [--header-ms MS]\n"
                         "       foh_record_writer --recover TAKE_FOLDER\n");
    return 1;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace foh::record;
    if (argc == 3 && std::strcmp(argv[1], "--recover") == 0) {
        const RecoverResult r = recoverTake(argv[2]);
        for (const auto& f : r.files)
            std::printf("%s before=%s after=%llu%s%s\n", f.file.c_str(),
                        f.openedBefore ? std::to_string(f.framesBefore).c_str() : "unreadable",
                        static_cast<unsigned long long>(f.frames), f.error.empty() ? "" : " error=", f.error.c_str());
        if (!r.ok) {
            std::fprintf(stderr, "foh_record_writer: recover: %s\n", r.error.c_str());
            return 1;
        }
        std::printf("recovered frames=%llu\n", static_cast<unsigned long long>(r.frames));
        return 0;
    }
    if (argc < 2 || argv[1][0] == '-') return usage();
    TakeConfig cfg;
    cfg.folder = argv[1];
    int tracks = 4;
    double seconds = 0, speed = 1;
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string opt = argv[i];
        const char* v = argv[i + 1];
        if (opt == "--tracks") tracks = std::atoi(v);
        else if (opt == "--rate") cfg.sampleRate = std::atof(v);
        else if (opt == "--format") cfg.sample = std::strcmp(v, "float") == 0 ? TakeConfig::Sample::Float : TakeConfig::Sample::Pcm24;
        else if (opt == "--seconds") seconds = std::atof(v);
        else if (opt == "--speed") speed = std::atof(v);
        else if (opt == "--ring-seconds") cfg.ringSeconds = std::atof(v);
        else if (opt == "--reserve-mb") cfg.reserveBytes = static_cast<std::uint64_t>(std::atof(v) * 1048576.0);
        else if (opt == "--header-ms") cfg.headerEvery = std::chrono::milliseconds(std::atoi(v));
        else return usage();
    }
    if (tracks < 1 || !(speed > 0)) return usage();
    for (int t = 0; t < tracks; ++t) {
        char file[32];
        std::snprintf(file, sizeof file, "%02d Track %d.wav", t + 1, t + 1);
        cfg.tracks.push_back({file, "Track " + std::to_string(t + 1), "", ""});
    }
    Recorder rec;
    std::string error;
    if (!rec.start(cfg, error)) {
        std::fprintf(stderr, "foh_record_writer: %s\n", error.c_str());
        return 1;
    }
    std::printf("started\n");
    std::fflush(stdout);

    constexpr int kBlock = 64;
    std::vector<std::vector<float>> buf(static_cast<std::size_t>(tracks), std::vector<float>(kBlock));
    std::vector<const float*> ptrs;
    for (auto& b : buf) ptrs.push_back(b.data());
    const auto t0 = std::chrono::steady_clock::now();
    auto nextPrint = t0;
    const auto total = static_cast<std::uint64_t>(seconds * cfg.sampleRate);
    std::uint64_t fed = 0;
    double maxUs = 0;
    while ((seconds == 0 || fed < total) && rec.recording()) {
        for (int t = 0; t < tracks; ++t)
            for (int i = 0; i < kBlock; ++i) buf[static_cast<std::size_t>(t)][static_cast<std::size_t>(i)] = signal(t, fed + static_cast<std::uint64_t>(i));
        const auto a = std::chrono::steady_clock::now();
        {
            foh::rt::RealtimeScope rt;
            rec.write_rt(ptrs.data(), kBlock);
        }
        const auto b = std::chrono::steady_clock::now();
        maxUs = std::max(maxUs, std::chrono::duration<double, std::micro>(b - a).count());
        fed += kBlock;
        if (b >= nextPrint) {
            std::printf("fed %llu t=%.3f\n", static_cast<unsigned long long>(fed), std::chrono::duration<double>(b - t0).count());
            std::fflush(stdout);
            nextPrint = b + std::chrono::milliseconds(50);
        }
        std::this_thread::sleep_until(t0 + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                               std::chrono::duration<double>(static_cast<double>(fed) / cfg.sampleRate / speed)));
    }
    rec.stop();
    const auto st = rec.status();
    std::printf("fed %llu t=%.3f\n", static_cast<unsigned long long>(fed),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    std::printf("stopped frames=%llu overruns=%llu max_write_rt_us=%.1f error=%s\n",
                static_cast<unsigned long long>(st.framesWritten),
                static_cast<unsigned long long>(st.overruns.empty() ? 0 : st.overruns[0]), maxUs, st.error.c_str());
    std::fflush(stdout);
    return st.stoppedByError ? 3 : 0;
}
