// foh_osc_flood: OSC load for the flood system test (tests/system/osc_flood.sh). Plain POSIX UDP sockets and
// hand-encoded OSC; it links nothing of the engine, so it sees fohd only from the outside, as a tablet does.
//
//   foh_osc_flood --port P [--host 127.0.0.1] [--clients 4] [--rate 100000] [--seconds 10] [--settle-ms 300]
//                 [--rt-probe PRIORITY [--rt-probe-late-ms 1.333] [--rt-probe-period-us 250] [--rt-probe-stall-ms 0.3]]
//
// - K sender threads, one UDP socket each (= K OSC clients to fohd), send R messages/s together for S seconds,
//   paced: every millisecond each sends what is due by then (R/K/1000 messages), catching up if it was late (at
//   most 10 ms worth at a time); a sender still not done after 2 S + 1 s gives up and sends its two finals.
//   Client k drives its own /ch/k/fader and /ch/k/pan, alternating, with values cycling over their ranges on a
//   1/16 grid offset by 1/32 (fader -89.96875 .. 9.96875 dB, pan -99.96875 .. 99.96875). Its last two messages are
//   the distinctive finals fader -k-0.5 dB and pan 0.5-k, multiples of 1/2 that the cycle never sends (its values
//   are odd multiples of 1/32), exactly representable as floats and in range for up to 64 clients. Every sender
//   drains its own socket without blocking (fohd pushes every change to every client) and counts the pushes and
//   the /error answers it got.
// - A prober thread, from its own socket, sends a query every 10 ms and measures the answers. It queries the
//   flooded parameters through /norm (/ch/k/fader/norm, /ch/k/pan/norm, in turn): fohd answers a /norm query with
//   the /norm address and never pushes one, so an answer is never confused with a push. Answers come back in
//   order (one socket, one server thread, loopback), so an answer for the oldest open query with its address also
//   settles every open query before it as unanswered.
// - With --rt-probe, one more thread per CPU (pinned to it, SCHED_FIFO PRIORITY) wakes every --rt-probe-period-us
//   (absolute CLOCK_MONOTONIC deadlines) from the start of the flood to the end of the readback and measures how late
//   it was woken: an independent witness of whether the machine could run a real-time thread on time at all (a
//   kernel section that cannot be preempted, the hypervisor not running the virtual CPU). Given a priority above the
//   audio server's and fohd's, nothing of theirs can delay it. A CPU that could run nothing for S ms makes its probe
//   wake at least S - period late, once: after a late wakeup the probe starts its schedule afresh from then, so each
//   stall is one event. Every wakeup later than --rt-probe-stall-ms is printed with its time, so a caller can put
//   an xrun next to the stall that caused it (fohd logs its xruns on the same clock).
// - After the flood it waits --settle-ms, then queries every client's parameters (plain addresses) and prints the
//   values read next to the values sent last.
//
// Output, one line each (the test parses them):
//   sent N msgs in T s (A msg/s) from K clients; requested R msg/s; send errors E; flood tool CPU C s
//   clients received P pushes and E errors[; first error: ...]
//   queries Q answered A (P %) p50 X ms p99 Y ms max Z ms
//   final /ch/k/fader sent V read W ok|MISMATCH|NO ANSWER      (for every client's two parameters)
//   finals M of N match
//   rt probe: SCHED_FIFO P on C CPUs, W wakeups, N later than T ms, max X ms, every U us; S stalls over V ms printed;
//             watched A to B s                        (A, B: CLOCK_MONOTONIC, the start of the flood and the end of the readback)
//                                                           (--rt-probe; T: --rt-probe-late-ms, U: --rt-probe-period-us)
//   rt probe stall: cpu C woke at M s late L ms           (each wakeup later than --rt-probe-stall-ms, at most 2000;
//                                                           M: CLOCK_MONOTONIC when it woke, L: how late)
// Exit status: 0 when it sent at >= 95 % of the requested rate, 1 when it could not, 2 for a usage or socket error.
// (Whether fohd kept up, answered and ended in the right state is for the caller to judge from the output.)

#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kUsage =
    "usage: foh_osc_flood --port PORT [--host 127.0.0.1] [--clients 4] [--rate 100000] [--seconds 10] "
    "[--settle-ms 300] [--rt-probe PRIORITY [--rt-probe-late-ms 1.333] [--rt-probe-period-us 250] "
    "[--rt-probe-stall-ms 0.3]]\n";

