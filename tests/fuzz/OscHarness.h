#pragma once
// OscServer's per-packet path without sockets, for the fuzz target and the malformed-corpus test: decode, the
// sender's role (ClientAccess), dispatch, /login, the client table, bad-input counting, and what would be sent back,
// with every reply encoded and decoded again (a reply the console itself cannot re-decode is a bug). flush() is the
// server's periodic push pass; render() is one silent audio block, the only thing that drains the command queue.
//
// The console: 8 channels, 4 buses, 2 FX. The clients config gives three senders three roles:
//   kAdminSource     127.0.0.1:9000    admin (loopback)
//   kMonitorSource   10.0.0.7:9001     monitor 2 (10.0.0.0/24 in the config)
//   kReadOnlySource  192.168.1.50:9002 read-only (in no rule)
// PINs: kAdminPin "2468" (admin), "1003" (monitor 3), "4444" (read-only).

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backend/OfflineRenderer.h"
#include "core/Engine.h"
#include "osc/BadInputLog.h"
#include "osc/ClientAccess.h"
#include "osc/ClientTable.h"
#include "osc/ValueWatcher.h"
#include "osc/OscDispatcher.h"

namespace foh::test {

inline constexpr osc::Endpoint kAdminSource{0x7f000001, 9000};
inline constexpr osc::Endpoint kMonitorSource{0x0a000007, 9001};
inline constexpr osc::Endpoint kReadOnlySource{0xc0a80132, 9002};
inline constexpr int kMonitorBus = 2;
inline constexpr const char* kAdminPin = "2468";

/// What one packet did.
struct PacketResult {
    int malformed = 0;                           ///< packets or bundle elements decodePacket refused
    std::vector<osc::OscMessage> messages;       ///< what it decoded to
    std::vector<osc::OscMessage> replies;        ///< everything sent back, in order (sent to `replyTo`)
    osc::Endpoint replyTo;                       ///< where replies went (the last message's reply endpoint)
    std::array<std::uint64_t, osc::kBadKinds> bad{};  ///< bad input by kind, as the server's BadInputLog counts it
    int queueFull = 0;                           ///< sets refused because the command queue was full
    std::vector<std::string> roundTripFailures;  ///< replies that did not encode and decode back to themselves
    [[nodiscard]] std::uint64_t count(osc::BadKind kind) const { return bad[static_cast<std::size_t>(kind)]; }
};

/// Empty when `message` encodes and decodes back to itself (address, types, values); else what went wrong.
[[nodiscard]] std::string roundTripError(const osc::OscMessage& message);

class OscHarness {
public:
    OscHarness();
    ~OscHarness();
    OscHarness(const OscHarness&) = delete;
    OscHarness& operator=(const OscHarness&) = delete;

    /// One datagram from `source` at `now`, as OscServer::onPacket handles it.
    PacketResult packet(const std::uint8_t* data, std::size_t size, osc::Endpoint source, osc::Clock::time_point now);
    /// OscServer::flush without the socket: marks what changed, expires clients, and round-trips every push that
    /// would be sent. Returns the pushes that did not round-trip (empty when all did).
    std::vector<std::string> flush(osc::Clock::time_point now);
    /// One silent block through process_rt (drains the command queue) and housekeeping. False when an output
    /// sample is not finite.
    bool render();

    [[nodiscard]] Engine& engine() { return engine_; }
    [[nodiscard]] osc::ClientTable& clients() { return clients_; }
    [[nodiscard]] const osc::BadInputLog& badInput() const { return bad_; }
    [[nodiscard]] std::size_t pushes() const { return pushes_; }

private:
    Engine engine_;
    CommandQueue& queue_;
    osc::OscDispatcher dispatcher_;
    osc::ClientTable clients_;
    osc::ClientAccess access_;
    osc::BadInputLog bad_;
    OfflineRenderer renderer_;
    int outputs_;
    osc::ValueWatcher watcher_;
    std::size_t pushes_ = 0;
};

}  // namespace foh::test
