#include "osc/OscServer.h"

#include <stdexcept>

#include "osc/OscCodec.h"
#include "util/Log.h"

namespace foh::osc {
namespace asio = boost::asio;
using asio::ip::udp;

namespace {
Endpoint toEndpoint(const udp::endpoint& e) {
    return {e.address().is_v4() ? e.address().to_v4().to_uint() : 0, e.port()};
}
udp::endpoint toUdp(Endpoint e) { return {asio::ip::address_v4(e.ip), e.port}; }
CommandQueue& openLane(Engine& engine) {
    CommandQueue* q = engine.openQueue("osc");
    if (!q) throw std::runtime_error("osc: no free command lane");
    return *q;
}
}  // namespace

OscServer::OscServer(asio::io_context& io, Engine& engine, const std::string& bindAddress, std::uint16_t port,
                     ClientAccess access)
    : engine_(engine),
      queue_(openLane(engine)),
      dispatcher_(engine, queue_),
      socket_(io),
      timer_(io),
      watcher_(engine),
      clients_(watcher_.registry().size()),
      access_(std::move(access)) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address_v4(bindAddress, ec);
    if (ec) {
        engine_.closeQueue(&queue_);
        throw std::runtime_error("osc: --osc-bind " + bindAddress + ": not an IPv4 address");
    }
    socket_.open(udp::v4(), ec);
    if (!ec) socket_.bind({address, port}, ec);
    // Sends never block the control loop: a full socket buffer drops that datagram (counted, logged).
    if (!ec) socket_.non_blocking(true, ec);
    if (ec) {
        engine_.closeQueue(&queue_);
        throw std::runtime_error("osc: cannot listen on " + bindAddress + ":" + std::to_string(port) + ": " + ec.message());
    }
    {
        // Messages wait in the kernel while the control loop is busy or not scheduled; the default ~208 KiB holds
        // 2 ms of a 100 000 msg/s flood, after which the kernel drops datagrams (= lost fader moves). SO_RCVBUFFORCE
        // (root, CAP_NET_ADMIN) may pass net.core.rmem_max; otherwise SO_RCVBUF, which the kernel caps at it.
        constexpr int kAsked = 16 << 20;  // ~0.4 s of a 100 000 msg/s flood
        boost::system::error_code bufferError;
        if (::setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVBUFFORCE, &kAsked, sizeof kAsked) != 0)
            socket_.set_option(udp::socket::receive_buffer_size(kAsked), bufferError);
        udp::socket::receive_buffer_size got;
        socket_.get_option(got, bufferError);
        // (Asio halves what Linux reports: the kernel doubles every size for its bookkeeping, socket(7).)
        if (got.value() < kAsked)
            FOH_LOG_WARN("osc: socket receive buffer %d KiB, asked for %d KiB (net.core.rmem_max): bursts of messages "
                         "may be dropped", got.value() / 1024, kAsked / 1024);
        else FOH_LOG_INFO("osc: socket receive buffer %d KiB", got.value() / 1024);
    }
    FOH_LOG_INFO("osc: listening on udp %s:%u", bindAddress.c_str(), static_cast<unsigned>(this->port()));
    // The sink runs inside engine_.housekeeping(), which is called on this same control thread.
    meterSink_ = engine_.addMeterSink([this](const MeterAccum& packet) { meters_.add(packet); });
    receive();
    schedule(Clock::now() + kFlushInterval);
}

OscServer::~OscServer() {
    boost::system::error_code ec;
    timer_.cancel();
    socket_.close(ec);
    engine_.removeMeterSink(meterSink_);
    engine_.closeQueue(&queue_);
    FOH_LOG_INFO("osc: bad input in total: %llu malformed, %llu wrong type, %llu unknown address, %llu refused, "
                 "%llu not permitted, %llu wrong PIN",
                 static_cast<unsigned long long>(bad_.total(BadKind::Malformed)),
                 static_cast<unsigned long long>(bad_.total(BadKind::WrongType)),
                 static_cast<unsigned long long>(bad_.total(BadKind::Unknown)),
                 static_cast<unsigned long long>(bad_.total(BadKind::Refused)),
                 static_cast<unsigned long long>(bad_.total(BadKind::Forbidden)),
                 static_cast<unsigned long long>(bad_.total(BadKind::WrongPin)));
}