struct Options {
    std::string host = "127.0.0.1";
    int port = 0;
    int clients = 4;
    double rate = 100000.0;
    double seconds = 10.0;
    int settleMs = 300;
    int rtProbePriority = 0;  ///< 0: no probe
    double rtProbeLateMs = 1.333;
    int rtProbePeriodUs = 250;
    double rtProbeStallMs = 0.3;
};

// ---- OSC encoding and decoding (just what this tool needs) -----------------------------------------------------

void appendPadded(std::vector<std::uint8_t>& out, std::string_view text) {
    out.insert(out.end(), text.begin(), text.end());
    out.push_back(0);
    while (out.size() % 4 != 0) out.push_back(0);
}

/// `address` with no argument (a query).
std::vector<std::uint8_t> encodeQuery(std::string_view address) {
    std::vector<std::uint8_t> out;
    appendPadded(out, address);
    appendPadded(out, ",");
    return out;
}

/// `address ,f 0.0`: the float is patched in place by setFloat (its last 4 bytes).
std::vector<std::uint8_t> encodeFloatMessage(std::string_view address) {
    std::vector<std::uint8_t> out;
    appendPadded(out, address);
    appendPadded(out, ",f");
    out.resize(out.size() + 4, 0);
    return out;
}

void setFloat(std::vector<std::uint8_t>& message, float value) {
    const auto bits = std::bit_cast<std::uint32_t>(value);
    std::uint8_t* p = message.data() + message.size() - 4;
    p[0] = static_cast<std::uint8_t>(bits >> 24);
    p[1] = static_cast<std::uint8_t>(bits >> 16);
    p[2] = static_cast<std::uint8_t>(bits >> 8);
    p[3] = static_cast<std::uint8_t>(bits);
}

/// A padded OSC string at `at`; advances `at` past it. nullopt when it runs past the packet.
std::optional<std::string_view> readString(const std::uint8_t* data, std::size_t size, std::size_t& at) {
    const std::size_t start = at;
    while (at < size && data[at] != 0) ++at;
    if (at >= size) return std::nullopt;
    std::string_view s(reinterpret_cast<const char*>(data + start), at - start);
    at = (at + 4) & ~std::size_t{3};
    return s;
}

struct Received {
    std::string_view address;
    std::optional<float> number;   ///< the first argument when it is f or i
    std::string_view firstString;  ///< the second argument of an /error when it is a string (the reason)
};

std::optional<Received> decode(const std::uint8_t* data, std::size_t size) {
    std::size_t at = 0;
    Received r;
    const auto address = readString(data, size, at);
    if (!address) return std::nullopt;
    r.address = *address;
    const auto types = readString(data, size, at);
    if (!types || types->empty() || (*types)[0] != ',') return r;
    for (std::size_t i = 1; i < types->size(); ++i) {
        const char t = (*types)[i];
        if (t == 'f' || t == 'i') {
            if (at + 4 > size) return r;
            const std::uint32_t bits = (std::uint32_t{data[at]} << 24) | (std::uint32_t{data[at + 1]} << 16) |
                                       (std::uint32_t{data[at + 2]} << 8) | data[at + 3];
            at += 4;
            if (i == 1)
                r.number = t == 'f' ? std::bit_cast<float>(bits)
                                    : static_cast<float>(static_cast<std::int32_t>(bits));
        } else if (t == 's') {
            const auto s = readString(data, size, at);
            if (!s) return r;
            if (i == 2) r.firstString = *s;
        } else {
            return r;  // nothing this tool reads comes after other types
        }
    }
    return r;
}

// ---- sockets -------------------------------------------------------------------------------------------------------

int openSocket() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) return -1;
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    any.sin_port = 0;
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

double msSince(Clock::time_point t, Clock::time_point now) {
    return std::chrono::duration<double, std::milli>(now - t).count();
}

void sleepUntil(Clock::time_point t) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    // steady_clock is CLOCK_MONOTONIC on Linux.
    while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
    }
}

// ---- the senders ---------------------------------------------------------------------------------------------------

/// Client k's (1-based) two parameters and their finals.
std::string faderAddress(int k) { return "/ch/" + std::to_string(k) + "/fader"; }
std::string panAddress(int k) { return "/ch/" + std::to_string(k) + "/pan"; }
float finalFader(int k) { return -static_cast<float>(k) - 0.5f; }
float finalPan(int k) { return 0.5f - static_cast<float>(k); }
// The cycle: 1/16 steps offset by 1/32, so never a multiple of 1/2 (the finals are).
float cycleFader(std::int64_t i) { return -89.96875f + static_cast<float>(i % 1600) * 0.0625f; }
float cyclePan(std::int64_t i) { return -99.96875f + static_cast<float>(i % 3200) * 0.0625f; }

