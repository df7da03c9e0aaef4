#pragma once
// Which role each client has, and /login: pure logic over an explicit clock (no sockets), like ClientTable.
//
// - A client's role, by its IPv4 address: a PIN it logged in with (the latest /login wins, for everything sent
//   from that address); else the most specific matching "clients" entry of the config; else admin for loopback
//   (127.0.0.0/8: the operator on this machine) and read-only for everyone else (secure by default).
// - A login lasts while the address keeps sending: it is dropped after kLoginIdle of silence (a DHCP address
//   reused the next day by another phone gets nothing).
// - Wrong PINs are rate-limited per address: after kMaxTries wrong PINs within kTryWindow every /login from it is
//   refused, right PIN or not, until the oldest of them is kTryWindow old. A 4-digit PIN then takes days to guess.

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "osc/ClientTable.h"
#include "osc/ClientsConfig.h"
#include "osc/Role.h"

namespace foh::osc {

class ClientAccess {
public:
    static constexpr int kMaxTries = 5;
    static constexpr auto kTryWindow = std::chrono::seconds(60);
    static constexpr auto kLoginIdle = std::chrono::hours(2);
    /// Bounds on the per-address tables (UDP source addresses can be forged in bulk).
    static constexpr std::size_t kMaxEntries = 4096;

    ClientAccess(ClientsConfig config, std::string adminPin);

    /// The role of a message from `ip` (host byte order) now; renews its login.
    [[nodiscard]] Role roleOf(std::uint32_t ip, Clock::time_point now);

    struct Login {
        bool ok = false;
        Role role;          ///< when ok
        std::string error;  ///< when not: "wrong PIN", "too many wrong PINs ..."
    };
    /// /login PIN from `ip`.
    [[nodiscard]] Login login(std::uint32_t ip, std::string_view pin, Clock::time_point now);

    /// /logout from `ip`: its login ends; it has its address's role again.
    void logout(std::uint32_t ip) { logins_.erase(ip); }
    /// The reply port the config names for `ip` (the most specific matching rule that names one), or 0.
    [[nodiscard]] int replyPortOf(std::uint32_t ip) const;

    [[nodiscard]] const std::string& adminPin() const { return adminPin_; }
    [[nodiscard]] std::uint64_t wrongPins() const { return wrongPins_; }

    [[nodiscard]] static bool isLoopback(std::uint32_t ip) { return (ip >> 24) == 127; }
    /// A random 6-digit PIN (std::random_device).
    [[nodiscard]] static std::string randomPin();

private:
    struct LoggedIn {
        Role role;
        Clock::time_point lastSeen;
    };
    ClientsConfig config_;
    std::string adminPin_;
    std::map<std::uint32_t, LoggedIn> logins_;
    std::map<std::uint32_t, std::deque<Clock::time_point>> failures_;  ///< wrong PINs within kTryWindow
    std::uint64_t wrongPins_ = 0;
};

}  // namespace foh::osc
