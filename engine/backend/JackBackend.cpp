#include "backend/JackBackend.h"

#include <algorithm>
#include <cstring>

#include "util/Log.h"

namespace foh {
namespace {
/// CLOCK_MONOTONIC in microseconds (vDSO: RT-safe). The cycle statistics use it, so an xrun's time can be put next
/// to other tools' (jack_get_time() has an origin of its own: measured 0.25 s off CLOCK_MONOTONIC on jackd2 1.9.21).
std::int64_t monotonicUs() noexcept { return static_cast<std::int64_t>(LoadMeter::nowSeconds() * 1e6); }
// libjack prints its own diagnostics to stderr; route them through our log (control threads only call libjack's
// client functions, and JACK calls these from its own non-RT threads).
void jackError(const char* message) { FOH_LOG_WARN("libjack: %s", message); }
void jackSilent(const char*) {}
void jackInfo(const char*) {}
}  // namespace

JackBackend::JackBackend(Engine& engine, JackOptions options) : engine_(engine), options_(std::move(options)) {
    for (const auto& c : options_.connections) desired_.insert(c);
}

JackBackend::~JackBackend() { stop(); }

std::vector<std::string> JackBackend::portNames(const GraphConfig& config, bool directOuts) {
    std::vector<std::string> names;
    for (int c = 1; c <= config.channels; ++c) names.push_back("in_" + std::to_string(c));
    for (std::string& o : outputPortNames(config.outputs(), directOuts)) names.push_back(std::move(o));
    return names;
}

bool JackBackend::serverAvailable(const std::string& serverName) {
    // A probe that finds no server is not an error worth libjack's five lines of noise.
    jack_set_error_function(jackSilent);
    jack_set_info_function(jackInfo);
    jack_status_t status{};
    const auto options = static_cast<jack_options_t>(JackNoStartServer | (serverName.empty() ? 0 : JackServerName));
    jack_client_t* probe = serverName.empty() ? jack_client_open("fohd-probe", options, &status)
                                              : jack_client_open("fohd-probe", options, &status, serverName.c_str());
    jack_set_error_function(jackError);
    if (probe == nullptr) return false;
    jack_client_close(probe);
    return true;
}

bool JackBackend::start(std::string& error) {
    wanted_.store(true);
    if (!open(error)) {
        wanted_.store(false);
        return false;
    }
    return true;
}

void JackBackend::stop() {
    wanted_.store(false);
    close();
    std::lock_guard lock(mutex_);
    state_ = "stopped";
}

bool JackBackend::open(std::string& error) {
    jack_set_info_function(jackInfo);
    // While reconnecting, every failed attempt would print libjack's complaints; our own log line says it once.
    jack_set_error_function(jackSilent);
    jack_status_t status{};
    const auto options =
        static_cast<jack_options_t>(JackNoStartServer | (options_.serverName.empty() ? 0 : JackServerName));
    client_ = options_.serverName.empty()
                  ? jack_client_open(options_.clientName.c_str(), options, &status)
                  : jack_client_open(options_.clientName.c_str(), options, &status, options_.serverName.c_str());
    if (client_ == nullptr) {
        error = "cannot connect to a JACK server (status 0x" + std::to_string(static_cast<unsigned>(status)) + ")";
        return false;
    }
    serverGone_.store(false);
    jack_set_error_function(jackError);

    channels_ = engine_.config().channels;
    const std::vector<std::string> names = portNames(engine_.config(), options_.directOuts);
    inPorts_.clear();
    outPorts_.clear();
    for (std::size_t i = 0; i < names.size(); ++i) {
        const bool input = i < static_cast<std::size_t>(channels_);
        jack_port_t* port = jack_port_register(client_, names[i].c_str(), JACK_DEFAULT_AUDIO_TYPE,
                                               input ? JackPortIsInput : JackPortIsOutput, 0);
        if (port == nullptr) {
            error = "cannot register JACK port " + names[i];
            close();
            return false;
        }
        (input ? inPorts_ : outPorts_).push_back(port);
    }
    inBufs_.assign(inPorts_.size(), nullptr);
    outBufs_.assign(outPorts_.size(), nullptr);

    jack_set_process_callback(client_, &JackBackend::onProcess, this);
    jack_set_xrun_callback(client_, &JackBackend::onXrun, this);
    jack_set_buffer_size_callback(client_, &JackBackend::onBufferSize, this);
    jack_set_sample_rate_callback(client_, &JackBackend::onSampleRate, this);
    jack_set_latency_callback(client_, &JackBackend::onLatency, this);
    jack_set_port_connect_callback(client_, &JackBackend::onPortConnect, this);
    jack_on_info_shutdown(client_, &JackBackend::onShutdown, this);

    // Prepare the graph for this server before audio starts.
    const double rate = jack_get_sample_rate(client_);
    const int period = static_cast<int>(jack_get_buffer_size(client_));
    sampleRate_.store(rate);
    period_.store(period);
    GraphConfig cfg = engine_.config();
    if (cfg.sampleRate != rate || cfg.maxBlock != period) {
        cfg.sampleRate = rate;
        cfg.maxBlock = period;
        engine_.reconfigure(cfg);
    }
    newBufferSize_.store(0);
    newSampleRate_.store(0);

    if (jack_activate(client_) != 0) {
        error = "cannot activate the JACK client";
        close();
        return false;
    }
    watchStart_ = Clock::now();
    watchCallbacks_ = callbacks_.load();
    watchXruns_ = xruns_.load();
    active_.store(true);
    {
        std::lock_guard lock(mutex_);
        state_ = std::string("running on JACK as ") + jack_get_client_name(client_);
    }
    FOH_LOG_INFO("JACK: client '%s' active, %d inputs, %zu outputs (main L/R/M, solo L/R, buses, matrices%s), "
                 "%.0f Hz, %d frames per period",
                 jack_get_client_name(client_), channels_, outPorts_.size(), options_.directOuts ? ", direct outs" : "",
                 rate, period);
    restoreConnections();
    return true;
}

void JackBackend::close() {
    active_.store(false);
    if (client_ != nullptr) {
        if (!serverGone_.load()) jack_deactivate(client_);
        reportXruns();
        FOH_LOG_INFO("JACK: audio callbacks: %s", cycles_.summary().text().c_str());
        jack_client_close(client_);
        client_ = nullptr;
    }
    inPorts_.clear();
    outPorts_.clear();
}

void JackBackend::poll() {
    if (!wanted_.load()) return;
    const auto now = Clock::now();

    if (serverGone_.load() && client_ != nullptr) {
        FOH_LOG_ERROR("JACK server vanished: audio stopped. fohd keeps running and reconnects when it is back "
                      "(trying every second)");
        rememberForRestart();
        close();
        std::lock_guard lock(mutex_);
        state_ = "JACK server gone: audio stopped, reconnecting every 1 s";
        nextAttempt_ = now + std::chrono::seconds(1);
        return;
    }
    if (client_ == nullptr) {
        if (now < nextAttempt_) return;
        nextAttempt_ = now + std::chrono::seconds(1);
        std::string error;
        if (open(error)) FOH_LOG_INFO("JACK server is back: ports registered again, restoring connections");
        return;
    }
    if (checkStalled()) return;

    // Layout changes the server announced: rebuild off the audio thread and swap in.
    const std::uint32_t bufferSize = newBufferSize_.exchange(0);
    const std::uint32_t rate = newSampleRate_.exchange(0);
    if (bufferSize != 0 || rate != 0) {
        GraphConfig cfg = engine_.config();
        if (bufferSize != 0) cfg.maxBlock = static_cast<int>(bufferSize);
        if (rate != 0) cfg.sampleRate = rate;
        engine_.reconfigure(cfg);
        FOH_LOG_INFO("JACK: now %.0f Hz, %d frames per period; graph rebuilt", cfg.sampleRate, cfg.maxBlock);
    }
    // The console's own latency changes when a latent stage on main (limiter, saturation) switches, and with the
    // rate: JACK asks every client again.
    if (const int latency = engine_.latencyFrames(); latency != reportedLatency_) {
        reportedLatency_ = latency;
        jack_recompute_total_latencies(client_);
        FOH_LOG_INFO("JACK: the console's latency is now %d frames; reported to the server", latency);
    }
    processConnectionEvents(false);
    restoreConnections();
    reportXruns();
}

void JackBackend::reportXruns() {
    // What the callbacks around each xrun did: woken late (the machine or the server) or ran long (fohd).
    for (const CycleStats::XrunReport& r : cycles_.takeXrunReports(monotonicUs()))
        FOH_LOG_WARN("JACK: %s", r.text().c_str());
}

bool JackBackend::checkStalled() {
    // Seen once on jackd2 after a reconnect: the server keeps triggering the client but its process thread almost
    // never runs ("client = fohd was not finished" on every cycle). Audio is gone while everything looks connected;
    // the cure is a fresh client.
    const auto now = Clock::now();
    const std::uint64_t calls = callbacks_.load(std::memory_order_relaxed);
    const double window = std::chrono::duration<double>(now - watchStart_).count();
    if (window < 2.0) return false;
    const double expected = window * sampleRate_.load() / std::max(1, period_.load());
    const auto ran = static_cast<double>(calls - watchCallbacks_);
    const std::uint64_t xruns = xruns_.load();
    const std::uint64_t newXruns = xruns - watchXruns_;
    watchStart_ = now;
    watchCallbacks_ = calls;
    watchXruns_ = xruns;
    // Both symptoms together: a server that simply does not schedule us (PipeWire with nothing linked, say) reports
    // no xruns, and a busy machine's xruns come with callbacks that still run.
    if (ran >= 0.1 * expected || newXruns < 10) return false;
    FOH_LOG_ERROR("JACK: the process callback ran %.0f of %.0f times in %.1f s: client stalled, re-opening it", ran,
                  expected, window);
    rememberForRestart();
    close();
    nextAttempt_ = now;  // reopen on the next poll
    return true;
}

void JackBackend::processConnectionEvents(bool serverGone) {
    // Disconnections are decided 300 ms after they happen, so a quitting peer has removed its ports by then: a
    // disconnection whose peer port still exists was the operator's choice.
    constexpr auto kSettle = std::chrono::milliseconds(300);
    const auto now = Clock::now();
    std::vector<ConnectionEvent> events;
    {
        std::lock_guard lock(mutex_);
        std::size_t ready = 0;
        while (ready < events_.size() &&
               (serverGone || events_[ready].connected || now - events_[ready].at >= kSettle))
            ++ready;
        events.assign(events_.begin(), events_.begin() + static_cast<long>(ready));
        events_.erase(events_.begin(), events_.begin() + static_cast<long>(ready));
    }
    if (client_ == nullptr) return;
    const std::string prefix = std::string(jack_get_client_name(client_)) + ":";
    std::lock_guard lock(mutex_);
    for (const ConnectionEvent& e : events) {
        Pair pair;
        if (e.a.rfind(prefix, 0) == 0) pair = {e.a.substr(prefix.size()), e.b};
        else if (e.b.rfind(prefix, 0) == 0) pair = {e.b.substr(prefix.size()), e.a};
        else continue;
        if (e.connected) {
            live_.insert(pair);
            continue;
        }
        live_.erase(pair);
        const bool peerStillThere = !serverGone && jack_port_by_name(client_, pair.second.c_str()) != nullptr;
        if (peerStillThere) {
            desired_.erase(pair);  // the operator disconnected it: stop keeping it
        } else {
            lost_.emplace_back(pair, e.at);
        }
    }
}

void JackBackend::rememberForRestart() {
    // Everything connected when the server went (and what went with peers torn down just before it) is made again
    // once the server is back, for a while.
    processConnectionEvents(true);
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    for (const Pair& p : live_) restore_.insert(p);
    for (const auto& [pair, at] : lost_)
        if (now - at < std::chrono::seconds(2)) restore_.insert(pair);
    live_.clear();
    lost_.clear();
    events_.clear();
    restoreArmed_ = true;
}

void JackBackend::restoreConnections() {
    if (client_ == nullptr || !active_.load()) return;
    const auto now = Clock::now();
    std::set<Pair> wanted;
    {
        std::lock_guard lock(mutex_);
        // Forget old entries about peers that went away while the server ran.
        std::erase_if(lost_, [&](const auto& l) { return now - l.second > std::chrono::seconds(2); });
        if (restoreArmed_) {
            restoreUntil_ = now + std::chrono::seconds(30);
            restoreArmed_ = false;
        }
        if (now > restoreUntil_) restore_.clear();
        wanted = desired_;
        wanted.insert(restore_.begin(), restore_.end());
    }
    const std::string self = jack_get_client_name(client_);
    for (const auto& [ours, theirs] : wanted) {
        const std::string full = self + ":" + ours;
        jack_port_t* mine = jack_port_by_name(client_, full.c_str());
        jack_port_t* other = jack_port_by_name(client_, theirs.c_str());
        if (mine == nullptr || other == nullptr) continue;  // their client is not (yet) there: retry next poll
        if (!jack_port_connected_to(mine, theirs.c_str())) {
            const bool mineIsInput = (jack_port_flags(mine) & JackPortIsInput) != 0;
            const int rc = mineIsInput ? jack_connect(client_, theirs.c_str(), full.c_str())
                                       : jack_connect(client_, full.c_str(), theirs.c_str());
            if (rc != 0 && rc != EEXIST) continue;
            FOH_LOG_INFO("JACK: connected %s %s %s", full.c_str(), mineIsInput ? "<-" : "->", theirs.c_str());
        }
        std::lock_guard lock(mutex_);
        restore_.erase({ours, theirs});  // restored once; from now on it is a live connection like any other
    }
}

BackendStatus JackBackend::status() const {
    BackendStatus s;
    s.running = active_.load();
    {
        std::lock_guard lock(mutex_);
        s.state = state_;
    }
    s.xruns = xruns_.load();
    s.dspLoad = load_.load();
    s.sampleRate = sampleRate_.load();
    s.period = period_.load();
    s.realtime = client_ != nullptr && jack_is_realtime(client_) != 0;
    return s;
}

// ---- callbacks --------------------------------------------------------------------------------------------------

int JackBackend::onProcess(jack_nframes_t frames, void* arg) {
    auto* self = static_cast<JackBackend*>(arg);
    const double t0 = LoadMeter::nowSeconds();
    // When the server began this cycle and expects the next, moved from JACK's clock onto CLOCK_MONOTONIC (two vDSO
    // reads): how late we were woken and how much of the period we left unused (CycleStats).
    const std::int64_t entryUs = monotonicUs();
    const std::int64_t toMonotonic = entryUs - static_cast<std::int64_t>(jack_get_time());
    jack_nframes_t cycleFrames = 0;
    jack_time_t cycleUs = 0, nextUs = 0;
    float periodUs = 0.0f;
    const bool timed = jack_get_cycle_times(self->client_, &cycleFrames, &cycleUs, &nextUs, &periodUs) == 0;
    self->callbacks_.fetch_add(1, std::memory_order_relaxed);
    for (std::size_t c = 0; c < self->inPorts_.size(); ++c)
        self->inBufs_[c] = static_cast<const float*>(jack_port_get_buffer(self->inPorts_[c], frames));
    for (std::size_t o = 0; o < self->outPorts_.size(); ++o)
        self->outBufs_[o] = static_cast<float*>(jack_port_get_buffer(self->outPorts_[o], frames));
    self->engine_.process_rt(self->inBufs_.data(), static_cast<int>(self->inBufs_.size()), self->outBufs_.data(),
                             static_cast<int>(self->outBufs_.size()), static_cast<int>(frames));
    const double rate = self->sampleRate_.load(std::memory_order_relaxed);
    if (rate > 0) self->load_.record_rt(LoadMeter::nowSeconds() - t0, frames / rate);
    self->cycles_.record_rt(timed ? static_cast<std::int64_t>(cycleUs) + toMonotonic : entryUs, entryUs, monotonicUs(),
                            timed ? static_cast<std::int64_t>(nextUs) + toMonotonic : 0,
                            self->engine_.commandsLastBlock_rt());
    return 0;
}

int JackBackend::onXrun(void* arg) {
    auto* self = static_cast<JackBackend*>(arg);
    self->xruns_.fetch_add(1, std::memory_order_relaxed);
    self->cycles_.noteXrun(monotonicUs());
    return 0;
}

int JackBackend::onBufferSize(jack_nframes_t frames, void* arg) {
    auto* self = static_cast<JackBackend*>(arg);
    self->period_.store(static_cast<int>(frames));
    if (self->active_.load()) self->newBufferSize_.store(frames);
    return 0;
}

int JackBackend::onSampleRate(jack_nframes_t rate, void* arg) {
    auto* self = static_cast<JackBackend*>(arg);
    self->sampleRate_.store(rate);
    if (self->active_.load()) self->newSampleRate_.store(rate);
    return 0;
}

void JackBackend::onLatency(jack_latency_callback_mode_t mode, void* arg) {
    // Each direction's worst-case range passes through plus what the console adds on every path (lookahead;
    // every path is time-aligned, so one figure serves all ports): capture latency flows inputs -> outputs,
    // playback latency outputs -> inputs.
    auto* self = static_cast<JackBackend*>(arg);
    const bool capture = mode == JackCaptureLatency;
    const std::vector<jack_port_t*>& from = capture ? self->inPorts_ : self->outPorts_;
    const std::vector<jack_port_t*>& to = capture ? self->outPorts_ : self->inPorts_;
    jack_latency_range_t worst{UINT32_MAX, 0};
    for (jack_port_t* p : from) {
        jack_latency_range_t range{};
        jack_port_get_latency_range(p, mode, &range);
        worst.min = std::min(worst.min, range.min);
        worst.max = std::max(worst.max, range.max);
    }
    if (worst.min == UINT32_MAX) worst.min = 0;
    const auto added = static_cast<jack_nframes_t>(self->engine_.latencyFrames());
    worst.min += added;
    worst.max += added;
    for (jack_port_t* p : to) jack_port_set_latency_range(p, mode, &worst);
}

void JackBackend::onShutdown(jack_status_t, const char*, void* arg) {
    // Called on a JACK thread when the server goes away; only flags it. poll() does the rest.
    auto* self = static_cast<JackBackend*>(arg);
    self->active_.store(false);
    self->serverGone_.store(true);
}

void JackBackend::onPortConnect(jack_port_id_t a, jack_port_id_t b, int connect, void* arg) {
    // JACK's notification thread (not the process thread): names are resolved here, the decision is made in poll().
    auto* self = static_cast<JackBackend*>(arg);
    jack_port_t* pa = jack_port_by_id(self->client_, a);
    jack_port_t* pb = jack_port_by_id(self->client_, b);
    if (pa == nullptr || pb == nullptr) return;
    std::lock_guard lock(self->mutex_);
    self->events_.push_back({jack_port_name(pa), jack_port_name(pb), connect != 0, Clock::now()});
}

}  // namespace foh
