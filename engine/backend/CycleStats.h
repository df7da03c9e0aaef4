#pragma once
// What every audio callback did, measured on the audio thread: how late it was woken after the server's cycle
// began, how long it ran, how much of the period was left, how many commands it drained. Written by the audio
// thread (relaxed atomics and plain arithmetic: no allocation, no lock, no syscall; the clock is read by the
// caller through the vDSO), read by any thread.
//
// - Histograms of lateness and run time (fixed edges in microseconds) and their maxima over the whole run.
// - A flight recorder: the last kRing cycles, so the control thread can print the cycles around an xrun
//   (noteXrun from the backend's xrun callback, then takeXrunReports from the control thread: an xrun's report is
//   taken once the recorder holds kAfter cycles after it).
//
// All times are CLOCK_MONOTONIC microseconds (the JACK backend moves JACK's own cycle times onto it), so an xrun's
// time can be compared with other tools' (tests/tools/osc_flood.cpp's real-time probe prints its stalls on it).
// The server's cycle start is its DLL estimate (jack_get_cycle_times), so "late" is approximate: it can read a
// little negative, and after a disturbance it lags; the gap between two callbacks' entries is exact.

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "rt/Realtime.h"

namespace foh {

class CycleStats {
public:
    /// Upper edges (µs) of the histogram buckets; the last bucket has no upper edge.
    static constexpr std::array<std::uint32_t, 14> kEdgesUs{25, 50, 100, 200, 300, 400, 500, 600, 700, 800, 1000, 1333, 2000, 4000};
    static constexpr std::size_t kBuckets = kEdgesUs.size() + 1;
    static constexpr std::size_t kRing = 4096;  ///< 5.5 s of 64-frame periods at 48 kHz
    static constexpr std::size_t kBefore = 6, kAfter = 2;  ///< cycles reported around an xrun

    struct Cycle {
        std::uint64_t index = 0;   ///< 1-based callback number
        std::int64_t cycleUs = 0;  ///< when the server began this cycle
        std::int64_t entryUs = 0;  ///< when the callback was entered
        std::int64_t exitUs = 0;   ///< when it returned
        std::int64_t nextUs = 0;   ///< when the server expected to begin the next cycle (0: unknown)
        std::uint32_t commands = 0;
        [[nodiscard]] std::int64_t lateUs() const { return entryUs - cycleUs; }
        [[nodiscard]] std::int64_t runUs() const { return exitUs - entryUs; }
        /// Time left before the next cycle began (negative: the callback was still running then).
        [[nodiscard]] std::int64_t marginUs() const { return nextUs == 0 ? 0 : nextUs - exitUs; }
    };

    /// Audio thread, once per callback (at its end).
    void record_rt(std::int64_t cycleUs, std::int64_t entryUs, std::int64_t exitUs, std::int64_t nextUs,
                   std::uint32_t commands) FOH_RT {
        const std::uint64_t n = count_.load(std::memory_order_relaxed) + 1;
        Slot& s = ring_[n % kRing];
        s.index.store(0, std::memory_order_relaxed);  // being written
        std::atomic_thread_fence(std::memory_order_release);
        s.cycleUs.store(cycleUs, std::memory_order_relaxed);
        s.entryUs.store(entryUs, std::memory_order_relaxed);
        s.exitUs.store(exitUs, std::memory_order_relaxed);
        s.nextUs.store(nextUs, std::memory_order_relaxed);
        s.commands.store(commands, std::memory_order_relaxed);
        s.index.store(n, std::memory_order_release);
        count_.store(n, std::memory_order_release);

        const std::int64_t late = entryUs - cycleUs, run = exitUs - entryUs;
        bump(late_, late);
        bump(run_, run);
        raise(maxLate_, late);
        raise(maxRun_, run);
        if (nextUs != 0) lower(minMargin_, nextUs - exitUs);
        if (commands > maxCommands_.load(std::memory_order_relaxed)) maxCommands_.store(commands, std::memory_order_relaxed);
        commands_.store(commands_.load(std::memory_order_relaxed) + commands, std::memory_order_relaxed);
    }

    /// Any thread (the backend's xrun callback): an xrun was reported at `atUs`.
    void noteXrun(std::int64_t atUs) noexcept {
        const std::uint32_t k = xrunCount_.load(std::memory_order_relaxed);
        if (k < xrunAt_.size()) xrunAt_[k].store(atUs, std::memory_order_relaxed);
        xrunCount_.store(k + 1, std::memory_order_release);
    }

    struct Summary {
        std::uint64_t cycles = 0, commands = 0;
        std::array<std::uint64_t, kBuckets> late{}, run{};
        std::int64_t maxLateUs = 0, maxRunUs = 0, minMarginUs = 0;
        std::uint32_t maxCommands = 0;
        /// The smallest edge below which at least `fraction` of the cycles fall ("< X µs"), from a histogram.
        [[nodiscard]] static std::string quantile(const std::array<std::uint64_t, kBuckets>& h, std::uint64_t total,
                                                  double fraction);
        /// "late p50 < 25 µs, p99 < 50 µs, p99.99 < 200 µs, max 512 µs; run ...; margin min ...; commands ...".
        [[nodiscard]] std::string text() const;
        /// The histogram as "<25:123 <50:45 ... >=4000:0".
        [[nodiscard]] static std::string histogram(const std::array<std::uint64_t, kBuckets>& h);
    };
    [[nodiscard]] Summary summary() const;

    struct XrunReport {
        std::int64_t atUs = 0;
        std::vector<Cycle> cycles;  ///< around atUs, oldest first (those the recorder still held)
        [[nodiscard]] std::string text() const;
    };
    /// Control thread: reports of the xruns noted since the last call whose following cycles have run (or that are
    /// older than 1 s at `nowUs`, when the callbacks stopped).
    [[nodiscard]] std::vector<XrunReport> takeXrunReports(std::int64_t nowUs);

private:
    struct Slot {
        std::atomic<std::uint64_t> index{0};
        std::atomic<std::int64_t> cycleUs{0}, entryUs{0}, exitUs{0}, nextUs{0};
        std::atomic<std::uint32_t> commands{0};
    };
    using Histogram = std::array<std::atomic<std::uint64_t>, kBuckets>;
    static void bump(Histogram& h, std::int64_t us) noexcept {
        std::size_t b = 0;
        while (b < kEdgesUs.size() && us >= static_cast<std::int64_t>(kEdgesUs[b])) ++b;
        h[b].store(h[b].load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    static void raise(std::atomic<std::int64_t>& m, std::int64_t v) noexcept {
        if (v > m.load(std::memory_order_relaxed)) m.store(v, std::memory_order_relaxed);
    }
    static void lower(std::atomic<std::int64_t>& m, std::int64_t v) noexcept {
        if (v < m.load(std::memory_order_relaxed)) m.store(v, std::memory_order_relaxed);
    }
    bool readSlot(std::uint64_t n, Cycle& out) const;

    std::atomic<std::uint64_t> count_{0};
    std::array<Slot, kRing> ring_{};
    Histogram late_{}, run_{};
    std::atomic<std::int64_t> maxLate_{0}, maxRun_{0}, minMargin_{INT64_MAX};
    std::atomic<std::uint32_t> maxCommands_{0};
    std::atomic<std::uint64_t> commands_{0};
    std::array<std::atomic<std::int64_t>, 256> xrunAt_{};
    std::atomic<std::uint32_t> xrunCount_{0};
    std::uint32_t xrunsReported_ = 0;  ///< control thread
};

}  // namespace foh
