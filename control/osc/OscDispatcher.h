#pragma once
// The OSC address space over the parameter registry: what one incoming message does, and what goes back to its
// sender. No sockets: the server feeds it decoded messages; tests call it directly.
//
//   <address> <value>       sets (float, int, double, int64, T/F; an enum also by name, a toggle by on/off)
//   <address>               query: answered with <address> <current value>
//   <address>/norm <0..1>   sets through the parameter's 0..1 curve (faders: the fader law); a query answers 0..1
//   /subscribe [port]       subscribes (renews); the port overrides where replies and pushes go
//   /login PIN              asks for the role of a PIN (string or int); the server checks it (ClientAccess)
//   /logout                 ends the sender's login (its address's role again); answered with /role
//   /role                   answered with /role s <the sender's role>
//   /meters GROUP [HZ] [FMT]  meter subscription (osc/MeterFeed.h); /meters alone lists the sender's
// A set the sender's role does not permit (osc/Role.h) is never applied: /error s <address> s "not permitted ...".
//   anything wrong          answered with /error s <address> s <reason>
// A successful set is not answered directly: the change is pushed to every subscribed client, the sender too.

#include <optional>
#include <string>
#include <vector>

#include "core/Engine.h"
#include "osc/MeterFeed.h"
#include "osc/OscMessage.h"
#include "osc/Role.h"

namespace foh::osc {

enum class BadKind { None, Malformed, WrongType, Unknown, Refused, Forbidden, WrongPin };
inline constexpr std::size_t kBadKinds = 7;

struct Outcome {
    std::vector<OscMessage> replies;       ///< to the sender (its reply address)
    std::optional<int> subscribePort;      ///< /subscribe PORT; 0 = /subscribe without a port
    std::optional<std::string> login;      ///< /login PIN: the PIN, for the server to check
    bool logout = false;                   ///< /logout: for the server to end the login
    std::optional<MeterRequest> meters;    ///< /meters ...: for the server's meter feed
    bool applied = false;                  ///< a value was set (the server pushes it soon)
    BadKind bad = BadKind::None;
};

class OscDispatcher {
public:
    /// `queue` is the OSC server's own command lane (one control thread per queue).
    OscDispatcher(Engine& engine, CommandQueue& queue) : engine_(engine), queue_(queue) {}

    /// Handles one message from a client whose role is `role`; `origin` names it in the change journal.
    [[nodiscard]] Outcome handle(const OscMessage& message, const Role& role = Role::admin(), std::string_view origin = {});

    /// The message that shows parameter `id`'s value `value` (a query answer, a push).
    [[nodiscard]] static OscMessage valueMessage(const ParamInfo& info, float value);
    [[nodiscard]] static OscMessage errorMessage(const std::string& address, const std::string& reason);

private:
    Engine& engine_;
    CommandQueue& queue_;
};

inline constexpr const char* kNormSuffix = "/norm";

}  // namespace foh::osc
