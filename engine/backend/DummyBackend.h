#pragma once
// The internal clock: no audio server, inputs silent (or a playback source), outputs discarded. Its thread runs
// SCHED_FIFO when permitted and sleeps to absolute period deadlines with clock_nanosleep, so it behaves like a sound
// card: a missed deadline is an xrun and the missed periods are dropped, not caught up.

#include <atomic>
#include <thread>
#include <vector>

#include "backend/Backend.h"
#include "backend/LoadMeter.h"
#include "core/Engine.h"

namespace foh {

class DummyBackend final : public Backend {
public:
    static constexpr int kRealtimePriority = 70;

    DummyBackend(Engine& engine, double sampleRate, int period);
    ~DummyBackend() override;

    bool start(std::string& error) override;
    void stop() override;
    [[nodiscard]] BackendStatus status() const override;
    [[nodiscard]] const char* name() const override { return "dummy"; }

    /// Callbacks completed so far (tests).
    [[nodiscard]] std::uint64_t cycles() const { return cycles_.load(std::memory_order_relaxed); }

private:
    void run();

    Engine& engine_;
    double sampleRate_;
    int period_;
    int channels_;
    std::vector<float> silence_;
    std::vector<const float*> inPtrs_;
    std::vector<std::vector<float>> out_;
    std::vector<float*> outPtrs_;
    std::thread thread_;
    std::atomic<bool> running_{false};
    std::atomic<bool> realtime_{false};
    std::atomic<bool> threadReady_{false};
    std::atomic<std::uint64_t> xruns_{0};
    std::atomic<std::uint64_t> cycles_{0};
    LoadMeter load_;
};

}  // namespace foh
