// Recording benchmark (issue 9): 128 tracks at 48 kHz through foh::record::Recorder onto the disk, fed by a
// simulated audio thread at real-time pace. Not a Google Benchmark: what matters are thread CPU time, the worst ring
// fill and the memory, over a take of real length.
//
//   foh_bench_record [--seconds S] [--tracks N] [--format float|pcm24|both] [--dir DIR] [--keep]
//
// One run per sample format (both by default), each in a fresh process (fork + exec of itself) so VmHWM is that
// run's own peak. The feeder thread ("bench-feeder", SCHED_FIFO 70 if permitted) calls write_rt with one 64-frame
// block of every track per period (1.333 ms, clock_nanosleep to absolute deadlines), a distinct noise signal per
// track (its own xorshift generator, never repeating). Measured:
// - the disk thread's CPU time: the recorder does not name or expose its std::thread, so it is the task that
//   appears in /proc/self/task when start() returns (before the feeder exists), renamed "rec-disk"; its run time from
//   /proc/self/task/TID/schedstat (ns), user/system split from .../stat. Over the feeding period, before stop().
//   Background writeback by the kernel's flusher threads is not in it; the disk thread's write() and fsync() are.
// - the feeder's write_rt duration (p50, p99, max) and its wake-up lateness;
// - Status::worstRingFill x ringSeconds = the most audio ever queued, and the stall margin left in the ring;
// - VmRSS before start(), after start() (the ring is prefaulted there), at the end of feeding, and VmHWM;
// - MB/s of sample data written (framesWritten x tracks x bytes per sample / seconds), overruns (must be 0).
// The take folders are DIR/float and DIR/pcm24; DIR defaults to a fresh /tmp/foh_bench_record.XXXXXX, deleted
// afterwards with the takes unless --keep. The file system type of DIR is printed (tmpfs would only measure the
// page cache).
#include <pthread.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "record/Recorder.h"
#include "rt/Realtime.h"

using namespace foh;
using foh::record::Recorder;
using foh::record::TakeConfig;
namespace fs = std::filesystem;

