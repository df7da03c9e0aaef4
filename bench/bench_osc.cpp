// OSC benchmark (issue 7): fader-to-push latency at 8 subscribed clients, and the control thread's CPU for meters
// at 30 Hz to 8 clients. The real engine on the dummy backend and the real OscServer on its own io_context thread,
// 8 plain UDP client sockets on loopback. Not a Google Benchmark: what matters are percentiles and thread CPU time.
//
//   foh_bench_osc [--channels N] [--moves N] [--seconds S]
//
// Latency: client 1 sends /ch/1/fader with a new value every 25 ms (apart from ClientTable's 20 ms coalescing, so
// every move is pushed at once); each of the 8 clients times the push of that value from the send. Targets: p99 <=
// 10 ms. CPU: the server thread's CPU time (pthread_getcpuclockid) over S seconds with the 8 clients subscribed and
// no meters, then with `/meters all 30 blob` from each, then `/meters all 30 norm`; target < 2 % of a core.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "backend/DummyBackend.h"
#include "core/Engine.h"
#include "osc/OscCodec.h"
#include "osc/OscServer.h"

using namespace foh;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr int kClients = 8;

struct Client {
    int fd = -1;
    Client() {
        fd = ::socket(AF_INET, SOCK_DGRAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
            std::perror("socket");
            std::exit(1);
        }
        int big = 8 << 20;
        ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    }
    ~Client() { ::close(fd); }
    void send(std::uint16_t port, const osc::OscMessage& m) const {
        const auto bytes = osc::encodeMessage(m);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(port);
        (void)::sendto(fd, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    }
    /// Reads every waiting datagram; calls f(message) for each message in it. Returns the bytes read.
    template <typename F>
    std::size_t drain(F&& f) const {
        std::size_t total = 0;
        std::uint8_t buf[65536];
        for (;;) {
            const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n <= 0) return total;
            total += static_cast<std::size_t>(n);
            for (const osc::OscMessage& m : osc::decodePacket(buf, static_cast<std::size_t>(n)).messages) f(m);
        }
    }
};

