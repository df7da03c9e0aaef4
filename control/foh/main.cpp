// foh: the FOH command line, a thin OSC client of fohd (liblo).
//   foh [--host H] [--port P] set ADDRESS VALUE   set, and print the value fohd pushes back
//   foh [--host H] [--port P] get ADDRESS         query, and print the answer
//   foh [--host H] [--port P] watch [PATTERN]     print every push (OSC pattern, e.g. '/ch/1/*'), until Ctrl-C
//   foh [--host H] [--port P] meters [GROUP] [HZ] print meters (docs/OSC.md "Meters"), one line per element
//   foh ... scene list | scene store [NAME] | scene undo | scene safes [RULES] | scene N FIELD [VALUE]
//   foh ... history [COUNT] | history undo SEQ | save      scenes, the change history, the show file (docs/SCENES.md)
//   foh master IN -o OUT --target NAME            offline mastering, no fohd needed (docs/MASTERING.md)
//   foh render SHOW TAKE -o OUT                   a take through the console offline, no fohd needed (docs/RECORDING.md)
//   foh recover TAKE                              repairs a take folder a crash left (docs/RECORDING.md)
//   foh ... rec start [LABEL] | rec stop | rec status                                   a take on fohd (docs/RECORDING.md)
//   foh ... play load TAKE|start|stop|locate S|loop A B|loop off|vsc on|off|status   playback, virtual soundcheck
// Exit status: 0 ok, 1 fohd answered with an error or did not answer within --timeout, 2 usage.

#include <lo/lo.h>
#include <lo/lo_lowlevel.h>

#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <bit>
#include <string>
#include <string_view>

#include "foh/MasterCommand.h"
#include "foh/RenderCommand.h"
#include "osc/MeterFeed.h"
#include "record/Recover.h"

