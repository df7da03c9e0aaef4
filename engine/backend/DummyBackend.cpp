#include "backend/DummyBackend.h"

#include <chrono>
#include <ctime>

namespace foh {
namespace {
timespec addNanos(timespec t, long nanos) {
    t.tv_nsec += nanos;
    while (t.tv_nsec >= 1'000'000'000L) {
        t.tv_nsec -= 1'000'000'000L;
        ++t.tv_sec;
    }
    return t;
}
bool after(const timespec& a, const timespec& b) {
    return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}
}  // namespace

DummyBackend::DummyBackend(Engine& engine, double sampleRate, int period)
    : engine_(engine), sampleRate_(sampleRate), period_(period), channels_(engine.config().channels) {}

DummyBackend::~DummyBackend() { stop(); }

bool DummyBackend::start(std::string& error) {
    if (running_.load()) return true;
    if (period_ < 1 || sampleRate_ <= 0) {
        error = "dummy backend: bad period or sample rate";
        return false;
    }
    GraphConfig cfg = engine_.config();
    if (cfg.sampleRate != sampleRate_ || cfg.maxBlock != period_) {
        cfg.sampleRate = sampleRate_;
        cfg.maxBlock = period_;
        engine_.reconfigure(cfg);
    }
    channels_ = cfg.channels;
    silence_.assign(static_cast<std::size_t>(period_), 0.0f);
    inPtrs_.assign(static_cast<std::size_t>(channels_), silence_.data());
    out_.assign(2, std::vector<float>(static_cast<std::size_t>(period_)));
    outPtrs_ = {out_[0].data(), out_[1].data()};
    running_.store(true);
    threadReady_.store(false);
    thread_ = std::thread([this] { run(); });
    // Wait until the thread has tried for SCHED_FIFO, so status() reports the truth from the first call.
    while (!threadReady_.load()) std::this_thread::sleep_for(std::chrono::microseconds(100));
    return true;
}

void DummyBackend::stop() {
    running_.store(false);
    if (thread_.joinable()) thread_.join();
}

void DummyBackend::run() {
    realtime_.store(rt::makeThreadRealtime(kRealtimePriority));
    threadReady_.store(true);
    const long periodNanos = static_cast<long>(1e9 * period_ / sampleRate_);
    const double periodSeconds = period_ / sampleRate_;
    timespec deadline{};
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    while (running_.load(std::memory_order_relaxed)) {
        const double t0 = LoadMeter::nowSeconds();
        engine_.process_rt(inPtrs_.data(), channels_, outPtrs_.data(), 2, period_);
        load_.record_rt(LoadMeter::nowSeconds() - t0, periodSeconds);
        cycles_.fetch_add(1, std::memory_order_relaxed);

        deadline = addNanos(deadline, periodNanos);
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (after(now, addNanos(deadline, periodNanos))) {
            // More than a whole period late: the card would have under-run. Count it and drop the missed periods.
            xruns_.fetch_add(1, std::memory_order_relaxed);
            deadline = now;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr);
    }
}

BackendStatus DummyBackend::status() const {
    BackendStatus s;
    s.running = running_.load();
    s.state = s.running ? "running on the internal clock" : "stopped";
    s.xruns = xruns_.load();
    s.dspLoad = load_.load();
    s.sampleRate = sampleRate_;
    s.period = period_;
    s.realtime = realtime_.load();
    return s;
}

}  // namespace foh
