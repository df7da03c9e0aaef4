#include "fohd/Options.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace foh::fohd {
namespace {
template <typename T>
bool parseNumber(std::string_view text, T& out) {
    if constexpr (std::is_floating_point_v<T>) {
        char* end = nullptr;
        const std::string s(text);
        out = static_cast<T>(std::strtod(s.c_str(), &end));
        return !s.empty() && end == s.c_str() + s.size();
    } else {
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
        return ec == std::errc() && ptr == text.data() + text.size();
    }
}

bool splitPair(std::string_view text, std::pair<std::string, std::string>& out) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size()) return false;
    out = {std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
    return true;
}
}  // namespace

const char* usage() {
    return "usage: fohd [options]\n"
           "  --backend auto|jack|dummy  audio backend (auto: JACK when a server answers, else dummy)\n"
           "  --channels N               input channels, 1..512 (default 32)\n"
           "  --buses N                  aux/monitor buses, 1..32 (default 16)\n"
           "  --fx N                     FX slots, 1..8 (default 4)\n"
           "  --direct-outs              register a JACK direct out per channel (direct_N)\n"
           "  --rate HZ                  dummy backend sample rate (default 48000)\n"
           "  --period FRAMES            dummy backend period (default 64)\n"
           "  --name NAME                JACK client name (default fohd)\n"
           "  --server NAME              JACK server name (default: $JACK_DEFAULT_SERVER or the default server)\n"
           "  --connect OURS=THEIRS      keep a JACK connection, e.g. in_1=system:capture_1, main_L=system:playback_1\n"
           "  --set ADDRESS=VALUE        set a parameter at start, e.g. /ch/1/fader=-6 (repeatable)\n"
           "  --demo                     play the synthesized demo show into channels 1-4\n"
           "  --status-interval SECONDS  status line period (default 1, 0 = off)\n"
           "  --run-seconds SECONDS      stop after this long (default: until SIGINT/SIGTERM)\n"
           "  --osc-port PORT            OSC control port, UDP (default 8000; 0 = no OSC server)\n"
           "  --osc-bind ADDR            IPv4 address the OSC server listens on (default 0.0.0.0: tablets on the LAN;\n"
           "                             127.0.0.1: this machine only)\n"
           "  --clients FILE             OSC clients config (JSON): roles by address or subnet, PINs (docs/OSC.md).\n"
           "                             Without it loopback clients are admin and every other client read-only\n"
           "  --admin-pin PIN            the PIN /login PIN turns into admin (default: the config's, else random;\n"
           "                             printed at start)\n"
           "  --show FILE                the show file (docs/SCENES.md): its state and scenes are restored at start\n"
           "                             (its layout wins over --channels/--buses/--fx), every change is saved\n"
           "                             within 2 s; a new file is made when FILE does not exist\n"
           "  --rec-dir DIR              where recordings go, a folder per take (default: takes/ beside the show\n"
           "                             file, else ./takes); /rec/start and /rec/stop over OSC (docs/RECORDING.md)\n"
           "  --rec-format float|pcm24   the takes' samples: 32-bit float (default; any live signal bit-exact) or\n"
           "                             24-bit PCM (overs clip)\n"
           "  --list-params              print the parameter registry as Markdown and exit\n"
           "  --list-osc                 print the OSC address table (types, strings, /norm curves) and exit\n"
           "  --help\n";
}