std::uint16_t OscServer::port() const {
    boost::system::error_code ec;
    return socket_.local_endpoint(ec).port();
}

void OscServer::receive() {
    socket_.async_receive_from(asio::buffer(buffer_), from_, [this](const boost::system::error_code& ec, std::size_t n) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) onPacket(n);
        receive();
    });
}

void OscServer::onPacket(std::size_t size) {
    const auto now = Clock::now();
    const Endpoint source = toEndpoint(from_);
    const Decoded decoded = decodePacket(buffer_.data(), size);
    for (int i = 0; i < decoded.malformed; ++i)
        bad_.count(BadKind::Malformed, "a malformed packet of " + std::to_string(size) + " bytes from " +
                                           from_.address().to_string() + ":" + std::to_string(from_.port()));
    if (decoded.messages.empty()) return;  // garbage subscribes nobody and gets no answer: there is no address
    const std::string from = from_.address().to_string() + ":" + std::to_string(from_.port());
    bool applied = false;
    for (const OscMessage& m : decoded.messages) {
        const Role role = access_.roleOf(source.ip, now);
        const std::string origin = "osc " + from + " (" + roleName(role) + ")";
        Outcome out = scenes_ && SceneAddresses::owns(m.address)       ? scenes_->handle(m, role, origin)
                      : recorder_ && RecordAddresses::owns(m.address) ? recorder_->handle(m, role)
                      : player_ && PlayAddresses::owns(m.address)     ? player_->handle(m, role)
                                                                      : dispatcher_.handle(m, role, origin);
        if (out.login) {
            const ClientAccess::Login login = access_.login(source.ip, *out.login, now);
            if (login.ok) {
                out.replies.push_back({"/role", {OscArg::s(roleName(login.role))}});
                FOH_LOG_INFO("osc: %s logged in as %s", from.c_str(), roleName(login.role).c_str());
            } else {
                out.bad = BadKind::WrongPin;
                out.replies.push_back(OscDispatcher::errorMessage("/login", login.error));
            }
        }
        if (out.logout) {
            access_.logout(source.ip);
            out.replies.push_back({"/role", {OscArg::s(roleName(access_.roleOf(source.ip, now)))}});
            FOH_LOG_INFO("osc: %s logged out", from.c_str());
        }
        applied = applied || out.applied;
        bool isNew = false;
        // Where replies go: a /subscribe PORT, else the clients config's reply_port for this host, else the source.
        const int replyPort = out.subscribePort.value_or(0) != 0 ? *out.subscribePort : access_.replyPortOf(source.ip);
        bool full = false;
        const Endpoint reply = clients_.touch(source, now, replyPort, &isNew, &full);
        if (full)
            bad_.count(BadKind::Refused, "client table full (" + std::to_string(ClientTable::kMaxClients) + " clients): " +
                                             from + " is answered but gets no pushes until others expire");
        if (out.subscribePort && !isNew) clients_.restartFullState(reply);
        if (isNew && scenes_)
            for (const OscMessage& n : scenes_->nameMessages()) send(reply, n);  // names are part of the full state
        if (isNew)
            FOH_LOG_INFO("osc: client %s:%u subscribed (full state follows)",
                         asio::ip::address_v4(reply.ip).to_string().c_str(), static_cast<unsigned>(reply.port));
        if (out.bad != BadKind::None) {
            std::string reason = out.replies.empty() || out.replies[0].args.size() < 2 ? "" : out.replies[0].args[1].text;
            bad_.count(out.bad, m.address + " from " + from + ": " + reason);
        }
        if (out.meters)
            for (const OscMessage& r : meters_.request(reply, *out.meters, now)) out.replies.push_back(r);
        for (const OscMessage& r : out.replies) send(reply, r);
    }
    // A change of the scene book: every client sees which scene is current now.
    if (scenes_ && scenes_->changed()) {
        const OscMessage current = scenes_->currentMessage();
        const std::vector<OscMessage> names = scenes_->takeBroadcasts();
        for (const Endpoint client : clients_.clients()) {
            send(client, current);
            for (const OscMessage& n : names) send(client, n);
        }
        applied = true;  // a recall changed values: push them soon
    }
    // Push a change at once unless a flush just ran (a drag then waits at most kMinFlushGap, then ClientTable's pace).
    if (applied && timer_.expiry() > lastFlush_ + kMinFlushGap) schedule(std::max(now, lastFlush_ + kMinFlushGap));
}

