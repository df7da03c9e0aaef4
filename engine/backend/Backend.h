#pragma once
// An audio backend drives Engine::process_rt from its own real-time thread. The front end (fohd) picks one and calls
// poll() from its control loop a few times a second for anything the backend must do off the audio thread.

#include <cstdint>
#include <string>

namespace foh {

struct BackendStatus {
    bool running = false;       ///< audio is being processed now
    std::string state;          ///< one line for the operator: "running", "JACK server gone, retrying", ...
    std::uint64_t xruns = 0;    ///< missed deadlines since start
    float dspLoad = 0.0f;       ///< process time / period, 0..1 (smoothed)
    double sampleRate = 0.0;
    int period = 0;             ///< frames per callback
    bool realtime = false;      ///< the audio thread runs SCHED_FIFO
};

class Backend {
public:
    virtual ~Backend() = default;
    /// Starts audio. Returns false with `error` set when it cannot.
    virtual bool start(std::string& error) = 0;
    virtual void stop() = 0;
    [[nodiscard]] virtual BackendStatus status() const = 0;
    [[nodiscard]] virtual const char* name() const = 0;
    /// Control thread, a few times a second: reconnection, reconfiguration, anything that may block.
    virtual void poll() {}
};

}  // namespace foh