namespace {

volatile std::sig_atomic_t stopRequested = 0;

const char* kUsage =
    "usage: foh [--host HOST] [--port PORT] [--timeout SECONDS] COMMAND\n"
    "  set ADDRESS VALUE   set a parameter (a number, -inf, true/false or an enum name) and print its new value\n"
    "  get ADDRESS         print a parameter's value (ADDRESS/norm: its 0..1 position)\n"
    "  watch [PATTERN]     print every value fohd pushes (OSC pattern, default '*'; --count N stops after N)\n"
    "  meters [GROUP] [HZ] print meters: GROUP ch bus fx mtx main gr loud all (default main), HZ 1..30 (default 5);\n"
    "                      one line per element and update (--count N stops after N lines)\n"
    "  scene list          the scenes: number, name, fade (ms), notes; and the current one\n"
    "  scene store [NAME]  store the current state as a new scene\n"
    "  scene N recall [FADE_MS] | preview | store [NAME] | delete | move TO\n"
    "  scene N name|notes|fade|scope|safes [VALUE]   set, or print without VALUE\n"
    "  scene undo          undo the last recall\n"
    "  scene safes [RULES] the global recall safes, e.g. \"ch/3,eq,ch/5:fader/pan\"\n"
    "  history [COUNT]     the last changes: number, address, before -> after, who, when\n"
    "  history undo SEQ    set change SEQ's previous value back\n"
    "  save                save the show file now\n"
    "  master IN -o OUT --target NAME   master a file offline to a delivery target (foh master --help)\n"
    "  render SHOW TAKE -o OUT   play a take through the console offline with its automation (foh render --help)\n"
    "  recover TAKE        repair a take folder after a crash or power cut (headers from the data on disk)\n"
    "  rec start [LABEL]   start a take (the armed channels, main, buses) in fohd's recordings folder\n"
    "  rec stop | status   stop the take; or print the recorder's state\n"
    "  play load TAKE      load a take of fohd's recordings folder for playback (virtual soundcheck)\n"
    "  play start | stop | status | locate SECONDS | loop A B | loop off\n"
    "  play vsc on|off     the take's channels (not recall-safe) on playback, or every channel live\n"
    "  defaults: --host 127.0.0.1 --port 8000 --timeout 2\n";

struct State {
    std::string want;  ///< the address whose answer ends set/get; empty for watch
    std::string endAt;  ///< scene/history requests: print replies under /scene, /history, /show until this one
    std::string pattern = "*";
    bool done = false;
    bool failed = false;
    bool meters = false;  ///< foh meters: decode meter blobs, print nothing else but errors
    long printed = 0;
};

// liblo's argument pointers are only 4-byte aligned and lo_arg is an 8-byte union: copy the bytes out.
template <typename T>
T readAs(const lo_arg* p) {
    T v;
    std::memcpy(&v, static_cast<const void*>(p), sizeof v);
    return v;
}
const char* text(const lo_arg* p) { return static_cast<const char*>(static_cast<const void*>(p)); }

void printMessage(const char* path, const char* types, lo_arg** argv, int argc) {
    std::printf("%s", path);
    for (int i = 0; i < argc; ++i) {
        switch (types[i]) {
            case LO_FLOAT: std::printf(" %g", static_cast<double>(readAs<float>(argv[i]))); break;
            case LO_DOUBLE: std::printf(" %g", readAs<double>(argv[i])); break;
            case LO_INT32: std::printf(" %d", readAs<std::int32_t>(argv[i])); break;
            case LO_STRING: std::printf(" %s", text(argv[i])); break;
            case LO_TRUE: std::printf(" true"); break;
            case LO_FALSE: std::printf(" false"); break;
            default: std::printf(" <%c>", types[i]); break;
        }
    }
    std::printf("\n");
    std::fflush(stdout);
}

/// "/meters/GROUP i FIRST b DATA": one line per element, "GROUP N field=value ...".
bool printMeters(const char* path, const char* types, lo_arg** argv, int argc, State& s) {
    const std::string_view p = path;
    if (!p.starts_with("/meters/") || argc != 2 || types[0] != LO_INT32 || types[1] != LO_BLOB) return false;
    const auto group = foh::osc::parseMeterGroup(p.substr(8));
    if (!group) return false;
    const auto& fields = foh::osc::recordFields(*group);
    const auto blob = reinterpret_cast<lo_blob>(argv[1]);
    const auto* bytes = static_cast<const unsigned char*>(lo_blob_dataptr(blob));
    const std::size_t values = lo_blob_datasize(blob) / 4;
    const int first = readAs<std::int32_t>(argv[0]);
    for (std::size_t v = 0; v + fields.size() <= values; v += fields.size()) {
        std::printf("%s %d", std::string(p.substr(8)).c_str(), first + static_cast<int>(v / fields.size()));
        for (std::size_t f = 0; f < fields.size(); ++f) {
            const unsigned char* b = bytes + 4 * (v + f);
            const std::uint32_t bits = (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                                       (std::uint32_t{b[2]} << 8) | b[3];
            std::printf(" %s=%.1f", std::string(fields[f]).c_str(), static_cast<double>(std::bit_cast<float>(bits)));
        }
        std::printf("\n");
        ++s.printed;
    }
    std::fflush(stdout);
    return true;
}

int onMessage(const char* path, const char* types, lo_arg** argv, int argc, lo_message, void* user) {
    auto& s = *static_cast<State*>(user);
    if (!s.endAt.empty()) {
        const std::string_view p = path;
        if (p == "/error") {
            std::fprintf(stderr, "foh: %s: %s\n", argc >= 1 && types[0] == LO_STRING ? text(argv[0]) : "?",
                         argc >= 2 && types[1] == LO_STRING ? text(argv[1]) : "error");
            s.done = s.failed = true;
        } else if (p.starts_with("/scene") || p.starts_with("/history") || p.starts_with("/show") ||
                   p.starts_with("/play") || p.starts_with("/rec")) {
            printMessage(path, types, argv, argc);
            if (p == s.endAt) s.done = true;
        }
        return 0;
    }
    if (s.meters && printMeters(path, types, argv, argc, s)) return 0;
    const bool isError = std::strcmp(path, "/error") == 0;
    if (!s.want.empty()) {
        if (isError && argc >= 2 && types[0] == LO_STRING && s.want == text(argv[0])) {
            std::fprintf(stderr, "foh: %s: %s\n", text(argv[0]), types[1] == LO_STRING ? text(argv[1]) : "error");
            s.done = s.failed = true;
        } else if (s.want == path) {
            printMessage(path, types, argv, argc);
            s.done = true;
        }
        return 0;
    }
    if (isError || (!s.meters && lo_pattern_match(path, s.pattern.c_str()))) {
        printMessage(path, types, argv, argc);
        ++s.printed;
    }
    return 0;
}

lo_message valueMessage(const std::string& text) {
    lo_message m = lo_message_new();
    char* end = nullptr;
    const float number = std::strtof(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) lo_message_add_float(m, number);  // also "-inf"
    else if (text == "true") lo_message_add_true(m);
    else if (text == "false") lo_message_add_false(m);
    else lo_message_add_string(m, text.c_str());
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1", port = "8000";
    double timeout = 2.0;
    long count = 0;
    int i = 1;
    for (; i < argc && std::string_view(argv[i]).starts_with("--"); i += 2) {
        const std::string_view opt = argv[i];
        if (opt == "--help") {
            std::fputs(kUsage, stdout);
            return 0;
        }
        if (i + 1 >= argc) break;
        if (opt == "--host") host = argv[i + 1];
        else if (opt == "--port") port = argv[i + 1];
        else if (opt == "--timeout") timeout = std::atof(argv[i + 1]);
        else if (opt == "--count") count = std::atol(argv[i + 1]);
        else {
            std::fprintf(stderr, "foh: unknown option %s\n%s", argv[i], kUsage);
            return 2;
        }
    }
    if (i >= argc) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    const std::string_view command = argv[i];
    if (command == "master") return foh::cli::runMaster(argc - i, argv + i);
    if (command == "render") return foh::cli::runRender(argc - i, argv + i);
    if (command == "recover") {
        if (i + 1 >= argc) {
            std::fputs(kUsage, stderr);
            return 2;
        }
        const foh::record::RecoverResult r = foh::record::recoverTake(argv[i + 1]);
        for (const auto& f : r.files)
            std::printf("%s: %s%llu frames%s%s\n", f.file.c_str(),
                        f.changed ? ("was " + std::to_string(f.framesBefore) + ", now ").c_str() : "",
                        static_cast<unsigned long long>(f.frames), f.changed ? " (repaired)" : "",
                        f.error.empty() ? "" : (": " + f.error).c_str());
        if (r.manifestRebuilt) std::printf("take.json rebuilt from the files\n");
        if (!r.ok) {
            std::fprintf(stderr, "foh: recover %s: %s\n", argv[i + 1], r.error.c_str());
            return 1;
        }
        std::printf("%s: %zu track(s) of %llu frames\n", argv[i + 1], r.files.size(), static_cast<unsigned long long>(r.frames));
        return 0;
    }
    State state;
    // Any free port (fohd answers the port we send from). liblo picks it with rand(): seeded, or every run of foh
    // would get the same port and look like the same client to fohd.
    std::srand(static_cast<unsigned>(getpid()) ^ static_cast<unsigned>(std::time(nullptr)));
    lo_server server = lo_server_new(nullptr, nullptr);
    lo_address fohd = lo_address_new(host.c_str(), port.c_str());
    if (!server || !fohd) {
        std::fprintf(stderr, "foh: cannot open a UDP socket\n");
        return 1;
    }
    lo_server_add_method(server, nullptr, nullptr, onMessage, &state);

    // Sends one request and waits for the answer that ends it (state.want / state.endAt): 0, or 1 when sending
    // failed, fohd answered /error or did not answer within the timeout. Frees `m`.
    const auto ask = [&](const char* address, lo_message m) {
        const bool sent = lo_send_message_from(fohd, server, address, m) >= 0;
        lo_message_free(m);
        if (!sent) {
            std::fprintf(stderr, "foh: send to %s:%s failed: %s\n", host.c_str(), port.c_str(), lo_address_errstr(fohd));
            return 1;
        }
        const int steps = static_cast<int>(timeout * 100);
        for (int k = 0; !state.done && k < steps; ++k) lo_server_recv_noblock(server, 10);
        if (!state.done) {
            std::fprintf(stderr, "foh: no answer from %s:%s within %gs\n", host.c_str(), port.c_str(), timeout);
            return 1;
        }
        return state.failed ? 1 : 0;
    };
    // A request's arguments did not parse: the usage, exit 2. Frees `m`.
    const auto usageError = [&](lo_message m) {
        lo_message_free(m);
        std::fputs(kUsage, stderr);
        lo_address_free(fohd);
        lo_server_free(server);
        return 2;
    };

    int rc = 0;
    if ((command == "set" && i + 2 < argc) || (command == "get" && i + 1 < argc)) {
        state.want = argv[i + 1];
        lo_message m = command == "set" ? valueMessage(argv[i + 2]) : lo_message_new();
        rc = ask(argv[i + 1], m);
    } else if (command == "scene" || command == "history" || command == "save") {
        // Build the request: its address, arguments and the reply that ends it.
        lo_message m = lo_message_new();
        std::string address;
        const auto arg = [&](int k) { return i + k < argc ? std::string(argv[i + k]) : std::string(); };
        const std::string a1 = arg(1), a2 = arg(2), a3 = arg(3);
        if (command == "save") {
            address = "/show/save", state.endAt = "/show/saved";
        } else if (command == "history" && a1 == "undo" && !a2.empty()) {
            address = "/history/undo", state.endAt = "/scene/current";
            lo_message_add_int32(m, std::atoi(a2.c_str()));
        } else if (command == "history") {
            address = "/history", state.endAt = "/history/end";
            if (!a1.empty()) lo_message_add_int32(m, std::atoi(a1.c_str()));
        } else if (a1 == "list") {
            address = "/scene/list", state.endAt = "/scene/current";
        } else if (a1 == "store") {
            address = "/scene/store", state.endAt = "/scene/stored";
            if (!a2.empty()) lo_message_add_string(m, a2.c_str());
        } else if (a1 == "undo") {
            address = "/scene/undo", state.endAt = "/scene/current";
        } else if (a1 == "safes") {
            address = "/scene/safes", state.endAt = "/scene/safes";
            if (!a2.empty()) {
                lo_message_add_string(m, a2.c_str());
                state.endAt = "/scene/current";
            }
        } else if (!a1.empty() && !a2.empty() && a1.find_first_not_of("0123456789") == std::string::npos) {
            address = "/scene/" + a1 + "/" + a2;
            const bool number = a2 == "recall" || a2 == "fade" || a2 == "move";
            if (!a3.empty()) {
                if (number) lo_message_add_float(m, std::strtof(a3.c_str(), nullptr));
                else lo_message_add_string(m, a3.c_str());
            }
            state.endAt = a2 == "preview"                 ? address + "/end"
                          : a2 == "store"                 ? "/scene/stored"
                          : a3.empty() && a2 != "recall" && a2 != "delete" ? address
                                                          : "/scene/current";
        } else {
            return usageError(m);
        }
        rc = ask(address.c_str(), m);
    } else if (command == "rec") {
        const std::string a1 = i + 1 < argc ? argv[i + 1] : "", a2 = i + 2 < argc ? argv[i + 2] : "";
        const bool extra = i + 3 < argc;
        lo_message m = lo_message_new();
        if (a1 == "start" && !extra) {
            if (!a2.empty()) lo_message_add_string(m, a2.c_str());
        } else if (!((a1 == "stop" || a1 == "status") && a2.empty())) {
            return usageError(m);
        }
        state.endAt = "/rec/status";
        rc = ask(("/rec/" + a1).c_str(), m);
    } else if (command == "play") {
        const auto arg = [&](int k) { return i + k < argc ? std::string(argv[i + k]) : std::string(); };
        const std::string a1 = arg(1), a2 = arg(2), a3 = arg(3);
        const auto number = [](const std::string& t, float& v) {
            char* end = nullptr;
            v = std::strtof(t.c_str(), &end);
            return !t.empty() && end == t.c_str() + t.size();
        };
        lo_message m = lo_message_new();
        std::string address;
        float x = 0, y = 0;
        if (a1 == "load" && !a2.empty()) {
            address = "/play/load";
            lo_message_add_string(m, a2.c_str());
        } else if ((a1 == "start" || a1 == "stop" || a1 == "status") && a2.empty()) {
            address = "/play/" + a1;
        } else if (a1 == "locate" && number(a2, x)) {
            address = "/play/locate";
            lo_message_add_float(m, x);
        } else if (a1 == "loop" && a2 == "off") {
            address = "/play/loop";
            lo_message_add_int32(m, 0);
        } else if (a1 == "loop" && number(a2, x) && number(a3, y)) {
            address = "/play/loop";
            lo_message_add_float(m, x);
            lo_message_add_float(m, y);
        } else if (a1 == "vsc" && (a2 == "on" || a2 == "off")) {
            address = "/play/vsc";
            lo_message_add_int32(m, a2 == "on" ? 1 : 0);
        } else {
            return usageError(m);
        }
        state.endAt = "/play/status";
        rc = ask(address.c_str(), m);
    } else if (command == "watch" || command == "meters") {
        const bool meters = command == "meters";
        const std::string group = meters && i + 1 < argc ? argv[i + 1] : "main";
        const float hz = meters && i + 2 < argc ? std::strtof(argv[i + 2], nullptr) : 5.0f;
        if (!meters && i + 1 < argc) state.pattern = argv[i + 1];
        state.meters = meters;
        std::signal(SIGINT, [](int) { stopRequested = 1; });
        std::signal(SIGTERM, [](int) { stopRequested = 1; });
        // Subscriptions expire after 60 s without a message: renew every 20 s.
        int sinceRenew = 1 << 30;
        while (!stopRequested && (count == 0 || state.printed < count)) {
            if (sinceRenew >= 2000) {
                if (meters) lo_send_from(fohd, server, LO_TT_IMMEDIATE, "/meters", "sfs", group.c_str(), hz, "blob");
                else lo_send_from(fohd, server, LO_TT_IMMEDIATE, "/subscribe", "");
                sinceRenew = 0;
            }
            lo_server_recv_noblock(server, 10);
            ++sinceRenew;
        }
    } else {
        std::fputs(kUsage, stderr);
        rc = 2;
    }
    lo_address_free(fohd);
    lo_server_free(server);
    return rc;
}
