#include "backend/CycleStats.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace foh {

bool CycleStats::readSlot(std::uint64_t n, Cycle& out) const {
    const Slot& s = ring_[n % kRing];
    if (s.index.load(std::memory_order_acquire) != n) return false;
    out.index = n;
    out.cycleUs = s.cycleUs.load(std::memory_order_relaxed);
    out.entryUs = s.entryUs.load(std::memory_order_relaxed);
    out.exitUs = s.exitUs.load(std::memory_order_relaxed);
    out.nextUs = s.nextUs.load(std::memory_order_relaxed);
    out.commands = s.commands.load(std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_acquire);
    return s.index.load(std::memory_order_relaxed) == n;  // not overwritten meanwhile
}

CycleStats::Summary CycleStats::summary() const {
    Summary s;
    s.cycles = count_.load(std::memory_order_acquire);
    s.commands = commands_.load(std::memory_order_relaxed);
    for (std::size_t b = 0; b < kBuckets; ++b) {
        s.late[b] = late_[b].load(std::memory_order_relaxed);
        s.run[b] = run_[b].load(std::memory_order_relaxed);
    }
    s.maxLateUs = maxLate_.load(std::memory_order_relaxed);
    s.maxRunUs = maxRun_.load(std::memory_order_relaxed);
    const std::int64_t margin = minMargin_.load(std::memory_order_relaxed);
    s.minMarginUs = margin == INT64_MAX ? 0 : margin;
    s.maxCommands = maxCommands_.load(std::memory_order_relaxed);
    return s;
}

std::string CycleStats::Summary::quantile(const std::array<std::uint64_t, kBuckets>& h, std::uint64_t total,
                                          double fraction) {
    if (total == 0) return "-";
    std::uint64_t below = 0;
    for (std::size_t b = 0; b < kEdgesUs.size(); ++b) {
        below += h[b];
        if (static_cast<double>(below) >= fraction * static_cast<double>(total)) return "< " + std::to_string(kEdgesUs[b]);
    }
    return ">= " + std::to_string(kEdgesUs.back());
}

std::string CycleStats::Summary::histogram(const std::array<std::uint64_t, kBuckets>& h) {
    std::string out;
    for (std::size_t b = 0; b < kBuckets; ++b) {
        if (!out.empty()) out += ' ';
        out += b < kEdgesUs.size() ? "<" + std::to_string(kEdgesUs[b]) : ">=" + std::to_string(kEdgesUs.back());
        out += ':' + std::to_string(h[b]);
    }
    return out;
}

std::string CycleStats::Summary::text() const {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "%" PRIu64 " cycles; woken late p50 %s, p99 %s, p99.99 %s, max %" PRId64 " us; ran p50 %s, p99 %s, "
                  "p99.99 %s, max %" PRId64 " us; least time left before the next cycle %" PRId64 " us; commands %" PRIu64
                  " (at most %u in one block)",
                  cycles, quantile(late, cycles, 0.5).c_str(), quantile(late, cycles, 0.99).c_str(),
                  quantile(late, cycles, 0.9999).c_str(), maxLateUs, quantile(run, cycles, 0.5).c_str(),
                  quantile(run, cycles, 0.99).c_str(), quantile(run, cycles, 0.9999).c_str(), maxRunUs, minMarginUs,
                  commands, maxCommands);
    return buf;
}

std::string CycleStats::XrunReport::text() const {
    char buf[200];
    std::snprintf(buf, sizeof buf, "xrun at %.6f s (CLOCK_MONOTONIC); the callbacks around it (us from the xrun):",
                  static_cast<double>(atUs) * 1e-6);
    std::string out = buf;
    if (cycles.empty()) return out + " none recorded";
    std::int64_t previousEntry = 0;
    for (const Cycle& c : cycles) {
        std::snprintf(buf, sizeof buf, " [#%" PRIu64 " entered %+" PRId64 " (%" PRId64 " after the one before) ran %" PRId64
                      " left %" PRId64 " cmds %u]",
                      c.index, c.entryUs - atUs, previousEntry ? c.entryUs - previousEntry : 0, c.runUs(), c.marginUs(),
                      c.commands);
        previousEntry = c.entryUs;
        out += buf;
    }
    return out;
}

std::vector<CycleStats::XrunReport> CycleStats::takeXrunReports(std::int64_t nowUs) {
    std::vector<XrunReport> reports;
    const std::uint32_t noted = std::min<std::uint32_t>(xrunCount_.load(std::memory_order_acquire),
                                                        static_cast<std::uint32_t>(xrunAt_.size()));
    while (xrunsReported_ < noted) {
        const std::int64_t at = xrunAt_[xrunsReported_].load(std::memory_order_relaxed);
        const std::uint64_t newest = count_.load(std::memory_order_acquire);
        // The cycles held, oldest first; the last cycle that began at or before the xrun is the one it is about
        // (or the one just before it).
        std::vector<Cycle> held;
        const std::uint64_t oldest = newest > kRing - 1 ? newest - (kRing - 1) : 1;
        std::size_t atIndex = SIZE_MAX;
        for (std::uint64_t n = oldest; n <= newest && n != 0; ++n) {
            Cycle c;
            if (!readSlot(n, c)) continue;
            if (c.cycleUs <= at) atIndex = held.size();
            held.push_back(c);
        }
        const bool followed = atIndex != SIZE_MAX && held.size() > atIndex + kAfter;
        if (!followed && nowUs - at < 1000000) break;  // wait for the cycles after it
        XrunReport r;
        r.atUs = at;
        if (atIndex != SIZE_MAX) {
            const std::size_t from = atIndex >= kBefore ? atIndex - kBefore : 0;
            const std::size_t to = std::min(held.size(), atIndex + kAfter + 1);
            r.cycles.assign(held.begin() + static_cast<long>(from), held.begin() + static_cast<long>(to));
        }
        reports.push_back(std::move(r));
        ++xrunsReported_;
    }
    return reports;
}

}  // namespace foh