struct Sender {
    int k = 0;  ///< 1-based client number
    int fd = -1;
    std::int64_t total = 0;  ///< messages to send, the two finals included
    std::int64_t sent = 0;
    std::int64_t sendErrors = 0;
    std::int64_t pushes = 0;
    std::int64_t errors = 0;
    std::string firstError;
    Clock::time_point lastSend;
};

void drain(Sender& s, std::vector<std::uint8_t>& buffer) {
    for (;;) {
        const ssize_t n = ::recv(s.fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n < 0) return;  // EAGAIN: nothing more now
        const auto r = decode(buffer.data(), static_cast<std::size_t>(n));
        if (r && r->address == "/error") {
            if (s.errors++ == 0) s.firstError = std::string(r->firstString);
        } else {
            ++s.pushes;
        }
    }
}

void runSender(Sender& s, const sockaddr_in& to, double perClientRate, Clock::time_point start,
               Clock::time_point giveUp) {
    std::vector<std::uint8_t> fader = encodeFloatMessage(faderAddress(s.k));
    std::vector<std::uint8_t> pan = encodeFloatMessage(panAddress(s.k));
    std::vector<std::uint8_t> buffer(65536);
    auto sendOne = [&](std::int64_t i) {
        std::vector<std::uint8_t>* m;
        if (i == s.total - 2) {
            m = &fader;
            setFloat(fader, finalFader(s.k));
        } else if (i == s.total - 1) {
            m = &pan;
            setFloat(pan, finalPan(s.k));
        } else if (i % 2 == 0) {
            m = &fader;
            setFloat(fader, cycleFader(i / 2));
        } else {
            m = &pan;
            setFloat(pan, cyclePan(i / 2));
        }
        const ssize_t n = ::sendto(s.fd, m->data(), m->size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
        if (n == static_cast<ssize_t>(m->size())) ++s.sent;
        else ++s.sendErrors;
    };
    // A late sender catches up at most 10 ms worth of messages at a time, so that it looks at the clock often.
    const std::int64_t maxBurst = std::max<std::int64_t>(16, std::llround(perClientRate / 100.0));
    sleepUntil(start);
    std::int64_t i = 0;
    auto tick = start;
    while (i < s.total) {
        const auto now = Clock::now();
        if (now >= giveUp) break;  // far behind: stop (the finals still go out below)
        const double elapsed = std::chrono::duration<double>(now - start).count();
        const std::int64_t due =
            std::min({s.total, static_cast<std::int64_t>(elapsed * perClientRate) + 1, i + maxBurst});
        for (; i < due; ++i) sendOne(i);
        drain(s, buffer);
        tick += std::chrono::milliseconds(1);
        if (tick > now) sleepUntil(tick);
        else tick = now;
    }
    if (i < s.total) {
        sendOne(s.total - 2);
        sendOne(s.total - 1);
    }
    s.lastSend = Clock::now();
    drain(s, buffer);
}

// ---- the prober ----------------------------------------------------------------------------------------------------

struct Prober {
    int fd = -1;
    std::int64_t queries = 0;
    std::int64_t answered = 0;
    std::vector<double> latenciesMs;
};

void runProber(Prober& p, const sockaddr_in& to, int clients, Clock::time_point start,
               const std::atomic<bool>& floodDone, std::chrono::milliseconds settle) {
    std::vector<std::string> tags;
    for (int k = 1; k <= clients; ++k) {
        tags.push_back(faderAddress(k) + "/norm");
        tags.push_back(panAddress(k) + "/norm");
    }
    std::vector<std::vector<std::uint8_t>> queries;
    for (const std::string& t : tags) queries.push_back(encodeQuery(t));
    struct Open {
        std::size_t tag;
        Clock::time_point sent;
    };
    std::deque<Open> open;
    std::vector<std::uint8_t> buffer(65536);
    constexpr auto kInterval = std::chrono::milliseconds(10);

    auto receiveUntil = [&](Clock::time_point until) {
        for (;;) {
            const auto now = Clock::now();
            if (now >= until) return;
            pollfd pfd{p.fd, POLLIN, 0};
            const int wait = static_cast<int>(std::ceil(msSince(now, until)));
            if (::poll(&pfd, 1, std::max(wait, 1)) <= 0) continue;
            const ssize_t n = ::recv(p.fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
            if (n < 0) continue;
            const auto arrived = Clock::now();
            const auto r = decode(buffer.data(), static_cast<std::size_t>(n));
            if (!r) continue;
            const auto tag = std::find(tags.begin(), tags.end(), r->address);
            if (tag == tags.end()) continue;  // a push or the full state
            const auto index = static_cast<std::size_t>(tag - tags.begin());
            const auto match = std::find_if(open.begin(), open.end(), [&](const Open& o) { return o.tag == index; });
            if (match == open.end()) continue;  // an answer to a query already given up on
            p.latenciesMs.push_back(msSince(match->sent, arrived));
            ++p.answered;
            open.erase(open.begin(), match + 1);  // the ones before it went unanswered
        }
    };

    sleepUntil(start);
    auto next = start;
    while (!floodDone.load(std::memory_order_acquire)) {
        const std::size_t tag = static_cast<std::size_t>(p.queries) % queries.size();
        const auto& q = queries[tag];
        open.push_back({tag, Clock::now()});
        ::sendto(p.fd, q.data(), q.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
        ++p.queries;
        next += kInterval;
        receiveUntil(next);
    }
    receiveUntil(Clock::now() + settle);
}

/// Queries `address` from `fd` and returns the first answer to it within 1 s.
std::optional<float> readBack(int fd, const sockaddr_in& to, const std::string& address) {
    std::vector<std::uint8_t> buffer(65536);
    while (::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT) >= 0) {
    }
    const auto q = encodeQuery(address);
    ::sendto(fd, q.data(), q.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    const auto until = Clock::now() + std::chrono::seconds(1);
    for (;;) {
        const auto now = Clock::now();
        if (now >= until) return std::nullopt;
        pollfd pfd{fd, POLLIN, 0};
        if (::poll(&pfd, 1, std::max(1, static_cast<int>(msSince(now, until)))) <= 0) continue;
        const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
        if (n < 0) continue;
        const auto r = decode(buffer.data(), static_cast<std::size_t>(n));
        if (r && r->address == address) return r->number;
    }
}

// ---- the real-time probe ------------------------------------------------------------------------------------------

struct RtProbe {
    int cpu = 0;
    std::string error;  ///< why it could not run (pinning, scheduling), empty when it ran
    std::int64_t wakeups = 0;
    std::int64_t late = 0;  ///< woken later than the threshold
    double maxLateMs = 0.0;
    struct Stall {
        Clock::time_point woke;
        double lateMs;
    };
    std::vector<Stall> stalls;  ///< wakeups later than the stall threshold (reserved: no allocation while probing)
};

void runRtProbe(RtProbe& p, int priority, double lateMs, double stallMs, std::chrono::microseconds period,
                Clock::time_point start, const std::atomic<bool>& done) {
    p.stalls.reserve(2000);
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(p.cpu, &one);
    if (int e = ::pthread_setaffinity_np(::pthread_self(), sizeof one, &one); e != 0) {
        p.error = std::string("cannot pin to CPU ") + std::to_string(p.cpu) + ": " + std::strerror(e);
        return;
    }
    sched_param sp{};
    sp.sched_priority = priority;
    if (int e = ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &sp); e != 0) {
        p.error = std::string("cannot run SCHED_FIFO ") + std::to_string(priority) + ": " + std::strerror(e);
        return;
    }
    sleepUntil(start);
    auto wake = start;
    while (!done.load(std::memory_order_acquire)) {
        wake += period;
        sleepUntil(wake);
        const auto now = Clock::now();
        const double late = msSince(wake, now);
        ++p.wakeups;
        if (late > lateMs) ++p.late;
        p.maxLateMs = std::max(p.maxLateMs, late);
        if (late > stallMs) {
            if (p.stalls.size() < p.stalls.capacity()) p.stalls.push_back({now, late});
            wake = now;  // one event per stall: the wakeups it swallowed are not caught up
        }
    }
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const auto at = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size()))) - 1;
    return v[std::min(at, v.size() - 1)];
}

