#pragma once
// The OSC address space over the parameter registry: what one incoming message does, and what goes back to its
// sender. No sockets: the server feeds it decoded messages; tests call it directly.
//
//   <address> <value>       sets (float, int, double, int64, T/F; an enum also by name, a toggle by on/off)
//   <address>               query: answered with <address> <current value>
//   <address>/norm <0..1>   sets through the parameter's 0..1 curve (faders: the fader law); a query answers 0..1
//   /subscribe [port]       subscribes (renews); the port overrides where replies and pushes go
//   anything wrong          answered with /error s <address> s <reason>
// A successful set is not answered directly: the change is pushed to every subscribed client, the sender too.

#include <optional>
#include <string>
#include <vector>

#include "core/Engine.h"
#include "osc/OscMessage.h"

namespace foh::osc {

enum class BadKind { None, Malformed, WrongType, Unknown, Refused };

struct Outcome {
    std::vector<OscMessage> replies;       ///< to the sender (its reply address)
    std::optional<int> subscribePort;      ///< /subscribe PORT; 0 = /subscribe without a port
    BadKind bad = BadKind::None;
};

class OscDispatcher {
public:
    /// `queue` is the OSC server's own command lane (one control thread per queue).
    OscDispatcher(Engine& engine, CommandQueue& queue) : engine_(engine), queue_(queue) {}

    [[nodiscard]] Outcome handle(const OscMessage& message);

    /// The message that shows parameter `id`'s value `value` (a query answer, a push).
    [[nodiscard]] static OscMessage valueMessage(const ParamInfo& info, float value);
    [[nodiscard]] static OscMessage errorMessage(const std::string& address, const std::string& reason);

private:
    Engine& engine_;
    CommandQueue& queue_;
};

inline constexpr const char* kNormSuffix = "/norm";

}  // namespace foh::osc
