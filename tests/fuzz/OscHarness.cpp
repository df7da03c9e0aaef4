#include "fuzz/OscHarness.h"

#include <cmath>
#include <stdexcept>

#include "osc/ClientsConfig.h"
#include "osc/OscCodec.h"

namespace foh::test {
using namespace foh::osc;

namespace {

const GraphConfig kGraph{8, 48000.0, 64, 4, 2};

const char* const kClientsJson = R"({
  "admin_pin": "2468",
  "clients": [ { "host": "10.0.0.0/24", "role": "monitor 2" } ],
  "pins": [ { "pin": "1003", "role": "monitor 3" }, { "pin": "4444", "role": "read-only" } ]
})";

ClientAccess makeAccess() {
    std::string error;
    auto config = parseClientsConfig(kClientsJson, "harness", kGraph.buses, error);
    if (!config) throw std::logic_error("OscHarness: " + error);
    std::string pin = config->adminPin.value_or("");
    return ClientAccess(std::move(*config), std::move(pin));
}

CommandQueue& openLane(Engine& engine) {
    CommandQueue* q = engine.openQueue("osc harness");
    if (!q) throw std::logic_error("OscHarness: no free command lane");
    return *q;
}

bool sameNumber(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

std::string roundTripError(const OscMessage& message) {
    const std::vector<std::uint8_t> wire = encodeMessage(message);
    if (wire.empty()) return message.address + ": does not encode";
    const Decoded d = decodePacket(wire.data(), wire.size());
    if (d.malformed != 0 || d.messages.size() != 1) return message.address + ": its encoding does not decode";
    const OscMessage& back = d.messages[0];
    if (back.address != message.address) return message.address + ": decodes with the address " + back.address;
    if (back.args.size() != message.args.size()) return message.address + ": decodes with another argument count";
    for (std::size_t i = 0; i < back.args.size(); ++i) {
        const OscArg& a = message.args[i];
        const OscArg& b = back.args[i];
        // Floats travel as 32 bits: compare what the float holds.
        const double expected = a.type == 'f' ? static_cast<double>(static_cast<float>(a.number)) : a.number;
        if (a.type != b.type || !sameNumber(expected, b.number) || a.text != b.text)
            return message.address + ": argument " + std::to_string(i + 1) + " decodes differently";
    }
    return {};
}

OscHarness::OscHarness()
    : engine_(kGraph),
      queue_(openLane(engine_)),
      dispatcher_(engine_, queue_),
      clients_(engine_.registry()->size()),
      access_(makeAccess()),
      renderer_(engine_, kGraph.maxBlock, kGraph.outputs().allOutputs()),
      outputs_(kGraph.outputs().allOutputs()),
      watcher_(engine_) {}

OscHarness::~OscHarness() { engine_.closeQueue(&queue_); }

PacketResult OscHarness::packet(const std::uint8_t* data, std::size_t size, Endpoint source, Clock::time_point now) {
    PacketResult r;
    Decoded decoded = decodePacket(data, size);
    r.malformed = decoded.malformed;
    for (int i = 0; i < decoded.malformed; ++i) {
        bad_.count(BadKind::Malformed, "a malformed packet of " + std::to_string(size) + " bytes");
        ++r.bad[static_cast<std::size_t>(BadKind::Malformed)];
    }
    r.messages = std::move(decoded.messages);
    // From here on as OscServer::onPacket: garbage subscribes nobody and gets no answer.
    for (const OscMessage& m : r.messages) {
        Outcome out = dispatcher_.handle(m, access_.roleOf(source.ip, now));
        if (out.login) {
            const ClientAccess::Login login = access_.login(source.ip, *out.login, now);
            if (login.ok) {
                out.replies.push_back({"/role", {OscArg::s(roleName(login.role))}});
            } else {
                out.bad = BadKind::WrongPin;
                out.replies.push_back(OscDispatcher::errorMessage("/login", login.error));
            }
        }
        bool isNew = false;
        r.replyTo = clients_.touch(source, now, out.subscribePort.value_or(0), &isNew);
        if (out.subscribePort && !isNew) clients_.restartFullState(r.replyTo);
        if (out.bad != BadKind::None) {
            std::string reason = out.replies.empty() || out.replies[0].args.size() < 2 ? "" : out.replies[0].args[1].text;
            if (out.bad == BadKind::Refused && reason.find("command queue full") != std::string::npos) ++r.queueFull;
            ++r.bad[static_cast<std::size_t>(out.bad)];
            bad_.count(out.bad, m.address + ": " + reason);
        }
        for (OscMessage& reply : out.replies) {
            if (std::string e = roundTripError(reply); !e.empty()) r.roundTripFailures.push_back("reply " + e);
            r.replies.push_back(std::move(reply));
        }
    }
    return r;
}

std::vector<std::string> OscHarness::flush(Clock::time_point now) {
    std::vector<std::string> failures;
    watcher_.update(engine_, clients_);
    (void)clients_.expire(now);
    for (const Endpoint client : clients_.clients())
        for (const std::uint32_t id : clients_.due(client, now)) {
            ++pushes_;
            const OscMessage push = OscDispatcher::valueMessage(watcher_.registry().info(id), watcher_.value(id));
            if (std::string e = roundTripError(push); !e.empty()) failures.push_back("push " + e);
        }
    return failures;
}

bool OscHarness::render() {
    renderer_.renderBlock(nullptr, 0);
    engine_.housekeeping();
    for (int o = 0; o < outputs_; ++o)
        for (const float s : renderer_.output(o))
            if (!std::isfinite(s)) return false;
    return true;
}

}  // namespace foh::test