bool parseNumber(const char* text, double& out) {
    char* end = nullptr;
    out = std::strtod(text, &end);
    return end != text && *end == '\0' && std::isfinite(out);
}

std::optional<Options> parseOptions(int argc, char** argv) {
    Options o;
    for (int a = 1; a < argc; ++a) {
        const std::string_view name = argv[a];
        if (a + 1 >= argc) return std::nullopt;
        double v = 0;
        if (name == "--host") {
            o.host = argv[++a];
            continue;
        }
        if (!parseNumber(argv[++a], v)) return std::nullopt;
        if (name == "--port" && v >= 1 && v <= 65535 && v == std::floor(v)) o.port = static_cast<int>(v);
        else if (name == "--clients" && v >= 1 && v <= 64 && v == std::floor(v)) o.clients = static_cast<int>(v);
        else if (name == "--rate" && v > 0 && v <= 1e7) o.rate = v;
        else if (name == "--seconds" && v > 0 && v <= 3600) o.seconds = v;
        else if (name == "--settle-ms" && v >= 0 && v <= 60000 && v == std::floor(v)) o.settleMs = static_cast<int>(v);
        else if (name == "--rt-probe" && v >= 1 && v <= 99 && v == std::floor(v)) o.rtProbePriority = static_cast<int>(v);
        else if (name == "--rt-probe-late-ms" && v > 0 && v <= 1000) o.rtProbeLateMs = v;
        else if (name == "--rt-probe-period-us" && v >= 50 && v <= 100000 && v == std::floor(v)) o.rtProbePeriodUs = static_cast<int>(v);
        else if (name == "--rt-probe-stall-ms" && v > 0 && v <= 1000) o.rtProbeStallMs = v;
        else return std::nullopt;
    }
    if (o.port == 0) return std::nullopt;
    return o;
}

