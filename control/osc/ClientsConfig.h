#pragma once
// The clients config (`fohd --clients FILE`): which role a client gets by its address, and which role each PIN
// logs in to (docs/OSC.md, "Roles"). JSON:
//
//   { "admin_pin": "2468",
//     "clients": [ { "host": "192.168.1.20", "role": "admin", "reply_port": 9000 },
//                  { "host": "192.168.1.0/24", "role": "monitor 3" },
//                  { "host": "127.0.0.1", "role": "read-only" } ],
//     "pins": [ { "pin": "1003", "role": "monitor 3" } ] }
//
// "reply_port" sends replies and pushes for that host to that port instead of the port it sends from (TouchOSC listens
// on 9000); a /subscribe PORT from the client still wins. Every key is optional; an unknown key, a bad address or role, a duplicate PIN is an error (with where it is), so a
// typo never silently opens the desk. Hosts are IPv4 addresses or subnets (CIDR), not names: fohd resolves nothing.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "osc/Role.h"

namespace foh::osc {

struct HostRule {
    std::uint32_t network = 0;  ///< host byte order, masked to the prefix
    int prefix = 32;            ///< 0..32
    Role role;
    int replyPort = 0;  ///< 0: reply to the port the client sends from
    [[nodiscard]] bool matches(std::uint32_t ip) const;
};

struct PinRule {
    std::string pin;
    Role role;
};

struct ClientsConfig {
    std::vector<HostRule> hosts;
    std::vector<PinRule> pins;
    std::optional<std::string> adminPin;
};

/// "10.0.0.7" (a /32) or "10.0.0.0/24". nullopt when it is neither.
[[nodiscard]] std::optional<HostRule> parseHost(std::string_view text);

/// Parses a clients config. `source` names it in errors ("clients.json"); `buses` bounds "monitor N".
/// nullopt with `error` = "<source>: <where>: <what>" when it is not valid.
[[nodiscard]] std::optional<ClientsConfig> parseClientsConfig(std::string_view json, const std::string& source, int buses,
                                                              std::string& error);
/// Reads and parses FILE (an unreadable file is an error too).
[[nodiscard]] std::optional<ClientsConfig> loadClientsConfig(const std::string& path, int buses, std::string& error);

}  // namespace foh::osc
