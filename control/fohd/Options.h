#pragma once
// fohd's command line.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace foh::fohd {

enum class BackendChoice { Auto, Jack, Dummy };

struct Options {
    BackendChoice backend = BackendChoice::Auto;
    int channels = 32;
    int buses = 16;
    int fx = 4;
    bool directOuts = false;
    double rate = 48000.0;  ///< dummy backend; JACK uses the server's rate
    int period = 64;        ///< dummy backend; JACK uses the server's period
    std::string name = "fohd";
    std::string server;
    std::vector<std::pair<std::string, std::string>> connections;  ///< --connect ours=theirs
    std::vector<std::pair<std::string, std::string>> sets;         ///< --set address=value (parsed later)
    bool demo = false;
    double statusInterval = 1.0;  ///< seconds; 0 turns the status line off
    double runSeconds = 0.0;      ///< 0: until SIGINT/SIGTERM
    int oscPort = 8000;              ///< 0: no OSC server
    bool oscPortGiven = false;       ///< an explicit --osc-port that cannot be bound is fatal; the default is not
    /// Every interface: tablets on the LAN reach fohd, and are read-only until the clients config or a /login
    /// says otherwise (docs/OSC.md, "Roles").
    std::string oscBind = "0.0.0.0";
    std::string clientsFile;  ///< --clients FILE: the roles config; empty = none (loopback admin, others read-only)
    std::string adminPin;     ///< --admin-pin: overrides the config's; empty = the config's or a random one
    std::string recDir;       ///< --rec-dir DIR: where takes go; empty = "takes" beside the show file, else ./takes
    std::string recFormat = "float";  ///< --rec-format float|pcm24: the takes' sample format
    std::string showFile;     ///< --show FILE: scenes and state, restored at start and saved on change; empty = none
    bool listParams = false;
    bool listOsc = false;
    bool help = false;
};

/// Parses argv. Returns the options, or nullopt with `error` set.
[[nodiscard]] std::optional<Options> parseOptions(int argc, char** argv, std::string& error);
[[nodiscard]] const char* usage();

}  // namespace foh::fohd
