// fohd: the FOH console engine daemon. Picks a backend, runs the engine, and serves the control loop (Boost.Asio):
// signals, backend housekeeping (JACK reconnection), snapshot garbage collection, meters and the status line.

#include <utility>  // before Asio under C++20 (Boost 1.74)

#include <sys/mman.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "backend/DummyBackend.h"
#include "backend/JackBackend.h"
#include "core/Engine.h"
#include "demo/DemoShow.h"
#include "fohd/Options.h"
#include "fohd/StatusLine.h"
#include "osc/ClientsConfig.h"
#include "osc/OscDispatcher.h"
#include "osc/OscServer.h"
#include "osc/PlayAddresses.h"
#include "osc/RecordAddresses.h"
#include "osc/SceneAddresses.h"
#include "rec/PlaybackSession.h"
#include "rec/TakeSession.h"
#include "record/Manifest.h"
#include "params/ParamCurve.h"
#include "scenes/AtomicFile.h"
#include "scenes/SceneBook.h"
#include "scenes/ShowKeeper.h"
#include "util/Log.h"

namespace {

/// Calls `row(address, spec)` once per kind of parameter, the registry being the source: object 1 stands for every
/// object of its kind (/ch/N, /bus/N, ...) and the first of a repeated parameter for all of them (send/B/... for
/// every bus B, fxsend/F/..., dca/D, mgrp/G).
template <typename Row>
void forEachKind(const foh::ParamRegistry& registry, Row&& row) {
    const std::pair<std::string_view, const char*> repeated[] = {
        {"send/", "B"}, {"fxsend/", "F"}, {"dca/", "D"}, {"mgrp/", "G"}, {"bus/", "B"}};
    for (const foh::ParamInfo& p : registry.all()) {
        if (p.target.index != 0) continue;
        const foh::ParamSpec& s = *p.spec;
        std::string key(s.key);
        bool later = false;
        for (const auto& [prefix, letter] : repeated) {
            if (key.rfind(prefix, 0) != 0) continue;
            const std::size_t end = key.find('/', prefix.size());
            const std::string index = key.substr(prefix.size(), end == std::string::npos ? end : end - prefix.size());
            if (index.empty() || index.find_first_not_of("0123456789") != std::string::npos) continue;
            later = index != "1";
            key = std::string(prefix) + letter + (end == std::string::npos ? "" : key.substr(end));
        }
        if (later) continue;
        std::string address = foh::ParamRegistry::objectAddress(p.target) + "/";
        if (const std::size_t one = address.find("/1/"); one != std::string::npos) address.replace(one, 3, "/N/");
        address += key;
        row(address, p);
    }
}

void printParams(const foh::ParamRegistry& registry) {
    std::printf("| address | unit | range | default | 0..1 curve | group | follows link | what it does |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    forEachKind(registry, [](const std::string& address, const foh::ParamInfo& p) {
        const foh::ParamSpec& s = *p.spec;
        const bool linkable = p.target.object == foh::ObjectKind::Channel || p.target.object == foh::ObjectKind::Bus;
        std::printf("| `%s` | %s | %g .. %g%s | %s | %s | %s | %s | %s |\n", address.c_str(),
                    std::string(foh::unitSymbol(s.unit)).c_str(), static_cast<double>(s.min),
                    static_cast<double>(s.max), s.minusInfAtBottom ? " (bottom = -inf)" : "",
                    foh::formatValue(s, s.def).c_str(), std::string(foh::curveName(s.curve)).c_str(),
                    std::string(foh::groupName(s.group)).c_str(), linkable ? (s.followsLink ? "yes" : "no") : "-",
                    std::string(s.help).c_str());
    });
}

