#pragma once
// The OSC server on fohd's control thread: a UDP socket serviced by the control loop's Boost.Asio io_context
// (never the audio thread), liblo's low-level parser for the wire format, the dispatcher for the address space and
// the client table for pushes. Every kFlushInterval (and at once after a change that arrives after a quiet spell) it
// looks at the engine's value store, marks what changed (from any lane: OSC, --set, later scenes) on every client and
// sends each client what is due, then the meter groups due (osc/MeterFeed.h).

#include <utility>  // before Asio under C++20 (Boost 1.74)

#include <boost/asio.hpp>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/Engine.h"
#include "osc/BadInputLog.h"
#include "osc/ClientAccess.h"
#include "osc/ClientTable.h"
#include "osc/MeterFeed.h"
#include "osc/OscDispatcher.h"
#include "osc/PlayAddresses.h"
#include "osc/RecordAddresses.h"
#include "osc/SceneAddresses.h"
#include "osc/ValueWatcher.h"

namespace foh::osc {

class OscServer {
public:
    static constexpr auto kFlushInterval = std::chrono::milliseconds(10);
    /// A change arriving after a quiet spell is pushed at once; flushes are never closer together than this.
    static constexpr auto kMinFlushGap = std::chrono::milliseconds(2);

    /// Opens its own command lane. Throws std::runtime_error when the socket cannot be bound or no lane is free.
    /// `access` decides each client's role (osc/ClientAccess.h).
    OscServer(boost::asio::io_context& io, Engine& engine, const std::string& bindAddress, std::uint16_t port,
              ClientAccess access);
    ~OscServer();
    OscServer(const OscServer&) = delete;
    OscServer& operator=(const OscServer&) = delete;

    [[nodiscard]] std::uint16_t port() const;
    /// Serves /scene, /history and /show through `scenes` (null: those addresses are unknown). Not owned.
    void setScenes(SceneAddresses* scenes) { scenes_ = scenes; }
    /// Serves /rec through `recorder` (null: unknown addresses). Not owned.
    void setRecorder(RecordAddresses* recorder) { recorder_ = recorder; }
    /// Serves /play through `player` (null: unknown addresses). Not owned.
    void setPlayer(PlayAddresses* player) { player_ = player; }
    [[nodiscard]] const BadInputLog& badInput() const { return bad_; }

private:
    void receive();
    void onPacket(std::size_t size);
    void flush();
    void schedule(Clock::time_point at);
    void sendMeters(Endpoint to, MeterFormat format, const std::vector<OscMessage>& messages);
    void send(Endpoint to, const OscMessage& message);
    void sendBytes(Endpoint to, const std::vector<std::uint8_t>& bytes);

    Engine& engine_;
    CommandQueue& queue_;
    OscDispatcher dispatcher_;
    boost::asio::ip::udp::socket socket_;
    boost::asio::steady_timer timer_;
    boost::asio::ip::udp::endpoint from_;
    std::array<std::uint8_t, 65536> buffer_{};
    ValueWatcher watcher_;  ///< the value store as of the last flush
    ClientTable clients_;
    ClientAccess access_;
    MeterFeed meters_;
    SceneAddresses* scenes_ = nullptr;
    RecordAddresses* recorder_ = nullptr;
    PlayAddresses* player_ = nullptr;
    int meterSink_ = -1;
    Clock::time_point lastFlush_{};
    BadInputLog bad_;
    std::uint64_t sendErrors_ = 0;
};

}  // namespace foh::osc
