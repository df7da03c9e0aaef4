#pragma once
// The JACK client (jackd2, and PipeWire's libjack under pw-jack).
//
// Ports: in_1 .. in_N (one per channel) and main_L, main_R. The process callback hands the port buffers to
// Engine::process_rt. Buffer-size and sample-rate changes only set flags; poll() (a control thread) rebuilds the
// graph and it is swapped in (until then the engine splits longer blocks, so nothing breaks meanwhile).
//
// When the server vanishes, fohd keeps running: poll() closes the dead client, retries every second, and on success
// registers the same ports and restores the connections (see docs/ARCHITECTURE.md, "JACK connections"):
//  - --connect pairs are kept for the whole run: made whenever both ports exist, again after the peer restarts;
//    forgotten only when the operator disconnects them while both ports still exist.
//  - connections seen while running are remembered only across a server restart (made again for 30 s after the
//    reconnection, as their peers come back); while the server lives, a peer that quits takes its connections with
//    it, so fohd never races a returning client's own connects.
// A stalled client (the server keeps the client but its process callback nearly stops running) is re-opened.

#include <jack/jack.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "backend/Backend.h"
#include "backend/CycleStats.h"
#include "backend/LoadMeter.h"
#include "core/Engine.h"

namespace foh {

struct JackOptions {
    std::string clientName = "fohd";
    std::string serverName;  ///< empty: $JACK_DEFAULT_SERVER or the default server
    /// Connections to keep: our short port name ("in_1", "main_L") and the other side's full name.
    std::vector<std::pair<std::string, std::string>> connections;
    /// Register direct_1 .. direct_N (one per channel, tap set per channel by /ch/N/direct/tap).
    bool directOuts = false;
};

class JackBackend final : public Backend {
public:
    JackBackend(Engine& engine, JackOptions options);
    ~JackBackend() override;

    bool start(std::string& error) override;
    void stop() override;
    [[nodiscard]] BackendStatus status() const override;
    [[nodiscard]] const char* name() const override { return "jack"; }
    void poll() override;

    /// True when a JACK server answers (used by --backend auto). Does not start one.
    [[nodiscard]] static bool serverAvailable(const std::string& serverName);

    /// Short port names in registration order: in_1..in_N, main_L, main_R.
    /// Inputs in_1 .. in_N, then the outputs in OutputLayout order (core/Outputs.h).
    [[nodiscard]] static std::vector<std::string> portNames(const GraphConfig& config, bool directOuts);

private:
    bool open(std::string& error);
    void close();
    void restoreConnections();
    void processConnectionEvents(bool serverGone);
    void rememberForRestart();
    bool checkStalled();
    void reportXruns();

    static int onProcess(jack_nframes_t frames, void* self);
    static int onXrun(void* self);
    static int onBufferSize(jack_nframes_t frames, void* self);
    static int onSampleRate(jack_nframes_t rate, void* self);
    static void onLatency(jack_latency_callback_mode_t mode, void* self);
    static void onShutdown(jack_status_t code, const char* reason, void* self);
    static void onPortConnect(jack_port_id_t a, jack_port_id_t b, int connect, void* self);

    Engine& engine_;
    JackOptions options_;
    int reportedLatency_ = 0;  ///< control thread: the console latency last reported
    jack_client_t* client_ = nullptr;
    std::vector<jack_port_t*> inPorts_, outPorts_;
    std::vector<const float*> inBufs_;
    std::vector<float*> outBufs_;
    int channels_ = 0;

    std::atomic<bool> wanted_{false};      // start() called and not stopped
    std::atomic<bool> active_{false};      // the client is active on a live server
    std::atomic<bool> serverGone_{false};  // set by the shutdown callback
    std::atomic<std::uint32_t> newBufferSize_{0}, newSampleRate_{0};
    std::atomic<std::uint64_t> xruns_{0};
    std::atomic<double> sampleRate_{0.0};
    std::atomic<int> period_{0};
    LoadMeter load_;
    CycleStats cycles_;            // audio thread writes; poll() reports xruns, close() the summary
    std::chrono::steady_clock::time_point nextAttempt_{};
    std::atomic<std::uint64_t> callbacks_{0};
    std::chrono::steady_clock::time_point watchStart_{};
    std::uint64_t watchCallbacks_ = 0;
    std::uint64_t watchXruns_ = 0;

    mutable std::mutex mutex_;  // control side: the fields below
    std::set<std::pair<std::string, std::string>> desired_;
    using Clock = std::chrono::steady_clock;
    using Pair = std::pair<std::string, std::string>;  // our short port name, their full port name
    struct ConnectionEvent {
        std::string a, b;
        bool connected;
        Clock::time_point at;
    };
    std::vector<ConnectionEvent> events_;
    std::set<Pair> live_;                    // connections that exist now (as far as events told us)
    std::vector<std::pair<Pair, Clock::time_point>> lost_;  // recently gone because their peer went
    std::set<Pair> restore_;                 // to re-make after a server restart, until restoreUntil_
    Clock::time_point restoreUntil_{};
    bool restoreArmed_ = false;              // restoreUntil_ is set at the next successful open()
    std::string state_ = "not started";
};

}  // namespace foh