/// The OSC view of the registry (docs/OSC.md): what each address answers and pushes, and which strings it takes.
void printOscAddresses(const foh::ParamRegistry& registry) {
    std::printf("| address | answers and pushes | strings it accepts | `/norm` curve |\n");
    std::printf("|---|---|---|---|\n");
    forEachKind(registry, [](const std::string& address, const foh::ParamInfo& p) {
        const foh::ParamSpec& s = *p.spec;
        const foh::osc::OscMessage shown = foh::osc::OscDispatcher::valueMessage(p, s.def);
        std::string strings;
        for (const std::string_view c : s.choices) strings += (strings.empty() ? "`" : ", `") + std::string(c) + "`";
        if (s.unit == foh::Unit::Toggle) strings = "`on`, `off`";
        if (s.minusInfAtBottom) strings = "`-inf`";
        std::printf("| `%s` | %s (%s) | %s | %s |\n", address.c_str(), shown.args[0].type == 'i' ? "`i`" : "`f`",
                    std::string(foh::unitSymbol(s.unit)).c_str(), strings.empty() ? "-" : strings.c_str(),
                    std::string(foh::curveName(s.curve)).c_str());
    });
}

bool applySets(foh::Engine& engine, foh::CommandQueue& queue,
               const std::vector<std::pair<std::string, std::string>>& sets) {
    for (const auto& [address, text] : sets) {
        char* end = nullptr;
        float value = std::strtof(text.c_str(), &end);
        if (text == "-inf") value = -INFINITY;
        else if (text == "on" || text == "true") value = 1.0f;
        else if (text == "off" || text == "false") value = 0.0f;
        else if (end != text.c_str() + text.size()) {
            FOH_LOG_ERROR("--set %s=%s: not a number", address.c_str(), text.c_str());
            return false;
        }
        const foh::Checked c = engine.set(queue, address, value);
        if (!c.ok) {
            FOH_LOG_ERROR("--set: %s", c.error.c_str());
            return false;
        }
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace foh;
    std::string error;
    const auto parsed = fohd::parseOptions(argc, argv, error);
    if (!parsed) {
        std::fprintf(stderr, "fohd: %s\n%s", error.c_str(), fohd::usage());
        return 2;
    }
    const fohd::Options& opt = *parsed;
    if (opt.help) {
        std::fputs(fohd::usage(), stdout);
        return 0;
    }
    Engine engine(GraphConfig{opt.channels, opt.rate, opt.period, opt.buses, opt.fx});
    if (opt.listParams) {
        printParams(*engine.registry());
        return 0;
    }
    if (opt.listOsc) {
        printOscAddresses(*engine.registry());
        return 0;
    }

    // The show file before anything starts: its layout decides the console, its state and scenes come back.
    scenes::SceneBook book(engine);
    std::optional<scenes::ShowKeeper::Opened> opened;
    if (!opt.showFile.empty()) {
        opened = scenes::ShowKeeper::open(opt.showFile);
        for (const std::string& note : opened->notes) FOH_LOG_WARN("show: %s", note.c_str());
        if (!opened->error.empty()) {
            FOH_LOG_ERROR("show: %s", opened->error.c_str());
            FOH_LOG_ERROR("show: fix or move the file away (fohd never runs a blank show over a show file it cannot read)");
            return 2;
        }
        if (opened->show) {
            book.load(*opened->show);
            const ConsoleLayout l = opened->show->layout;
            FOH_LOG_INFO("show: %s: %zu scene(s), %d channels, %d buses, %d FX%s", opt.showFile.c_str(),
                         opened->show->scenes.size(), l.channels, l.buses, l.fx,
                         opened->fromPrevious ? " (from the previous version)" : "");
        } else {
            FOH_LOG_INFO("show: %s does not exist yet: a new show, saved on the first change", opt.showFile.c_str());
        }
    }
    const int buses = engine.config().buses;

    // The clients config before anything starts: a broken one must not silently open the desk. --clients wins over
    // the show file's; the show file keeps the one in use.
    osc::ClientsConfig clients;
    if (opt.clientsFile.empty() && !book.clients().empty()) {
        auto loaded = osc::parseClientsConfig(book.clients(), opt.showFile + " (clients)", buses, error);
        if (!loaded) {
            FOH_LOG_ERROR("show: %s", error.c_str());
            return 2;
        }
        clients = std::move(*loaded);
    }
    if (!opt.clientsFile.empty()) {
        auto loaded = osc::loadClientsConfig(opt.clientsFile, buses, error);
        if (!loaded) {
            FOH_LOG_ERROR("--clients %s", error.c_str());
            return 2;
        }
        clients = std::move(*loaded);
        if (const scenes::ReadResult text = scenes::readFile(opt.clientsFile); text.bytes) book.setClients(*text.bytes);
        FOH_LOG_INFO("osc: clients config %s: %zu address rule(s), %zu PIN(s)", opt.clientsFile.c_str(),
                     clients.hosts.size(), clients.pins.size());
    }
    const std::string adminPin =
        !opt.adminPin.empty() ? opt.adminPin : clients.adminPin.value_or(osc::ClientAccess::randomPin());

#if defined(__SANITIZE_ADDRESS__)
    // ASan reserves terabytes of shadow address space; locking it all would take the machine down.
    FOH_LOG_WARN("sanitizer build: not locking memory (mlockall skipped)");
#else
    if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0)
        FOH_LOG_WARN("mlockall not permitted (%s): memory may be paged out under pressure", std::strerror(errno));
    else
        FOH_LOG_INFO("memory locked (mlockall): the audio path will not page");
#endif

    CommandQueue* queue = engine.openQueue("fohd");
    if (opt.demo) {
        engine.setPlayback(demo::makeDemoStems(opt.rate));
        // A show file's own state wins over the demo's mix.
        if (!opened || !opened->show)
            for (const auto& [address, value] : demo::demoMix()) (void)engine.set(*queue, address, value);
        FOH_LOG_INFO("demo show: kick, bass, keys and voice on channels 1-4");
    }
    if (!applySets(engine, *queue, opt.sets)) return 2;

    // Backend: JACK when asked for, or (auto) when a server answers; otherwise the internal clock.
    std::unique_ptr<Backend> backend;
    const bool tryJack = opt.backend == fohd::BackendChoice::Jack ||
                         (opt.backend == fohd::BackendChoice::Auto && JackBackend::serverAvailable(opt.server));
    if (tryJack) {
        backend = std::make_unique<JackBackend>(engine, foh::JackOptions{opt.name, opt.server, opt.connections, opt.directOuts});
        if (!backend->start(error)) {
            FOH_LOG_ERROR("JACK: %s", error.c_str());
            if (opt.backend == fohd::BackendChoice::Jack) return 1;
            backend.reset();
        }
    } else if (opt.backend == fohd::BackendChoice::Auto) {
        FOH_LOG_INFO("no JACK server answers: running on the internal (dummy) clock");
    }
    if (!backend) {
        backend = std::make_unique<DummyBackend>(engine, opt.rate, opt.period);
        if (!backend->start(error)) {
            FOH_LOG_ERROR("%s", error.c_str());
            return 1;
        }
    }
    const BackendStatus started = backend->status();
    FOH_LOG_INFO("running: backend %s, %d channels, %.0f Hz, %d frames, audio thread %s", backend->name(),
                 opt.channels, started.sampleRate, started.period,
                 started.realtime ? "SCHED_FIFO" : "NOT real-time (no permission: expect xruns under load)");

    boost::asio::io_context io;
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int sig) {
        FOH_LOG_INFO("%s: shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
        io.stop();
    });

    // Scenes over OSC (/scene/...); the show file saved on demand and within 2 s of every change.
    // A take's show-at-start.json is the record a render starts from: a console started from it (the next
    // afternoon's virtual soundcheck) must not save its changes back into the take.
    const bool takeRecord = !opt.showFile.empty() &&
                            std::filesystem::exists(std::filesystem::path(opt.showFile).parent_path() / record::kManifestName);
    if (takeRecord)
        FOH_LOG_WARN("show: %s belongs to a take (take.json beside it): loaded, but never saved back, so the take keeps "
                     "the show it was recorded with; start from a copy to keep changes", opt.showFile.c_str());
    std::unique_ptr<scenes::ShowKeeper> keeper;
    if (!opt.showFile.empty() && !takeRecord) keeper = std::make_unique<scenes::ShowKeeper>(book, engine, opt.showFile);
    // Recording: takes in --rec-dir (docs/RECORDING.md), started and stopped over OSC.
    const std::filesystem::path recRoot = !opt.recDir.empty()     ? std::filesystem::path(opt.recDir)
                                          : !opt.showFile.empty() ? std::filesystem::path(opt.showFile).parent_path() / "takes"
                                                                  : std::filesystem::path("takes");
    rec::TakeSession takes(engine, book, recRoot);
    takes.setSampleFormat(opt.recFormat == "pcm24" ? record::TakeConfig::Sample::Pcm24 : record::TakeConfig::Sample::Float);
    osc::RecordAddresses recordAddresses(takes);
    // Virtual soundcheck: a take of the same folder played back into the channels (/play/...).
    rec::PlaybackSession playback(engine, book, recRoot);
    osc::PlayAddresses playAddresses(playback);
    osc::SceneAddresses sceneAddresses(book, [&](std::string& path) {
        if (!keeper)
            return scenes::Result::fail(takeRecord ? "the show is a take's show-at-start.json, which is never saved over"
                                                   : "fohd runs without a show file (start it with --show FILE)");
        return keeper->save(path);
    });

    // OSC on the control thread: its socket is serviced by this io_context.
    std::unique_ptr<osc::OscServer> oscServer;
    if (opt.oscPort > 0) {
        try {
            oscServer = std::make_unique<osc::OscServer>(io, engine, opt.oscBind, static_cast<std::uint16_t>(opt.oscPort),
                                                         osc::ClientAccess(clients, adminPin));
            oscServer->setScenes(&sceneAddresses);
            oscServer->setRecorder(&recordAddresses);
            oscServer->setPlayer(&playAddresses);
            FOH_LOG_INFO("osc: admin PIN %s (a tablet sends /login s %s; without a login loopback is admin, other "
                         "clients read-only unless the clients config says otherwise)",
                         adminPin.c_str(), adminPin.c_str());
        } catch (const std::exception& e) {
            if (opt.oscPortGiven) {
                FOH_LOG_ERROR("%s", e.what());
                backend->stop();
                return 1;
            }
            FOH_LOG_WARN("%s: running without OSC control (give --osc-port to choose another port)", e.what());
        }
    }

    const int meterReader = engine.addMeterReader();
    const bool tty = isatty(STDOUT_FILENO) != 0;
    const auto startTime = std::chrono::steady_clock::now();
    auto nextStatus = startTime;
    double demoRate = opt.rate;
    boost::asio::steady_timer tick(io);
    std::function<void(const boost::system::error_code&)> onTick = [&](const boost::system::error_code& ec) {
        if (ec) return;
        backend->poll();
        engine.housekeeping();
        if (keeper) keeper->tick(std::chrono::steady_clock::now());
        takes.tick();
        playback.tick();
        // The demo follows the server's sample rate.
        if (opt.demo) {
            const double rate = engine.config().sampleRate;
            if (rate != demoRate) {
                demoRate = rate;
                engine.setPlayback(demo::makeDemoStems(rate));
            }
        }
        const auto now = std::chrono::steady_clock::now();
        if (opt.statusInterval > 0 && now >= nextStatus) {
            nextStatus = now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(opt.statusInterval));
            const std::string line = fohd::formatStatus(backend->name(), backend->status(), engine.readMeters(meterReader));
            if (tty) std::printf("\r\033[K%s", line.c_str());
            else std::printf("%s\n", line.c_str());
            std::fflush(stdout);
        }
        if (opt.runSeconds > 0 && now - startTime >= std::chrono::duration<double>(opt.runSeconds)) {
            io.stop();
            return;
        }
        tick.expires_after(std::chrono::milliseconds(100));
        tick.async_wait(onTick);
    };
    tick.expires_after(std::chrono::milliseconds(100));
    tick.async_wait(onTick);
    io.run();

    if (tty) std::printf("\n");
    oscServer.reset();
    if (takes.status().recording && takes.stop().ok) FOH_LOG_INFO("rec: the take was stopped and closed at exit");
    if (keeper) {
        // What changed since the last autosave goes to disk before fohd exits.
        std::string path;
        if (keeper->unsaved() && keeper->save(path).ok) FOH_LOG_INFO("show: saved %s", path.c_str());
    }
    backend->stop();
    engine.housekeeping();
    FOH_LOG_INFO("stopped cleanly");
    return 0;
}