double cpuSeconds() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    const auto parsed = parseOptions(argc, argv);
    if (!parsed) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const Options& opt = *parsed;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(opt.port));
    if (::inet_pton(AF_INET, opt.host.c_str(), &to.sin_addr) != 1) {
        std::fprintf(stderr, "foh_osc_flood: --host %s is not an IPv4 address\n", opt.host.c_str());
        return 2;
    }

    const double perClient = opt.rate / opt.clients;
    const auto perClientTotal = std::max<std::int64_t>(2, std::llround(perClient * opt.seconds));
    std::vector<Sender> senders(static_cast<std::size_t>(opt.clients));
    for (int k = 1; k <= opt.clients; ++k) {
        Sender& s = senders[static_cast<std::size_t>(k - 1)];
        s.k = k;
        s.total = perClientTotal;
        s.fd = openSocket();
        if (s.fd < 0) {
            std::fprintf(stderr, "foh_osc_flood: cannot open a UDP socket: %s\n", std::strerror(errno));
            return 2;
        }
    }
    Prober prober;
    prober.fd = openSocket();
    if (prober.fd < 0) {
        std::fprintf(stderr, "foh_osc_flood: cannot open a UDP socket: %s\n", std::strerror(errno));
        return 2;
    }

    // Everyone starts together, a moment from now (the threads are running by then).
    const auto start = Clock::now() + std::chrono::milliseconds(50);
    const auto giveUp =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(2 * opt.seconds + 1));
    const double cpuBefore = cpuSeconds();
    std::atomic<bool> floodDone{false};
    std::atomic<bool> probesDone{false};  ///< after the readback: the probes watch the tool's whole run
    std::thread probe(runProber, std::ref(prober), std::cref(to), opt.clients, start, std::cref(floodDone),
                      std::chrono::milliseconds(opt.settleMs));
    std::vector<RtProbe> rtProbes;
    std::vector<std::thread> rtThreads;
    if (opt.rtProbePriority > 0) {
        cpu_set_t allowed;
        CPU_ZERO(&allowed);
        if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0) {
            std::fprintf(stderr, "foh_osc_flood: sched_getaffinity: %s\n", std::strerror(errno));
            return 2;
        }
        for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
            if (CPU_ISSET(cpu, &allowed)) rtProbes.emplace_back().cpu = cpu;
        for (RtProbe& p : rtProbes)
            rtThreads.emplace_back(runRtProbe, std::ref(p), opt.rtProbePriority, opt.rtProbeLateMs, opt.rtProbeStallMs,
                                   std::chrono::microseconds(opt.rtProbePeriodUs), start, std::cref(probesDone));
    }
    std::vector<std::thread> threads;
    for (Sender& s : senders) threads.emplace_back(runSender, std::ref(s), std::cref(to), perClient, start, giveUp);
    for (std::thread& t : threads) t.join();
    floodDone.store(true, std::memory_order_release);
    probe.join();  // it keeps listening for --settle-ms after the flood
    const double cpu = cpuSeconds() - cpuBefore;

    std::int64_t sent = 0, sendErrors = 0, pushes = 0, errors = 0;
    std::string firstError;
    auto last = start;
    for (const Sender& s : senders) {
        sent += s.sent;
        sendErrors += s.sendErrors;
        pushes += s.pushes;
        errors += s.errors;
        if (firstError.empty()) firstError = s.firstError;
        last = std::max(last, s.lastSend);
    }
    const double elapsed = std::chrono::duration<double>(last - start).count();
    const double achieved = elapsed > 0 ? static_cast<double>(sent) / elapsed : 0.0;
    std::printf("sent %lld msgs in %.3f s (%.0f msg/s) from %d clients; requested %.0f msg/s; send errors %lld; "
                "flood tool CPU %.2f s\n",
                static_cast<long long>(sent), elapsed, achieved, opt.clients, opt.rate,
                static_cast<long long>(sendErrors), cpu);
    std::printf("clients received %lld pushes and %lld errors%s%s\n", static_cast<long long>(pushes),
                static_cast<long long>(errors), errors ? "; first error: " : "", firstError.c_str());
    const double percent =
        prober.queries ? 100.0 * static_cast<double>(prober.answered) / static_cast<double>(prober.queries) : 0.0;
    std::printf("queries %lld answered %lld (%.2f %%) p50 %.3f ms p99 %.3f ms max %.3f ms\n",
                static_cast<long long>(prober.queries), static_cast<long long>(prober.answered), percent,
                percentile(prober.latenciesMs, 50), percentile(prober.latenciesMs, 99),
                percentile(prober.latenciesMs, 100));

    int matches = 0;
    for (int k = 1; k <= opt.clients; ++k) {
        const std::pair<std::string, float> finals[] = {{faderAddress(k), finalFader(k)}, {panAddress(k), finalPan(k)}};
        for (const auto& [address, want] : finals) {
            const auto got = readBack(prober.fd, to, address);
            const bool ok = got && *got == want;
            matches += ok ? 1 : 0;
            if (got)
                std::printf("final %s sent %.9g read %.9g %s\n", address.c_str(), static_cast<double>(want),
                            static_cast<double>(*got), ok ? "ok" : "MISMATCH");
            else
                std::printf("final %s sent %.9g read - NO ANSWER\n", address.c_str(), static_cast<double>(want));
        }
    }
    std::printf("finals %d of %d match\n", matches, 2 * opt.clients);
    probesDone.store(true, std::memory_order_release);
    const auto probesEnd = Clock::now();
    for (std::thread& t : rtThreads) t.join();
    if (!rtProbes.empty()) {
        RtProbe all;
        std::string error;
        for (const RtProbe& p : rtProbes) {
            if (!p.error.empty() && error.empty()) error = p.error;
            all.wakeups += p.wakeups;
            all.late += p.late;
            all.maxLateMs = std::max(all.maxLateMs, p.maxLateMs);
        }
        if (!error.empty()) {
            std::printf("rt probe: failed: %s\n", error.c_str());
        } else {
            std::size_t stalls = 0;
            for (const RtProbe& p : rtProbes) {
                stalls += p.stalls.size();
                for (const RtProbe::Stall& st : p.stalls)
                    std::printf("rt probe stall: cpu %d woke at %.6f s late %.3f ms\n", p.cpu,
                                std::chrono::duration<double>(st.woke.time_since_epoch()).count(), st.lateMs);
            }
            std::printf("rt probe: SCHED_FIFO %d on %zu CPUs, %lld wakeups, %lld later than %.3f ms, max %.3f ms, "
                        "every %d us; %zu stalls over %.3f ms printed; watched %.6f to %.6f s\n",
                        opt.rtProbePriority, rtProbes.size(), static_cast<long long>(all.wakeups),
                        static_cast<long long>(all.late), opt.rtProbeLateMs, all.maxLateMs, opt.rtProbePeriodUs,
                        stalls, opt.rtProbeStallMs, std::chrono::duration<double>(start.time_since_epoch()).count(),
                        std::chrono::duration<double>(probesEnd.time_since_epoch()).count());
        }
    }
    std::fflush(stdout);

    for (const Sender& s : senders) ::close(s.fd);
    ::close(prober.fd);
    if (achieved < 0.95 * opt.rate) {
        std::fprintf(stderr, "foh_osc_flood: sent only %.0f msg/s of the %.0f requested\n", achieved, opt.rate);
        return 1;
    }
    return 0;
}