std::optional<Options> parseOptions(int argc, char** argv, std::string& error) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        auto value = [&](std::string_view& out) {
            if (i + 1 >= argc) {
                error = std::string(arg) + " needs a value";
                return false;
            }
            out = argv[++i];
            return true;
        };
        std::string_view v;
        if (arg == "--help" || arg == "-h") {
            o.help = true;
        } else if (arg == "--demo") {
            o.demo = true;
        } else if (arg == "--list-params") {
            o.listParams = true;
        } else if (arg == "--list-osc") {
            o.listOsc = true;
        } else if (arg == "--backend") {
            if (!value(v)) return std::nullopt;
            if (v == "auto") o.backend = BackendChoice::Auto;
            else if (v == "jack") o.backend = BackendChoice::Jack;
            else if (v == "dummy") o.backend = BackendChoice::Dummy;
            else {
                error = "--backend must be auto, jack or dummy";
                return std::nullopt;
            }
        } else if (arg == "--channels") {
            if (!value(v)) return std::nullopt;
            if (!parseNumber(v, o.channels) || o.channels < 1 || o.channels > 512) {
                error = "--channels must be a whole number from 1 to 512";
                return std::nullopt;
            }
        } else if (arg == "--buses") {
            if (!value(v)) return std::nullopt;
            if (!parseNumber(v, o.buses) || o.buses < 1 || o.buses > 32) {
                error = "--buses must be a whole number from 1 to 32";
                return std::nullopt;
            }
        } else if (arg == "--fx") {
            if (!value(v)) return std::nullopt;
            if (!parseNumber(v, o.fx) || o.fx < 1 || o.fx > 8) {
                error = "--fx must be a whole number from 1 to 8";
                return std::nullopt;
            }
        } else if (arg == "--direct-outs") {
            o.directOuts = true;
        } else if (arg == "--rate") {
            if (!value(v)) return std::nullopt;
            if (!parseNumber(v, o.rate) || o.rate < 8000 || o.rate > 384000) {
                error = "--rate must be a sample rate from 8000 to 384000";
                return std::nullopt;
            }
        } else if (arg == "--period") {
            if (!value(v)) return std::nullopt;
            if (!parseNumber(v, o.period) || o.period < 16 || o.period > 8192) {
                error = "--period must be from 16 to 8192 frames";
                return std::nullopt;
            }
        } else if (arg == "--osc-port") {
            if (!value(v)) return std::nullopt;
            if (!parseNumber(v, o.oscPort) || o.oscPort < 0 || o.oscPort > 65535) {
                error = "--osc-port must be a UDP port 0..65535 (0 = no OSC server)";
                return std::nullopt;
            }
            o.oscPortGiven = true;
        } else if (arg == "--osc-bind") {
            if (!value(v)) return std::nullopt;
            o.oscBind = v;
        } else if (arg == "--clients") {
            if (!value(v)) return std::nullopt;
            o.clientsFile = v;
        } else if (arg == "--rec-dir") {
            if (!value(v)) return std::nullopt;
            o.recDir = v;
        } else if (arg == "--rec-format") {
            if (!value(v)) return std::nullopt;
            if (v != "float" && v != "pcm24") {
                error = "--rec-format takes float or pcm24";
                return std::nullopt;
            }
            o.recFormat = v;
        } else if (arg == "--show") {
            if (!value(v)) return std::nullopt;
            o.showFile = v;
        } else if (arg == "--admin-pin") {
            if (!value(v)) return std::nullopt;
            if (v.size() < 4 || v.size() > 12 || v.find_first_not_of("0123456789") != std::string_view::npos) {
                error = "--admin-pin must be 4 to 12 digits";
                return std::nullopt;
            }
            o.adminPin = v;
        } else if (arg == "--name") {
            if (!value(v)) return std::nullopt;
            o.name = v;
        } else if (arg == "--server") {
            if (!value(v)) return std::nullopt;
            o.server = v;
        } else if (arg == "--connect") {
            if (!value(v)) return std::nullopt;
            std::pair<std::string, std::string> p;
            if (!splitPair(v, p)) {
                error = "--connect takes OURPORT=THEIRPORT, e.g. in_1=system:capture_1";
                return std::nullopt;
            }
            o.connections.push_back(p);
        } else if (arg == "--set") {
            if (!value(v)) return std::nullopt;
            std::pair<std::string, std::string> p;
            if (!splitPair(v, p)) {
                error = "--set takes ADDRESS=VALUE, e.g. /ch/1/fader=-6";
                return std::nullopt;
            }
            o.sets.push_back(p);
        } else if (arg == "--status-interval") {
            if (!value(v)) return std::nullopt;
            if (!parseNumber(v, o.statusInterval) || o.statusInterval < 0) {
                error = "--status-interval must be a number of seconds >= 0";
                return std::nullopt;
            }
        } else if (arg == "--run-seconds") {
            if (!value(v)) return std::nullopt;
            if (!parseNumber(v, o.runSeconds) || o.runSeconds < 0) {
                error = "--run-seconds must be a number of seconds >= 0";
                return std::nullopt;
            }
        } else {
            error = "unknown option " + std::string(arg);
            return std::nullopt;
        }
    }
    return o;
}

}  // namespace foh::fohd