double threadCpuSeconds(std::thread& t) {
    clockid_t id;
    if (pthread_getcpuclockid(t.native_handle(), &id) != 0) return 0.0;
    timespec ts{};
    clock_gettime(id, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0.0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

/// Drains every client for `seconds`, counting bytes.
std::size_t pump(const std::vector<Client>& clients, double seconds) {
    std::size_t bytes = 0;
    const auto end = SteadyClock::now() + std::chrono::duration<double>(seconds);
    while (SteadyClock::now() < end) {
        for (const Client& c : clients) bytes += c.drain([](const osc::OscMessage&) {});
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return bytes;
}

}  // namespace

int main(int argc, char** argv) {
    int channels = 32, moves = 400;
    double seconds = 10.0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string opt = argv[i];
        if (opt == "--channels") channels = std::atoi(argv[i + 1]);
        else if (opt == "--moves") moves = std::atoi(argv[i + 1]);
        else if (opt == "--seconds") seconds = std::atof(argv[i + 1]);
    }
    GraphConfig config;
    config.channels = channels;
    config.maxBlock = 64;
    Engine engine(config);
    // Every channel plays noise at a different level through an open fader, so every meter moves (the worst case
    // for the messages' contents; the cost per message does not depend on the values).
    {
        auto noise = std::make_shared<LoopSource>();
        std::uint32_t seed = 12345;
        for (int c = 0; c < channels; ++c) {
            LoopTrack t{"noise " + std::to_string(c + 1), c, std::vector<float>(48000)};
            const float gain = 0.5f / static_cast<float>(1 + c % 8);
            for (float& x : t.audio) {
                seed = seed * 1664525u + 1013904223u;
                x = gain * (static_cast<float>(seed >> 8) / 8388608.0f - 1.0f);
            }
            noise->tracks.push_back(std::move(t));
        }
        engine.setPlayback(std::move(noise));
        CommandQueue* q = engine.openQueue("bench");
        for (int c = 1; c <= channels; ++c) (void)engine.set(*q, "/ch/" + std::to_string(c) + "/fader", 0.0f);
    }
    DummyBackend backend(engine, 48000.0, 64);
    std::string error;
    if (!backend.start(error)) {
        std::fprintf(stderr, "dummy backend: %s\n", error.c_str());
        return 1;
    }
    boost::asio::io_context io;
    auto work = boost::asio::make_work_guard(io);
    osc::OscServer server(io, engine, "127.0.0.1", 0, osc::ClientAccess({}, "2468"));
    const std::uint16_t port = server.port();
    std::thread ioThread([&] { io.run(); });

    std::vector<Client> clients(kClients);
    for (const Client& c : clients) c.send(port, {"/subscribe", {}});
    pump(clients, 3.0);  // the full state (a few thousand parameters each)

    // ---- latency -----------------------------------------------------------------------------------------------
    std::vector<double> latencyMs;
    int missing = 0;
    for (int k = 0; k < moves; ++k) {
        const float value = -40.0f + 0.05f * static_cast<float>(k % 600);  // a new value each move
        std::vector<bool> got(kClients, false);
        const auto t0 = SteadyClock::now();
        clients[0].send(port, {"/ch/1/fader", {osc::OscArg::f(value)}});
        int arrived = 0;
        const auto deadline = t0 + std::chrono::milliseconds(200);
        std::vector<pollfd> fds(kClients);
        while (arrived < kClients && SteadyClock::now() < deadline) {
            for (int c = 0; c < kClients; ++c) fds[static_cast<std::size_t>(c)] = {clients[static_cast<std::size_t>(c)].fd, POLLIN, 0};
            (void)::poll(fds.data(), fds.size(), 5);
            for (int c = 0; c < kClients; ++c) {
                const auto cu = static_cast<std::size_t>(c);
                clients[cu].drain([&](const osc::OscMessage& m) {
                    if (got[cu] || m.address != "/ch/1/fader" || m.args.size() != 1) return;
                    if (static_cast<float>(m.args[0].number) != value) return;
                    got[cu] = true;
                    ++arrived;
                    latencyMs.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - t0).count());
                });
            }
        }
        missing += kClients - arrived;
        std::this_thread::sleep_until(t0 + std::chrono::milliseconds(25));
    }
    std::printf("fader -> push latency, %d moves x %d clients, %d channels: p50 %.3f ms  p99 %.3f ms  max %.3f ms  "
                "missing %d  (target p99 <= 10 ms: %s)\n",
                moves, kClients, channels, percentile(latencyMs, 0.5), percentile(latencyMs, 0.99),
                percentile(latencyMs, 1.0), missing, percentile(latencyMs, 0.99) <= 10.0 && missing == 0 ? "met" : "MISSED");

    // ---- meters CPU --------------------------------------------------------------------------------------------
    const auto measure = [&](const char* what) {
        const double cpu0 = threadCpuSeconds(ioThread);
        const auto w0 = SteadyClock::now();
        const std::size_t bytes = pump(clients, seconds);
        const double wall = std::chrono::duration<double>(SteadyClock::now() - w0).count();
        const double cpu = (threadCpuSeconds(ioThread) - cpu0) / wall * 100.0;
        std::printf("  %-34s server thread %.3f %% of a core, %.1f kB/s to the clients\n", what, cpu,
                    static_cast<double>(bytes) / wall / 1000.0);
        return cpu;
    };
    std::printf("meters, %d clients, %d channels, %.0f s each:\n", kClients, channels, seconds);
    const double idle = measure("subscribed, no meters");
    for (const Client& c : clients) c.send(port, {"/meters", {osc::OscArg::s("all"), osc::OscArg::f(30), osc::OscArg::s("blob")}});
    const double blob = measure("/meters all 30 blob");
    for (const Client& c : clients) c.send(port, {"/meters", {osc::OscArg::s("all"), osc::OscArg::f(30), osc::OscArg::s("norm")}});
    const double norm = measure("/meters all 30 norm");
    std::printf("meters cost: blob %.3f %%, norm %.3f %% of a core over idle (target < 2 %%: %s)\n", blob - idle,
                norm - idle, std::max(blob, norm) - idle < 2.0 ? "met" : "MISSED");

    io.stop();
    ioThread.join();
    backend.stop();
    return 0;
}