namespace {

constexpr int kBlock = 64;
constexpr double kRate = 48000.0;

std::set<long> taskIds() {
    std::set<long> ids;
    for (const auto& e : fs::directory_iterator("/proc/self/task")) ids.insert(std::stol(e.path().filename().string()));
    return ids;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Run time of a task of this process in seconds (schedstat, ns resolution); -1 if it is gone.
double taskCpuSeconds(long tid) {
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/schedstat");
    unsigned long long ns = 0;
    if (!(in >> ns)) return -1.0;
    return 1e-9 * static_cast<double>(ns);
}

/// User and system time of a task (clock ticks -> seconds), from /proc/self/task/TID/stat.
std::pair<double, double> taskUserSys(long tid) {
    const std::string s = slurp("/proc/self/task/" + std::to_string(tid) + "/stat");
    const auto close = s.rfind(')');
    if (close == std::string::npos) return {0, 0};
    std::istringstream rest(s.substr(close + 2));
    std::string field;
    std::vector<std::string> f;
    while (rest >> field) f.push_back(field);
    // after "pid (comm) ": state is field 3 -> f[0]; utime field 14 -> f[11], stime 15 -> f[12]
    if (f.size() < 13) return {0, 0};
    const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
    return {std::stod(f[11]) / tick, std::stod(f[12]) / tick};
}

std::string taskName(long tid) {
    std::string n = slurp("/proc/self/task/" + std::to_string(tid) + "/comm");
    while (!n.empty() && (n.back() == '\n')) n.pop_back();
    return n;
}

/// VmRSS / VmHWM from /proc/self/status, in MiB.
double vmField(const char* key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::size_t k = std::strlen(key);
    while (std::getline(in, line))
        if (line.compare(0, k, key) == 0 && line.size() > k && line[k] == ':') return std::atof(line.c_str() + k + 1) / 1024.0;
    return -1.0;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

std::string fsType(const fs::path& p) {
    struct statfs s{};
    if (::statfs(p.c_str(), &s) != 0) return "unknown";
    switch (static_cast<unsigned long>(s.f_type)) {
    case 0xEF53: return "ext2/3/4";
    case 0x01021994: return "tmpfs";
    case 0x58465342: return "xfs";
    case 0x9123683E: return "btrfs";
    case 0x794C7630: return "overlayfs";
    default: {
        char b[32];
        std::snprintf(b, sizeof b, "0x%lx", static_cast<unsigned long>(s.f_type));
        return b;
    }
    }
}

std::int64_t nowNs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

timespec toTimespec(std::int64_t ns) {
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(ns / 1000000000);
    ts.tv_nsec = static_cast<long>(ns % 1000000000);
    return ts;
}

/// One take in this process; prints its summary line. Returns 0 when it recorded without overruns or errors.
int runOne(const fs::path& folder, TakeConfig::Sample sample, int tracks, double seconds) {
    const bool isFloat = sample == TakeConfig::Sample::Float;
    const char* fmt = isFloat ? "float" : "pcm24";
    pthread_setname_np(pthread_self(), "bench-main");

    TakeConfig cfg;
    cfg.folder = folder;
    cfg.sampleRate = kRate;
    cfg.sample = sample;
    for (int t = 0; t < tracks; ++t) {
        char file[64], name[32];
        std::snprintf(file, sizeof file, "%03d Noise %d.wav", t + 1, t + 1);
        std::snprintf(name, sizeof name, "Noise %d", t + 1);
        cfg.tracks.push_back({file, name, "", ""});
    }
    const auto blocks = static_cast<std::int64_t>(seconds * kRate / kBlock);

    // Everything the feeder touches is allocated and written before the RSS baseline.
    std::vector<float> audio(static_cast<std::size_t>(tracks) * kBlock, 0.0f);
    std::vector<const float*> ptrs(static_cast<std::size_t>(tracks));
    for (int t = 0; t < tracks; ++t) ptrs[static_cast<std::size_t>(t)] = audio.data() + static_cast<std::size_t>(t) * kBlock;
    std::vector<std::uint32_t> seeds(static_cast<std::size_t>(tracks));
    for (int t = 0; t < tracks; ++t) seeds[static_cast<std::size_t>(t)] = 0x9E3779B9u * static_cast<std::uint32_t>(t + 1) | 1u;
    std::vector<double> writeUs(static_cast<std::size_t>(blocks), 0.0);

    const double rssBefore = vmField("VmRSS");
    const std::set<long> before = taskIds();
    Recorder rec;
    std::string error;
    if (!rec.start(cfg, error)) {
        std::fprintf(stderr, "start: %s\n", error.c_str());
        return 1;
    }
    const double rssStarted = vmField("VmRSS");
    std::vector<long> fresh;
    for (long id : taskIds())
        if (!before.count(id)) fresh.push_back(id);
    if (fresh.size() != 1) {
        std::fprintf(stderr, "expected one new thread (the disk thread) after start(), found %zu\n", fresh.size());
        rec.stop();
        return 1;
    }
    const long diskTid = fresh.front();
    {  // it inherited "bench-main"; give it a name of its own for top/ps while the take runs
        std::ofstream comm("/proc/self/task/" + std::to_string(diskTid) + "/comm");
        comm << "rec-disk";
    }
    const std::string diskName = taskName(diskTid);

    std::atomic<bool> fifo{false};
    std::atomic<bool> done{false};
    double maxLateUs = 0;
    const double cpu0 = taskCpuSeconds(diskTid);
    const auto us0 = taskUserSys(diskTid);
    const std::int64_t t0 = nowNs() + 2000000;  // first deadline 2 ms from now
    std::thread feeder([&] {
        pthread_setname_np(pthread_self(), "bench-feeder");
        fifo = rt::makeThreadRealtime(70);
        const float gain = isFloat ? 0.9f : 0.5f;
        for (std::int64_t k = 0; k < blocks; ++k) {
            const std::int64_t deadline = t0 + k * kBlock * 1000000000 / static_cast<std::int64_t>(kRate);
            const timespec ts = toTimespec(deadline);
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
            }
            maxLateUs = std::max(maxLateUs, 1e-3 * static_cast<double>(nowNs() - deadline));
            for (int t = 0; t < tracks; ++t) {  // the "audio callback": a new block of noise for every track
                std::uint32_t x = seeds[static_cast<std::size_t>(t)];
                float* out = audio.data() + static_cast<std::size_t>(t) * kBlock;
                for (int i = 0; i < kBlock; ++i) {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    out[i] = gain * (static_cast<float>(x >> 8) / 8388608.0f - 1.0f);
                }
                seeds[static_cast<std::size_t>(t)] = x;
            }
            const std::int64_t w0 = nowNs();
            rec.write_rt(ptrs.data(), kBlock);
            writeUs[static_cast<std::size_t>(k)] = 1e-3 * static_cast<double>(nowNs() - w0);
        }
        done = true;
    });
    // Control side: watch the take like fohd would (status() a few times a second).
    std::uint64_t maxBehind = 0;
    while (!done.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        const auto st = rec.status();
        if (st.framesCaptured > st.framesWritten) maxBehind = std::max(maxBehind, st.framesCaptured - st.framesWritten);
        if (st.stoppedByError) break;
    }
    feeder.join();
    const double wall = 1e-9 * static_cast<double>(nowNs() - t0);
    const double cpu = taskCpuSeconds(diskTid) - cpu0;
    const auto us1 = taskUserSys(diskTid);
    const double rssEnd = vmField("VmRSS");
    const auto before_stop = rec.status();
    const std::int64_t s0 = nowNs();
    rec.stop();
    const double stopMs = 1e-6 * static_cast<double>(nowNs() - s0);
    const auto st = rec.status();
    const double hwm = vmField("VmHWM");

    std::uint64_t overruns = 0;
    for (auto o : st.overruns) overruns += o;
    std::uintmax_t bytesOnDisk = 0;
    for (const auto& e : fs::directory_iterator(folder))
        if (e.is_regular_file()) bytesOnDisk += e.file_size();
    const double bps = isFloat ? 4.0 : 3.0;
    const double mbs = static_cast<double>(before_stop.framesWritten) * tracks * bps / wall / 1e6;
    const double worstS = st.worstRingFill * cfg.ringSeconds;
    std::printf("record %-5s %d tracks %.0f Hz %.1f s: disk thread '%s' %.2f %% of a core (user %.2f s, sys %.2f s "
                "of %.2f s cpu), write_rt p50 %.1f p99 %.1f max %.1f us, feeder late max %.0f us (%s), worst ring fill "
                "%.3f %% = %.3f s of %.0f s (margin %.2f s), max behind (status polls) %.3f s, RSS before %.0f / after "
                "start %.0f / end %.0f MiB, HWM %.0f MiB, %.1f MB/s, %.0f MB on disk, stop %.0f ms, overruns %llu%s\n",
                fmt, tracks, kRate, wall, diskName.c_str(), cpu / wall * 100.0, us1.first - us0.first,
                us1.second - us0.second, cpu, percentile(writeUs, 0.5), percentile(writeUs, 0.99),
                percentile(writeUs, 1.0), maxLateUs, fifo ? "SCHED_FIFO 70" : "SCHED_OTHER: FIFO not permitted",
                st.worstRingFill * 100.0, worstS, cfg.ringSeconds, cfg.ringSeconds - worstS,
                static_cast<double>(maxBehind) / kRate, rssBefore, rssStarted, rssEnd, hwm, mbs,
                static_cast<double>(bytesOnDisk) / 1e6, stopMs, static_cast<unsigned long long>(overruns),
                st.stoppedByError ? (" ERROR: " + st.error).c_str() : "");
    std::fflush(stdout);
    return overruns == 0 && !st.stoppedByError ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
    double seconds = 30.0;
    int tracks = 128;
    std::string format = "both", dirArg, child;
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string opt = argv[i];
        const char* v = i + 1 < argc ? argv[i + 1] : nullptr;
        if (opt == "--keep") keep = true;
        else if (v && opt == "--seconds") seconds = std::atof(argv[++i]);
        else if (v && opt == "--tracks") tracks = std::atoi(argv[++i]);
        else if (v && opt == "--format") format = argv[++i];
        else if (v && opt == "--dir") dirArg = argv[++i];
        else if (v && opt == "--child-take") child = argv[++i];  // internal: one run in this process
        else {
            std::fprintf(stderr, "usage: foh_bench_record [--seconds S] [--tracks N] [--format float|pcm24|both] "
                                 "[--dir DIR] [--keep]\n");
            return 64;
        }
    }
    if (!child.empty())
        return runOne(child, format == "float" ? TakeConfig::Sample::Float : TakeConfig::Sample::Pcm24, tracks, seconds);

    fs::path dir;
    bool madeDir = false;
    if (dirArg.empty()) {
        char tmpl[] = "/tmp/foh_bench_record.XXXXXX";
        if (!::mkdtemp(tmpl)) {
            std::perror("mkdtemp");
            return 1;
        }
        dir = tmpl;
        madeDir = true;
    } else {
        dir = dirArg;
        std::error_code ec;
        fs::create_directories(dir, ec);
    }
    std::printf("take folders under %s (file system: %s)%s\n", dir.c_str(), fsType(dir).c_str(),
                fsType(dir) == "tmpfs" ? "  WARNING: tmpfs measures the page cache, not a disk" : "");
    std::fflush(stdout);
    std::vector<std::string> formats;
    if (format == "both") formats = {"float", "pcm24"};
    else formats = {format};
    int rc = 0;
    for (const std::string& f : formats) {
        const fs::path take = dir / f;
        std::error_code ec;
        fs::remove_all(take, ec);
        const pid_t pid = ::fork();
        if (pid == 0) {
            const std::string secs = std::to_string(seconds), n = std::to_string(tracks);
            ::execl("/proc/self/exe", argv[0], "--seconds", secs.c_str(), "--tracks", n.c_str(), "--format", f.c_str(),
                    "--child-take", take.c_str(), static_cast<char*>(nullptr));
            std::perror("exec");
            std::_Exit(127);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
        if (code != 0) {
            std::fprintf(stderr, "%s run failed (%d)\n", f.c_str(), code);
            rc = 1;
        }
        if (!keep) fs::remove_all(take, ec);
    }
    if (!keep && madeDir) {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    return rc;
}
