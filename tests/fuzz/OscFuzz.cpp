// libFuzzer target: one input is one UDP datagram to the OSC server, handled as OscServer::onPacket does
// (tests/fuzz/OscHarness.h) from an admin, a monitor and a read-only sender in turn, on one engine that lives for
// the whole run. Besides the sanitizers, it stops on a reply or push the console cannot decode again, and on a
// non-finite output sample.
//
// The engine's command queue is drained only by render(): the harness lets it fill (so full-queue refusals are
// exercised), renders once a few sets were refused that way, and in any case every kRenderEvery inputs (so the
// audio thread applies what the sets queued). A fake clock advances kTick per input, so logins expire, wrong-PIN
// windows pass and clients expire within a run.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz/OscHarness.h"

namespace {
using namespace foh::test;
using foh::osc::Clock;

constexpr auto kTick = std::chrono::milliseconds(50);
constexpr int kRenderEvery = 4096;
constexpr int kRenderAfterQueueFull = 16;
constexpr int kFlushEvery = 64;

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "osc fuzz: %s\n", what.c_str());
    std::abort();
}

void failOn(const std::vector<std::string>& failures) {
    if (!failures.empty()) fail(failures.front());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static OscHarness harness;
    static Clock::time_point now = Clock::now();
    static int inputs = 0;
    static int queueFull = 0;
    static int sinceRender = 0;

    now += kTick;
    for (const foh::osc::Endpoint source : {kAdminSource, kMonitorSource, kReadOnlySource}) {
        const PacketResult r = harness.packet(data, size, source, now);
        failOn(r.roundTripFailures);
        queueFull += r.queueFull;
    }
    ++inputs;
    if (inputs % kFlushEvery == 0) failOn(harness.flush(now));
    if (++sinceRender >= kRenderEvery || queueFull >= kRenderAfterQueueFull) {
        if (!harness.render()) fail("an output sample is not finite");
        sinceRender = 0;
        queueFull = 0;
    }
    return 0;
}
