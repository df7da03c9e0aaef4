#pragma once
// Who gets pushes, and when: subscriptions with expiry, and per-client coalescing and rate limiting of value
// pushes plus the paced full state for a new client. Pure logic over an explicit clock (no sockets), so the
// server and the tests drive it the same way.
//
// - A client is its reply endpoint (IPv4 address + port). Any message subscribes (renews) its sender; `/subscribe
//   PORT` makes PORT the reply port for everything that sender's source port sends (TouchOSC listens on 9000, not
//   on the port it sends from). An explicit /subscribe also restarts the full state for its client.
// - A subscription expires kExpiry after the last message from it (or from a source mapped to it).
// - A changed parameter is marked on every client; a client gets at most one value per parameter per kMinInterval
//   (the latest value when it is sent), so a 200 msg/s fader drag reaches a tablet at <= 50 values/s.
// - A new client is sent every parameter, kBudgetPerFlush messages per flush (the server flushes every 10 ms), so
//   full state never overflows a UDP socket buffer; a value that changes meanwhile is still pushed.

#include <chrono>
#include <cstdint>
#include <map>
#include <vector>

namespace foh::osc {

using Clock = std::chrono::steady_clock;

struct Endpoint {
    std::uint32_t ip = 0;  ///< IPv4, host byte order
    std::uint16_t port = 0;
    friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

class ClientTable {
public:
    static constexpr auto kExpiry = std::chrono::seconds(60);
    static constexpr auto kMinInterval = std::chrono::milliseconds(20);
    static constexpr std::size_t kBudgetPerFlush = 64;
    /// At most this many subscribed clients (and /subscribe PORT redirections): a flood of forged source addresses
    /// must not exhaust memory or turn the full state into traffic aimed at someone else. Beyond it a sender is
    /// answered but not subscribed, until older clients expire.
    static constexpr std::size_t kMaxClients = 128;

    /// `parameters`: how many parameters the registry has (ids 0 .. parameters-1).
    explicit ClientTable(std::size_t parameters) : parameters_(parameters) {}

    /// A message arrived from `source`: subscribes or renews its client and returns where replies go.
    /// `replyPort` (from /subscribe PORT) redirects that source to PORT from now on. `isNew` tells whether the
    /// client was not subscribed before (it gets full state); `full` that it could not be subscribed (kMaxClients).
    Endpoint touch(Endpoint source, Clock::time_point now, int replyPort = 0, bool* isNew = nullptr,
                   bool* full = nullptr);

    /// Sends `client` the full state again from the start (an explicit /subscribe: a tablet that restarted on the
    /// same port is not new to the table but has lost its state).
    void restartFullState(Endpoint client);
    /// A parameter changed: every client will be sent it.
    void markChanged(std::uint32_t id);
    /// A new registry (another layout): clients start over with full state.
    void resize(std::size_t parameters);

    /// Drops clients not heard from for kExpiry. Returns how many were dropped.
    std::size_t expire(Clock::time_point now);

    /// The parameters due to `client` now (rate limit and budget applied); they count as sent at `now`.
    [[nodiscard]] std::vector<std::uint32_t> due(Endpoint client, Clock::time_point now);

    [[nodiscard]] std::vector<Endpoint> clients() const;
    [[nodiscard]] std::size_t size() const { return clients_.size(); }

private:
    struct Client {
        Clock::time_point lastSeen;
        std::size_t fullStateNext = 0;             ///< next id of the full state still to send
        std::vector<Clock::time_point> lastSent;   ///< per id
        std::vector<char> dirty;                   ///< per id
        std::vector<std::uint32_t> dirtyList;      ///< the ids with dirty set, in change order
    };
    Client fresh(Clock::time_point now) const;

    std::size_t parameters_;
    std::map<Endpoint, Client> clients_;
    struct Alias {
        Endpoint reply;
        Clock::time_point lastSeen;
    };
    std::map<Endpoint, Alias> aliases_;  ///< source endpoint -> reply endpoint (/subscribe PORT)
};

}  // namespace foh::osc