void OscServer::schedule(Clock::time_point at) {
    timer_.expires_at(at);  // cancels a pending wait: its handler sees operation_aborted
    timer_.async_wait([this](const boost::system::error_code& e) {
        if (!e) flush();
    });
}

void OscServer::flush() {
    const auto now = Clock::now();
    watcher_.update(engine_, clients_);  // what changed since the last flush, from any lane
    if (const std::size_t dropped = clients_.expire(now))
        FOH_LOG_INFO("osc: %zu client(s) expired (no message for %llds)", dropped,
                     static_cast<long long>(ClientTable::kExpiry.count()));
    if (scenes_) scenes_->poll();  // what a big recall could not send yet
    if (recorder_ && recorder_->changed()) {  // a take started or stopped, a disk warning: every client sees it
        const OscMessage status = recorder_->statusMessage();
        for (const Endpoint client : clients_.clients()) send(client, status);
    }
    if (player_ && player_->changed()) {  // the transport, a take loaded, the virtual soundcheck switched
        const OscMessage status = player_->statusMessage();
        for (const Endpoint client : clients_.clients()) send(client, status);
    }
    const std::vector<Endpoint> clients = clients_.clients();
    for (const Endpoint client : clients)
        for (const std::uint32_t id : clients_.due(client, now))
            send(client, OscDispatcher::valueMessage(watcher_.registry().info(id), watcher_.value(id)));
    meters_.retain(clients);
    if (!meters_.empty()) {
        engine_.housekeeping();  // gathers the newest meter packets into meters_ (the sink)
        meters_.due(now, watcher_.registry().layout(), [this](Endpoint to, MeterFormat format, const std::vector<OscMessage>& m) {
            sendMeters(to, format, m);
        });
    }
    bad_.flush(now);
    lastFlush_ = now;
    schedule(now + kFlushInterval);
}

void OscServer::sendMeters(Endpoint to, MeterFormat format, const std::vector<OscMessage>& messages) {
    if (format == MeterFormat::Blob) {
        for (const OscMessage& m : messages) send(to, m);
        return;
    }
    // One message per element: packed into bundles of about one unfragmented datagram each.
    std::vector<OscMessage> batch;
    std::size_t bytes = 16;
    for (const OscMessage& m : messages) {
        // Element size + address (padded) + ",f" (padded) + the float: every norm message is one float.
        const std::size_t size = 4 + (m.address.size() + 4) / 4 * 4 + 4 + 4;
        if (!batch.empty() && bytes + size > MeterFeed::kMaxBlobBytes) {
            sendBytes(to, encodeBundle(batch));
            batch.clear();
            bytes = 16;
        }
        batch.push_back(m);
        bytes += size;
    }
    if (!batch.empty()) sendBytes(to, encodeBundle(batch));
}

void OscServer::send(Endpoint to, const OscMessage& message) { sendBytes(to, encodeMessage(message)); }

void OscServer::sendBytes(Endpoint to, const std::vector<std::uint8_t>& bytes) {
    if (bytes.empty()) return;
    boost::system::error_code ec;
    socket_.send_to(asio::buffer(bytes), toUdp(to), 0, ec);
    // A full socket buffer or an unreachable client loses this one datagram; the state is pushed again on change.
    if (ec && sendErrors_++ % 1000 == 0)
        FOH_LOG_WARN("osc: send to %s:%u failed: %s (%llu send errors)", asio::ip::address_v4(to.ip).to_string().c_str(),
                     static_cast<unsigned>(to.port), ec.message().c_str(), static_cast<unsigned long long>(sendErrors_));
}

}  // namespace foh::osc
